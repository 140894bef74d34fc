import { describe, expect, it } from 'vitest';
import { newSessionId } from '../server/src/sessions/tokens.js';

describe('session ids', () => {
  it('never start with a character a command line reads as an option, and do not repeat', () => {
    const ids = Array.from({ length: 5000 }, newSessionId);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]{14}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
