/**
 * `npm run bench`: benchmarks with same-run baselines (issue 10). None are written yet; this entry point
 * exists so the command is stable for scripts and CI, and says so plainly instead of pretending to measure.
 */
console.log('no benchmarks yet (see issue 10: relay ingest, end to end, fan-out, catch-up, queries, app start)');
