import {
  encodeAutologinData,
  httpBuildQuery,
  isPrintLoungeError,
  parseStr,
  phpUrlencode,
} from '@vendorkit/printlounge-sso';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { phpQueryParameter, phpUrldecode, utf8DecodeStrict } from '../src/php-query.js';

// Expected values below were printed by PHP 8.2 (php -r '…'), not by this code.
describe('phpUrlencode', () => {
  it('matches PHP urlencode', () => {
    expect(phpUrlencode("*~ -_.!'()é€😀")).toBe('%2A%7E+-_.%21%27%28%29%C3%A9%E2%82%AC%F0%9F%98%80');
  });

  it("agrees with encodeURIComponent except where PHP differs (* ~ ! ' ( ) and space)", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        const expected = encodeURIComponent(text)
          .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
          .replace(/%20/g, '+');
        expect(phpUrlencode(text)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses unpaired surrogates with a typed error', () => {
    for (const bad of ['\ud800', 'a\udc00b', '\ud83d']) {
      let error: unknown;
      try {
        phpUrlencode(bad);
      } catch (e) {
        error = e;
      }
      expect(isPrintLoungeError(error, 'invalid_field')).toBe(true);
    }
  });
});

describe('httpBuildQuery', () => {
  it('skips null and undefined, writes booleans as 1/0, keeps Map and pair order', () => {
    expect(httpBuildQuery({ 'a b': 'c d', n: null, u: undefined, t: true, f: false })).toBe('a+b=c+d&t=1&f=0');
    expect(
      httpBuildQuery(
        new Map<string, string | number>([
          ['z', 1],
          ['7', 'x'],
        ]),
      ),
    ).toBe('z=1&7=x');
    expect(httpBuildQuery([['b', 1n << 62n]])).toBe('b=4611686018427387904');
  });

  it('refuses nested and non-scalar values with invalid_field naming the field', () => {
    for (const value of [{ y: 1 }, [1], Symbol('s'), () => 1, new Date(0)]) {
      let error: unknown;
      try {
        encodeAutologinData({ x: value as never }, 'geheim-16-bytes!');
      } catch (e) {
        error = e;
      }
      expect(isPrintLoungeError(error, 'invalid_field')).toBe(true);
      expect((error as { field?: string }).field).toBe('x');
    }
    expect(() => httpBuildQuery([['only-one'] as never])).toThrow(/pairs/);
    expect(() => httpBuildQuery('a=b' as never)).toThrow(/object/);
  });
});

describe('parseStr (PHP parse_str on flat names)', () => {
  it.each([
    ['a[b=1', { a_b: '1' }],
    ['a.b[c=1', { a_b_c: '1' }],
    [' x=1', { x: '1' }],
    ['[a]=1', {}],
    ['a%00b=1', { a: '1' }],
    ['a=1&&b', { a: '1', b: '' }],
    ['a b=%ZZ%41', { a_b: '%ZZA' }],
    ['=x&c=%E2%82%AC', { c: '€' }],
    ['a=1&b=2&a=3', { a: '3', b: '2' }],
  ])('%s', (query, expected) => {
    expect(parseStr(query)).toEqual(expected);
  });

  it('keeps bracket names flat (PHP would nest them): a[b]=1 → { "a[b]": "1" }', () => {
    expect(parseStr('a%5Bb%5D=1&c.d%5Be%5D=2')).toEqual({ 'a[b]': '1', 'c_d[e]': '2' });
  });

  it('returns undefined for values that are not UTF-8', () => {
    expect(parseStr('a=%C3')).toBeUndefined();
    expect(parseStr('%FF=1')).toBeUndefined();
  });
});

describe('phpQueryParameter ($_GET[name] from a raw query)', () => {
  it('takes the last piece whose PHP-rewritten name matches, raw', () => {
    expect(phpQueryParameter('u_data=first&x=1&u_data=last%2B', 'u_data')).toBe('last%2B');
    expect(phpQueryParameter('u.data=dot&%20u_data=space', 'u_data')).toBe('space');
    expect(phpQueryParameter('junk=%FF&u_data=A+B', 'u_data')).toBe('A+B');
    expect(phpQueryParameter('u_data', 'u_data')).toBe('');
    expect(phpQueryParameter('u_datax=1&[u_data]=2', 'u_data')).toBeUndefined();
  });
});

describe('UTF-8 decoding', () => {
  const reference = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const decodeWithReference = (bytes: Uint8Array) => {
    try {
      return reference.decode(bytes);
    } catch {
      return undefined;
    }
  };

  it('agrees with the WHATWG decoder (fatal, BOM kept) on random and on UTF-8-ish bytes', () => {
    const utf8ish = fc
      .array(
        fc.oneof(
          fc.integer({ min: 0, max: 0x7f }),
          fc.integer({ min: 0x80, max: 0xbf }),
          fc.integer({ min: 0xc0, max: 0xff }),
        ),
        { maxLength: 24 },
      )
      .map((a) => Uint8Array.from(a));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 24 }), utf8ish), (bytes) => {
        expect(utf8DecodeStrict(bytes)).toBe(decodeWithReference(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('round-trips every string through phpUrlencode → phpUrldecode, a leading BOM included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(phpUrldecode(phpUrlencode(text))).toBe(text);
        expect(phpUrldecode(phpUrlencode(`\ufeff${text}`))).toBe(`\ufeff${text}`);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes non-ASCII characters as their UTF-8 bytes, like PHP on a UTF-8 string', () => {
    expect(phpUrldecode('ä%C3%A4+')).toBe('ää ');
    expect(parseStr('%EF%BB%BFkey=%EF%BB%BFv')).toEqual({ '\ufeffkey': '\ufeffv' });
  });
});
