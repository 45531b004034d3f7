import { describe, expect, it } from 'vitest';
import { debuggingSwitches } from './debug-switches';

describe('debuggingSwitches', () => {
  it('finds the DevTools protocol switches, and only those', () => {
    const line =
      (...present: string[]) =>
      (name: string) =>
        present.includes(name);
    expect(debuggingSwitches(line('remote-debugging-port'))).toEqual(['remote-debugging-port']);
    expect(debuggingSwitches(line('remote-debugging-pipe', 'lang'))).toEqual(['remote-debugging-pipe']);
    expect(debuggingSwitches(line('lang', 'disable-gpu'))).toEqual([]);
  });
});
