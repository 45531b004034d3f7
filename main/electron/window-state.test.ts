import { describe, expect, it } from 'vitest';
import { fitToDisplays, parseWindowState } from './window-state';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window state', () => {
  it('parses only well-formed states', () => {
    expect(parseWindowState({ bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: false })).not.toBeNull();
    expect(parseWindowState({ bounds: { x: 10, y: 20, width: 10, height: 700 }, maximized: false })).toBeNull();
    expect(parseWindowState('x')).toBeNull();
    expect(parseWindowState(undefined)).toBeNull();
  });

  it('keeps a position that is on a screen and shrinks to fit', () => {
    expect(fitToDisplays({ bounds: { x: 100, y: 100, width: 3000, height: 800 }, maximized: true }, [screen])).toEqual({
      bounds: { x: 100, y: 100, width: 1920, height: 800 },
      maximized: true,
    });
  });

  it('drops the position of a window left on a monitor that is gone', () => {
    expect(
      fitToDisplays({ bounds: { x: 2500, y: 100, width: 1000, height: 800 }, maximized: false }, [screen]),
    ).toEqual({
      bounds: { width: 1000, height: 800 },
      maximized: false,
    });
    expect(
      fitToDisplays({ bounds: { x: 1850, y: 100, width: 1000, height: 800 }, maximized: false }, [screen]).bounds,
    ).not.toHaveProperty('x');
  });
});
