import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findElectronBinary, probeElectronSqlite } from './electron-launch';

describe('findElectronBinary', () => {
  const dirs: string[] = [];
  const project = (files: Record<string, string>) => {
    const root = mkdtempSync(join(tmpdir(), 'lifescore-electron-find-'));
    dirs.push(root);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), text);
    }
    return root;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('says plainly that the binary was never downloaded (electron 45 fetches it lazily)', () => {
    const root = project({ 'node_modules/electron/package.json': '{}' });
    expect(findElectronBinary(root, {})).toEqual({
      ok: false,
      reason: expect.stringContaining('npx install-electron'),
    });
  });

  it('says so when the electron package itself is missing', () => {
    expect(findElectronBinary(project({}), {})).toEqual({
      ok: false,
      reason: expect.stringContaining('not in node_modules'),
    });
  });

  it('finds the executable path.txt names, without downloading anything', () => {
    const root = project({
      'node_modules/electron/package.json': '{}',
      'node_modules/electron/path.txt': 'electron',
      'node_modules/electron/dist/electron': '',
    });
    expect(findElectronBinary(root, {})).toEqual({ ok: true, path: join(root, 'node_modules/electron/dist/electron') });
  });

  it('reports a path.txt whose executable is gone', () => {
    const root = project({ 'node_modules/electron/package.json': '{}', 'node_modules/electron/path.txt': 'electron' });
    expect(findElectronBinary(root, {})).toMatchObject({ ok: false, reason: expect.stringContaining('missing at') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH with the platform’s executable name', () => {
    const root = project({
      'node_modules/electron/package.json': '{}',
      'dist-mac/Electron.app/Contents/MacOS/Electron': '',
      'dist-win/electron.exe': '',
    });
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: join(root, 'dist-mac') }, 'darwin')).toEqual({
      ok: true,
      path: join(root, 'dist-mac/Electron.app/Contents/MacOS/Electron'),
    });
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: join(root, 'dist-win') }, 'win32')).toEqual({
      ok: true,
      path: join(root, 'dist-win/electron.exe'),
    });
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: join(root, 'dist-win') }, 'linux')).toMatchObject({
      ok: false,
    });
  });
});

describe('probeElectronSqlite', () => {
  // Node stands in for Electron's Node here: it ignores ELECTRON_RUN_AS_NODE and loads the addon npm built for it.
  it('passes when better-sqlite3 loads in the runtime', () => {
    expect(probeElectronSqlite(process.execPath, join(import.meta.dirname, '..'))).toEqual({ ok: true });
  });

  it('returns the loader output when it does not', () => {
    const empty = mkdtempSync(join(tmpdir(), 'lifescore-probe-'));
    try {
      expect(probeElectronSqlite(process.execPath, empty)).toMatchObject({
        ok: false,
        output: expect.stringContaining('better-sqlite3'),
      });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
