import { describe, expect, it } from 'vitest';
import { safeNext } from './oidc.js';

describe('where single sign-on goes afterwards', () => {
  it('keeps a path on this server', () => {
    expect(safeNext('/i/abc/report?x=1#frag')).toBe('/i/abc/report?x=1#frag');
    expect(safeNext('/dashboard')).toBe('/dashboard');
    // Still encoded: a path, never a header line.
    expect(safeNext('/%0d%0aSet-Cookie:x')).toBe('/%0d%0aSet-Cookie:x');
  });

  it('goes to the dashboard for anything that could leave the server, or nothing', () => {
    for (const next of [undefined, '', 'dashboard', '//evil.test/x', '/\\evil.test', 'https://evil.test/', '/a b', '/\tx', '/\nx', ['/a'], `/${'a'.repeat(2001)}`]) {
      expect(safeNext(next), String(next)).toBe('/dashboard');
    }
  });
});
