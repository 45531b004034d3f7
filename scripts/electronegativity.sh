#!/usr/bin/env bash
# Electronegativity's Electron security report, as information (issue 11): the tool is unmaintained, so it is
# fetched by npx when asked for, never a dependency and never a gate. Reports land in test-results/.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
electron_version=$(node -p "require('./node_modules/electron/package.json').version")
for dir in main preload; do
  npx --yes @doyensec/electronegativity@1.10.3 -i "$dir" -e "$electron_version" -p typescript -r -v false \
    -o "test-results/electronegativity-$dir.sarif"
done
echo "Reports: test-results/electronegativity-main.sarif, test-results/electronegativity-preload.sarif (findings need review; not a gate)"
