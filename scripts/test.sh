#!/usr/bin/env bash
# npm test: lint, format check, type check, build, unit + integration (vitest), end to end (Playwright on the browser host).
# Everything runs inside a private D-Bus session with a real, unlocked gnome-keyring (scripts/with-keyring.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${LIFESCORE_PRIVATE_KEYRING:-}" ]; then
  exec bash scripts/with-keyring.sh bash scripts/test.sh "$@"
fi

mkdir -p test-results
stage() { printf '\n==> %s\n' "$*"; }

stage "lint"
npx eslint .

stage "format (Prettier; npm run format fixes it)"
npx prettier --check . --log-level warn

stage "type check (common, node, electron, web, e2e)"
npm run --silent typecheck

stage "build (electron-vite: main, preload, renderer)"
npx electron-vite build >test-results/build.log 2>&1 || { cat test-results/build.log; exit 1; }
tail -n 3 test-results/build.log

stage "unit and integration tests (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json

stage "end-to-end tests (Playwright, Debian Chromium, browser host)"
PLAYWRIGHT_JSON_OUTPUT_NAME=test-results/playwright.json npx playwright test --reporter=list,json

stage "summary"
node scripts/test-summary.mjs test-results/vitest.json test-results/playwright.json
