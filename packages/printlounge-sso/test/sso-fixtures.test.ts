import { readFileSync } from 'node:fs';
import {
  decodeSsoData,
  encodeSsoData,
  formatDateAtom,
  httpBuildNestedQuery,
  parseRequestTime,
  type SsoIv,
  type SsoMethod,
  type SsoQueryValue,
} from '@vendorkit/printlounge-sso';
import { describe, expect, it } from 'vitest';

// Made by test/fixtures/generate-sso.php (the sso.php module's pipeline on PHP 8.2 + OpenSSL 3).
interface Case {
  name: string;
  method: SsoMethod;
  iv: 'passphrase' | 'method' | 'bytes';
  ivHex: string;
  passphrase: string;
  passphraseBytes: number;
  fields: Array<[string, SsoQueryValue]>;
  query: string;
  h: string;
  parsed: Array<[string, string]>;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/sso-fixtures.json', import.meta.url), 'utf8')) as {
  generatedBy: string;
  cases: Case[];
  times: Array<{ unix: number; atom: string; iso8601: string }>;
  ivs: Array<{ method: SsoMethod; passphrase: string; passphraseRule: string; methodRule: string }>;
};

const hex = (text: string): Uint8Array => Uint8Array.from(text.match(/../g)!, (b) => Number.parseInt(b, 16));
const ivOf = (c: Case): SsoIv => (c.iv === 'bytes' ? hex(c.ivHex) : c.iv);
const named = fixtures.cases.map((c) => [c.name, c] as const);

describe(`SSO v2 PHP fixtures (${fixtures.generatedBy})`, () => {
  it('covers every method × IV rule × passphrase length', () => {
    const combos = new Set(fixtures.cases.map((c) => `${c.method} ${c.iv} ${c.passphraseBytes}`));
    for (const method of ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc']) {
      for (const rule of ['passphrase', 'method']) {
        for (const bytes of [5, 16, 24, 29, 32, 33, 40]) expect(combos).toContain(`${method} ${rule} ${bytes}`);
      }
    }
    expect(fixtures.cases.length).toBeGreaterThan(150);
  });

  it.each(named)('%s: http_build_query matches PHP', (_, c) => {
    expect(httpBuildNestedQuery(c.fields)).toBe(c.query);
  });

  it.each(named)('%s: encodeSsoData is byte-identical to PHP', (_, c) => {
    expect(encodeSsoData(c.fields, c.passphrase, { method: c.method, iv: ivOf(c) })).toBe(c.h);
  });

  it.each(named)('%s: decodeSsoData gives what parse_str gives', (_, c) => {
    const decoded = decodeSsoData(c.h, c.passphrase, { method: c.method, iv: ivOf(c) });
    // JavaScript objects list integer-like keys first; compare as maps.
    expect(new Map(Object.entries(decoded))).toEqual(new Map(c.parsed));
  });

  it('decodes the plain base64 form (as $_GET shows it) and a + turned into a space the same way', () => {
    for (const c of fixtures.cases) {
      const options = { method: c.method, iv: ivOf(c) };
      const expected = decodeSsoData(c.h, c.passphrase, options);
      const plain = decodeURIComponent(c.h);
      expect(decodeSsoData(plain, c.passphrase, options)).toEqual(expected);
      expect(decodeSsoData(plain.replace(/\+/g, ' '), c.passphrase, options)).toEqual(expected);
    }
  });

  it('makes the IVs PHP makes for both rules', () => {
    for (const v of fixtures.ivs) {
      for (const [rule, expected] of [
        ['passphrase', v.passphraseRule],
        ['method', v.methodRule],
      ] as const) {
        const byRule = encodeSsoData([], v.passphrase, { method: v.method, iv: rule });
        const byBytes = encodeSsoData([], v.passphrase, { method: v.method, iv: new TextEncoder().encode(expected) });
        expect([rule, byRule]).toEqual([rule, byBytes]);
      }
    }
  });

  it('formats and reads request_time as PHP writes it (DATE_ATOM and DateTime::ISO8601)', () => {
    for (const t of fixtures.times) {
      expect(formatDateAtom(t.unix)).toBe(t.atom);
      expect(parseRequestTime(t.atom)).toBe(t.unix);
      expect(parseRequestTime(t.iso8601)).toBe(t.unix);
    }
  });
});
