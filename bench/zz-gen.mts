import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bookingDbDir } from './booking-db';
const w = mkdtempSync(join(tmpdir(), 'gen-'));
for (const n of [100, 10_000, 100_000]) bookingDbDir(w, n, console.log);
rmSync(w, { recursive: true, force: true });
