import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../src/index.js';

const utf8 = new TextEncoder();

function phpUrlencode(text: string): string {
  let out = '';
  for (const byte of utf8.encode(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9._-]/.test(char)
      ? char
      : char === ' '
        ? '+'
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function base64(text: string): string {
  let binary = '';
  for (const byte of utf8.encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The encodings an upstream may echo a secret in, written independently of the implementation. */
const encoders: Record<string, (secret: string) => string> = {
  raw: (s) => s,
  encodeURIComponent: (s) => encodeURIComponent(s),
  'form (URLSearchParams)': (s) => new URLSearchParams({ password: s }).toString().slice('password='.length),
  'PHP urlencode': phpUrlencode,
  'lower-case percent escapes': (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  base64,
  base64url: (s) => base64(s).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'),
  JSON: (s) => JSON.stringify(s).slice(1, -1),
  'base64 in a query string': (s) => encodeURIComponent(base64(s)),
  'URL inside a query string': (s) => encodeURIComponent(`https://x.test/?p=${encodeURIComponent(s)}`),
};

/** Secrets from all of Unicode (well-formed: encoders need that), long enough to be redacted. */
const secret = fc.string({ unit: 'grapheme', minLength: 3, maxLength: 24 }).filter((s) => s.length >= 3);
const context = fc.string({ unit: 'grapheme', maxLength: 30 });

describe('redactSecrets leaves no encoding of a secret behind', () => {
  it("the form-encoded password of the review (`!'()~`) is redacted", () => {
    const password = "s3cr3t!pa'ss(word)~";
    const echoed = `bad request: GET /api/session/getsession?username=bob&${new URLSearchParams({ password })}`;
    expect(echoed).toContain('password=s3cr3t%21pa%27ss%28word%29%7E');
    expect(redactSecrets(echoed, [password])).toBe(
      `bad request: GET /api/session/getsession?username=bob&password=${REDACTED}`,
    );
  });

  for (const [name, encode] of Object.entries(encoders)) {
    it(`property: ${name}`, () => {
      fc.assert(
        fc.property(secret, context, context, (s, before, after) => {
          const encoded = encode(s);
          const out = redactSecrets(`${before}${encoded}${after}`, [s]);
          // Every stretch of text between two redaction marks is free of the secret in that encoding.
          const leaks = out.split(REDACTED).filter((piece) => piece.includes(encoded));
          expect(leaks).toEqual([]);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('property: text that shares no character with any form of the secret is left exactly as it was', () => {
    const lower = fc.string({ unit: fc.constantFrom(...'abcdefghij'), minLength: 3, maxLength: 12 });
    const other = fc.string({ unit: fc.constantFrom(...'QRSTUVWXYZ !?,;:<>'), maxLength: 60 });
    fc.assert(
      fc.property(lower, other, (s, text) => {
        expect(redactSecrets(text, [s])).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('a lone surrogate in a secret neither throws nor escapes redaction of its raw form', () => {
    const lone = 'ab\uD800cd';
    expect(redactSecrets(`x${lone}y`, [lone])).toBe(`x${REDACTED}y`);
  });
});
