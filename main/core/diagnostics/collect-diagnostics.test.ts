import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createActivityLog } from './activity-log';
import { collectDiagnostics } from './collect-diagnostics';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

it('reports versions, the data folder, the database size with its WAL, activity, and quarantined events newest first', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'diag-'));
  dirs.push(dir);
  const file = path.join(dir, 'bookings.db');
  fs.writeFileSync(file, Buffer.alloc(4096));
  fs.writeFileSync(`${file}-wal`, Buffer.alloc(1000));
  const activity = createActivityLog();
  activity.tee({ info: () => {}, warn: () => {}, error: () => {} }).warn('stream dropped', { attempt: 1 });
  const d = collectDiagnostics({
    versions: { app: '0.1.0', node: '20.20.2', platform: 'linux x64', host: 'browser' },
    dataFolder: dir,
    databaseFile: file,
    activity,
    quarantined: () => [
      { seq: 3, receivedAt: '2026-11-26T09:00:00.000Z', reason: 'invalid signature', trigger: null },
      { seq: 9, receivedAt: '2026-11-26T10:00:00.000Z', reason: 'unparsable startTime', trigger: 'BOOKING_CREATED' },
    ],
  });
  expect(d.database).toEqual({ file, sizeBytes: 5096 });
  expect(d.quarantined.map((q) => q.seq)).toEqual([9, 3]);
  expect(d.activity.map((a) => a.message)).toEqual(['stream dropped']);
  expect(d.versions.host).toBe('browser');
});

it('reports a database that does not exist yet as 0 bytes, not as an error', () => {
  const d = collectDiagnostics({
    versions: { app: '0.1.0', node: '20', platform: 'linux x64', host: 'electron', electron: '45.0.0', chrome: '140' },
    dataFolder: '/nonexistent',
    databaseFile: '/nonexistent/bookings.db',
    activity: createActivityLog(),
    quarantined: () => [],
  });
  expect(d.database.sizeBytes).toBe(0);
  expect(d.quarantined).toEqual([]);
});
