import { describe, expect, it } from 'vitest';
import { isAllowedFetchSite, isAllowedHost, isAllowedOrigin, isStrongSecret, secretMatches } from './request-guard';
import { readFileSync } from 'node:fs';
import { injectHostBridge, rendererCspHeader } from './renderer-page';

describe('request guard', () => {
  it.each([
    ['127.0.0.1:5000', true],
    ['localhost:5000', true],
    ['LOCALHOST:5000', true],
    ['127.0.0.1:5001', false],
    ['127.0.0.1', false],
    ['evil.example:5000', false],
    ['127.0.0.1.nip.io:5000', false],
    [undefined, false],
  ])('Host %s → %s', (host, allowed) => {
    expect(isAllowedHost(host, 5000)).toBe(allowed);
  });

  it.each([
    [undefined, true],
    ['http://127.0.0.1:5000', true],
    ['http://localhost:5000', true],
    ['https://127.0.0.1:5000', false],
    ['http://127.0.0.1:5000.evil.example', false],
    ['null', false],
    ['http://evil.example', false],
  ])('Origin %s → %s', (origin, allowed) => {
    expect(isAllowedOrigin(origin, 5000)).toBe(allowed);
  });

  it.each([
    [undefined, true],
    ['same-origin', true],
    ['none', true],
    ['same-site', false],
    ['cross-site', false],
  ])('Sec-Fetch-Site %s → %s', (site, allowed) => {
    expect(isAllowedFetchSite(site)).toBe(allowed);
  });

  it('compares secrets exactly', () => {
    expect(secretMatches('abc', 'abc')).toBe(true);
    expect(secretMatches('abd', 'abc')).toBe(false);
    expect(secretMatches('abcd', 'abc')).toBe(false);
    expect(secretMatches(undefined, 'abc')).toBe(false);
    expect(secretMatches('', 'abc')).toBe(false);
  });

  it('wants ≥128 bits of base64url', () => {
    expect(isStrongSecret('a'.repeat(22))).toBe(true);
    expect(isStrongSecret('a'.repeat(21))).toBe(false);
    expect(isStrongSecret(`${'a'.repeat(30)}&x=1`)).toBe(false);
  });
});

describe('injectHostBridge', () => {
  it('puts the bridge before the first script', () => {
    const out = injectHostBridge('<head><title>x</title><script type="module" src="/a.js"></script></head>');
    expect(out).toMatch(/<script src="\/host-bridge.js"><\/script>\s*<script type="module"/);
  });
  it('falls back to the end of head', () => {
    expect(injectHostBridge('<head></head><body></body>')).toBe(
      '<head><script src="/host-bridge.js"></script>\n</head><body></body>',
    );
  });
  it('refuses a page it cannot place the bridge into', () => {
    expect(() => injectHostBridge('<p>hi</p>')).toThrow();
  });
});

describe('the renderer page policy (renderer/index.html, the one place it is written)', () => {
  const csp = rendererCspHeader(readFileSync('renderer/index.html', 'utf8'));
  const directives = new Map(
    csp.split(';').map((d) => {
      const [name = '', ...values] = d.trim().split(/\s+/);
      return [name, values.join(' ')];
    }),
  );

  it('allows nothing by default, and only the app itself where something is needed (security review 42)', () => {
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data:"); // no https: images to leak data through
    // Directives that do not fall back to default-src, closed one by one.
    for (const name of ['base-uri', 'form-action']) expect(directives.get(name)).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(csp).not.toMatch(/unsafe-eval|\*|https:/);
  });

  it('is required: a page without one is not served', () => {
    expect(() => rendererCspHeader('<head><title>x</title></head>')).toThrow(/no Content-Security-Policy/);
  });
});
