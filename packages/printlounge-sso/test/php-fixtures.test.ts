import { readFileSync } from 'node:fs';
import {
  decodeAutologinData,
  encodeAutologinData,
  httpBuildQuery,
  isPrintLoungeError,
  type QueryValue,
} from '@vendorkit/printlounge-sso';
import { describe, expect, it } from 'vitest';
import { phpNumberToString } from '../src/php-query.js';

// Made by test/fixtures/generate.php (the vendor's PHP snippet on PHP 8.2 + mcrypt).
interface Case {
  name: string;
  passphrase: string;
  fields: Array<[string, QueryValue]>;
  query: string;
  u_data: string;
  parsed?: Array<[string, string]>;
}
const fixtures = JSON.parse(readFileSync(new URL('./fixtures/php-fixtures.json', import.meta.url), 'utf8')) as {
  generatedBy: string;
  cases: Case[];
  rejectedPassphrases: Array<{
    passphrase: string;
    passphraseBytes: number;
    mcryptEncryptReturned: false;
    seedUData: string;
  }>;
  legacyPassphrases: Array<{ passphrase: string; fields: Array<[string, QueryValue]>; u_data: string }>;
  numbers: Array<[number, string]>;
};

describe(`PHP fixtures (${fixtures.generatedBy})`, () => {
  it('has a useful number of cases', () => {
    expect(fixtures.cases.length).toBeGreaterThan(150);
  });

  it.each(fixtures.cases.map((c) => [c.name, c] as const))('%s: http_build_query matches PHP', (_, c) => {
    expect(httpBuildQuery(c.fields)).toBe(c.query);
  });

  it.each(fixtures.cases.map((c) => [c.name, c] as const))(
    '%s: encodeAutologinData is byte-identical to PHP',
    (_, c) => {
      expect(encodeAutologinData(c.fields, c.passphrase)).toBe(c.u_data);
    },
  );

  it.each(fixtures.cases.map((c) => [c.name, c] as const))(
    '%s: decodeAutologinData gives what parse_str gives',
    (_, c) => {
      expect(Object.entries(decodeAutologinData(c.u_data, c.passphrase))).toEqual(
        // JavaScript objects list integer-like keys first; compare as sorted entries.
        expect.arrayContaining(c.parsed!),
      );
      expect(Object.keys(decodeAutologinData(c.u_data, c.passphrase)).length).toBe(c.parsed!.length);
    },
  );

  it('decodes the plain base64 form (as $_GET shows it) the same way', () => {
    for (const c of fixtures.cases) {
      const plain = decodeURIComponent(c.u_data);
      expect(decodeAutologinData(plain, c.passphrase)).toEqual(decodeAutologinData(c.u_data, c.passphrase));
    }
  });

  it('numbers are printed as PHP prints them', () => {
    for (const [value, encoded] of fixtures.numbers) {
      expect([value, phpNumberToString(value)]).toEqual([value, decodeURIComponent(encoded)]);
    }
  });

  it.each(fixtures.rejectedPassphrases.map((r) => [r.passphraseBytes, r] as const))(
    '%i-byte passphrase: PHP ≥ 5.6 returns false and an empty u_data; strict mode throws invalid_key_size',
    (_, r) => {
      expect(r.mcryptEncryptReturned).toBe(false);
      expect(r.seedUData).toBe('');
      let error: unknown;
      try {
        encodeAutologinData({ customer_user_name: 'x' }, r.passphrase);
      } catch (e) {
        error = e;
      }
      expect(isPrintLoungeError(error, 'invalid_key_size')).toBe(true);
      expect((error as Error).message).toContain(`${r.passphraseBytes} bytes`);
      expect((error as Error).message).toContain("keyHandling: 'legacy'");
      expect((error as Error).message).not.toContain(r.passphrase);
    },
  );

  it.each(fixtures.legacyPassphrases.map((r) => [r.passphrase.length, r] as const))(
    "%i-byte passphrase with keyHandling: 'legacy' matches PHP < 5.6's padding/cutting",
    (_, r) => {
      expect(encodeAutologinData(r.fields, r.passphrase, { keyHandling: 'legacy' })).toBe(r.u_data);
      expect(decodeAutologinData(r.u_data, r.passphrase, { keyHandling: 'legacy' })).toEqual(
        Object.fromEntries(r.fields),
      );
    },
  );
});
