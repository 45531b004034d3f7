import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, isSameAppUrl } from './app-url';
import { resolveAppPath } from './app-protocol';

describe('isSameAppUrl', () => {
  it.each([
    ['app://renderer/index.html', APP_INDEX_URL, true],
    ['app://renderer/index.html#/bookings/b1', APP_INDEX_URL, true],
    ['app://other/index.html', APP_INDEX_URL, false],
    ['app://user@renderer/index.html', APP_INDEX_URL, false],
    ['file:///app/out/renderer/index.html', APP_INDEX_URL, false],
    ['https://renderer/index.html', APP_INDEX_URL, false],
    ['http://localhost:5173/#/', 'http://localhost:5173/', true],
    ['http://localhost:5174/', 'http://localhost:5173/', false],
    ['http://127.0.0.1:5173/', 'http://localhost:5173/', false],
    ['', APP_INDEX_URL, false],
    [undefined, APP_INDEX_URL, false],
    ['garbage', APP_INDEX_URL, false],
  ])('%s vs %s → %s', (url, base, same) => {
    expect(isSameAppUrl(url, base)).toBe(same);
  });
});

describe('resolveAppPath', () => {
  const dir = '/app/out/renderer';
  it.each([
    ['app://renderer/', '/app/out/renderer/index.html'],
    ['app://renderer/index.html', '/app/out/renderer/index.html'],
    ['app://renderer/assets/index-abc.js', '/app/out/renderer/assets/index-abc.js'],
    ['app://renderer/assets/a%20b.css', '/app/out/renderer/assets/a b.css'],
    ['app://renderer/../../etc/passwd', '/app/out/renderer/etc/passwd'],
    ['app://renderer/%2e%2e/%2e%2e/etc/passwd', '/app/out/renderer/etc/passwd'],
    ['app://renderer/assets/..%2f..%2f..%2fetc/passwd', null],
    ['app://renderer/a%5c..%5c..%5cx', null],
    ['app://renderer/a%00.js', null],
    ['app://renderer/%E0%A4%A', null],
    ['app://other/index.html', null],
    ['https://renderer/index.html', null],
  ])('%s → %s', (url, file) => {
    expect(resolveAppPath(dir, url)).toBe(file);
  });
});
