import { inspect } from 'node:util';
import { isVendorkitError } from '@vendorkit/core';
import {
  createAutologinUrl,
  decodeAutologinData,
  encodeAutologinData,
  isPrintLoungeError,
  parseAutologinUrl,
  type QueryValue,
} from '@vendorkit/printlounge-sso';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const passphrase = 'Prop3rty-Test-Passphrase-32-byte';
const now = Date.UTC(2026, 10, 22, 12);

function expectTypedFailure(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(isVendorkitError(error)).toBe(true);
    const e = error as Error & { code: string };
    expect(typeof e.code).toBe('string');
    expect(e.code.length).toBeGreaterThan(0);
    for (const text of [e.message, JSON.stringify(e), inspect(e)]) expect(text).not.toContain(passphrase);
  }
}

// Mostly-plausible u_data: real ones mutated, plus arbitrary strings in the base64 alphabet and beyond.
const realUData = encodeAutologinData(
  { customer_user_name: 'max', valid_to: 1_900_000_000, note: 'x'.repeat(50) },
  passphrase,
);
const hostileUData = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= %'.split('')),
    maxLength: 400,
  }),
  fc.uint8Array({ minLength: 0, maxLength: 200 }).map((bytes) => btoa(String.fromCharCode(...bytes))),
  fc
    .uint8Array({ minLength: 1, maxLength: 6 })
    .map((blocks) =>
      btoa(
        String.fromCharCode(...new Uint8Array(blocks.length * 32).map((_, i) => blocks[i % blocks.length]! * 31 + i)),
      ),
    ),
  fc
    .tuple(fc.nat(realUData.length), fc.nat(realUData.length), fc.string({ maxLength: 8 }))
    .map(
      ([at, cut, insert]) =>
        realUData.slice(0, at) + insert + realUData.slice(Math.min(realUData.length, at + (cut % 8))),
    ),
  fc.string({ maxLength: 100, unit: 'binary' }),
);

describe('hostile input (fast-check)', () => {
  it('decodeAutologinData: every failure is a typed PrintLoungeError, never a crash or a leak', () => {
    fc.assert(
      fc.property(hostileUData, (uData) => {
        expectTypedFailure(() => decodeAutologinData(uData, passphrase));
      }),
      { numRuns: 4000 },
    );
  });

  it('decodeAutologinData: ciphertext decrypted with the wrong key never passes as data', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 * 4 }).filter((b) => b.length % 32 === 0),
        (bytes) => {
          let error: unknown;
          try {
            decodeAutologinData(btoa(String.fromCharCode(...bytes)), passphrase);
          } catch (e) {
            error = e;
          }
          expect(isPrintLoungeError(error, 'invalid_passphrase')).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('parseAutologinUrl: arbitrary URLs and u_data give typed errors only', () => {
    const url = fc.oneof(
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      hostileUData.map((u) => `https://demo.print-server.net/autologin.php?u_data=${u}`),
      hostileUData.map((u) => `/autologin.php?x=1&u_data=${encodeURIComponent(u)}`),
      fc.string({ maxLength: 200 }),
    );
    fc.assert(
      fc.property(url, (candidate) => {
        expectTypedFailure(() => parseAutologinUrl(candidate, { passphrase, now }));
      }),
      { numRuns: 4000 },
    );
  });

  it('parseAutologinUrl: validly encrypted but arbitrary fields give typed errors or validated fields', () => {
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.integer(),
      fc.constantFrom('53', '57', 'de', 'wg', '', '-1', '1e3'),
    );
    const names = fc.constantFrom(
      'customer_user_name',
      'valid_to',
      'qty',
      'skip_cart',
      'sprache',
      'customer_user_zip',
      'dest_id',
      'x[y]',
      'a.b',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(names, value), { maxLength: 8 }), (pairs) => {
        const uData = encodeAutologinData(pairs, passphrase);
        try {
          const fields = parseAutologinUrl(`https://x.print-server.net/autologin.php?u_data=${uData}`, {
            passphrase,
            now,
          });
          expect(typeof fields.customer_user_name).toBe('string');
          expect(Number.isInteger(fields.valid_to)).toBe(true);
        } catch (error) {
          expect(isVendorkitError(error)).toBe(true);
          expect(['missing_field', 'invalid_field', 'expired']).toContain((error as { code: string }).code);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('round trips (fast-check)', () => {
  // Names parse_str would not alter: no leading space, no ' ' '.' '[' and no NUL.
  const safeName = fc.string({ minLength: 1, maxLength: 20 }).filter((n) => !/^ |[ .[\0]|\p{Cs}/u.test(n));
  const text = fc.string({ maxLength: 80, unit: 'grapheme' });

  it('encode → decode returns the fields as PHP would see them (strings, null skipped, booleans as 1/0)', () => {
    const value: fc.Arbitrary<QueryValue> = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(safeName, value), { selector: ([n]) => n, maxLength: 10 }),
        fc.constantFrom(16, 24, 32),
        (pairs, keyLength) => {
          const key = passphrase.slice(0, keyLength);
          const expected = Object.fromEntries(
            pairs
              .filter(([, v]) => v !== null)
              .map(([n, v]) => [n, typeof v === 'boolean' ? (v ? '1' : '0') : String(v)]),
          );
          expect(decodeAutologinData(encodeAutologinData(pairs, key), key)).toEqual(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('createAutologinUrl → parseAutologinUrl returns the validated fields', () => {
    const userName = fc.string({ unit: fc.constantFrom(...'ABCxyz019_-.@'.split('')), minLength: 1, maxLength: 50 });
    fc.assert(
      fc.property(
        userName,
        // Control characters, '[' and ']' are refused (they would let users splice links): see splice-layout.test.ts.
        fc.string({ maxLength: 50, unit: 'grapheme' }).filter((text) => !/[\p{Cc}[\]]/u.test(text)),
        fc.integer({ min: 1, max: 10_000 }),
        (name, longname, qty) => {
          const url = createAutologinUrl({
            shop: 'demo',
            passphrase,
            fields: { customer_user_name: name, customer_longname: longname, qty },
            now,
          });
          expect(parseAutologinUrl(url, { passphrase, now })).toEqual({
            customer_user_name: name,
            customer_longname: longname,
            qty,
            valid_to: now / 1000 + 300,
          });
        },
      ),
      { numRuns: 1000 },
    );
  });
});
