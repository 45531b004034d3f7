import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * electron-builder.yml against electron-builder's own JSON schema (app-builder-lib/scheme.json), with the
 * validator and YAML parser electron-builder itself depends on (resolved from its package, not hoisting).
 */
const root = resolve(import.meta.dirname, '../..');
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const Ajv = builderRequire('ajv') as new (o: object) => {
  addKeyword(k: string): void;
  validate(s: object, d: unknown): boolean;
  errors?: unknown;
};
const yaml = builderRequire('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;

describe('electron-builder.yml', () => {
  it('is valid for electron-builder', () => {
    const schema = JSON.parse(readFileSync(builderRequire.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;
    const ajv = new Ajv({ allErrors: true, strict: false });
    ajv.addKeyword('typeof'); // electron-builder's schema marks function-typed options with it
    const valid = ajv.validate(schema, config);
    expect(ajv.errors ?? null, JSON.stringify(ajv.errors)).toBeNull();
    expect(valid).toBe(true);
  });

  it('ships an allow-list, registers lifescore, unpacks natives and flips release fuses', () => {
    expect(config.appId).toBe('com.lifescore.consultant');
    expect(config.files).toEqual(['out/**', 'package.json']);
    expect(config.protocols).toEqual([{ name: 'LifeScore Consultant', schemes: ['lifescore'] }]);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      onlyLoadAppFromAsar: true,
    });
    expect(config.mac).toMatchObject({ hardenedRuntime: true, target: ['dmg', 'zip'] });
    expect((config.linux as { target: string[] }).target).toEqual(['AppImage', 'deb']);
    // A custom `depends` would replace electron-builder's defaults (GTK, NSS…) that Electron itself needs.
    expect(config.deb).not.toHaveProperty('depends');
    expect(config.deb).toMatchObject({ recommends: ['gnome-keyring'] });
  });

  it('issue 21: Linux desktop name in sync and no StartupWMClass; the uninstaller removes the lifescore key', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { desktopName?: string };
    expect(pkg.desktopName).toBe('lifescore-consultant.desktop');
    expect(config.linux).toMatchObject({ syncDesktopName: true });
    expect(JSON.stringify(config.linux)).not.toContain('StartupWMClass');
    const nsis = config.nsis as { include: string };
    expect(readFileSync(join(root, nsis.include), 'utf8')).toMatch(
      /!macro customUnInstall[\s\S]*DeleteRegKey HKCU "Software\\Classes\\lifescore"/,
    );
  });

  it('points at files that exist', () => {
    const mac = config.mac as { entitlements: string; icon: string };
    for (const file of [mac.entitlements, mac.icon, 'resources/icon.svg', 'resources/icons/512x512.png']) {
      expect(existsSync(join(root, file)), file).toBe(true);
    }
  });
});
