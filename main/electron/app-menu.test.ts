import { describe, expect, it } from 'vitest';
import { buildMenuTemplate } from './app-menu';

describe('app menu', () => {
  const base = { appName: 'LifeScore Consultant', onOpenLogs: () => undefined, onOpenDataFolder: () => undefined };
  it('starts with the app menu on macOS and always has Edit roles', () => {
    const mac = buildMenuTemplate({ ...base, isMac: true, isDev: false });
    expect(mac[0]?.label).toBe('LifeScore Consultant');
    const edit = mac.find((m) => m.label === 'Edit')?.submenu as { role?: string }[];
    expect(edit.map((i) => i.role)).toEqual(expect.arrayContaining(['copy', 'paste', 'cut', 'selectAll']));
  });
  it('offers developer tools only in development', () => {
    const roles = (isDev: boolean) =>
      JSON.stringify(buildMenuTemplate({ ...base, isMac: false, isDev }).find((m) => m.label === 'View')?.submenu);
    expect(roles(false)).not.toContain('toggleDevTools');
    expect(roles(true)).toContain('toggleDevTools');
  });
});
