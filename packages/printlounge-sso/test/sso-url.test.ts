import { ConfigurationError, isVendorkitError } from '@vendorkit/core';
import {
  createSsoReceiver,
  createSsoSigner,
  createSsoUrl,
  decodeSsoData,
  encodeSsoData,
  isPrintLoungeError,
  type PrintLoungeError,
  parseSsoUrl,
  SSO_FIELD_NAMES,
  type SsoLinkFields,
  ssoFieldsSchema,
} from '@vendorkit/printlounge-sso';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSsoCipher } from '../src/sso-cipher.js';

const passphrase = 'Hier steht die geheime Passphrase'; // the seed's, 33 bytes: fine for v2 (cut to the key size)
const now = Date.UTC(2026, 11, 1, 21, 0, 0);
const atom = '2026-12-01T21:00:00+00:00';

function thrown(fn: () => unknown): PrintLoungeError {
  try {
    fn();
  } catch (error) {
    expect(isVendorkitError(error)).toBe(true);
    return error as PrintLoungeError;
  }
  throw new Error('expected a throw');
}

const hOf = (url: string): string => url.slice(url.indexOf('?h=') + 3);

describe('createSsoUrl', () => {
  it('builds https://SHOP.print-server.net/sso.php?h=… with request_time = now as DATE_ATOM, added last', () => {
    const url = createSsoUrl({ shop: 'demo', passphrase, fields: { customer_user_name: 'max@mustermann.de' }, now });
    expect(url).toMatch(/^https:\/\/demo\.print-server\.net\/sso\.php\?h=[A-Za-z0-9%]+$/);
    expect(Object.entries(decodeSsoData(hOf(url), passphrase))).toEqual([
      ['customer_user_name', 'max@mustermann.de'],
      ['request_time', atom],
    ]);
  });

  it('keeps the caller’s order and a given request_time as written (both PHP ISO 8601 forms, or a Date)', () => {
    const iso8601 = createSsoUrl({
      shop: 'demo',
      passphrase,
      fields: { request_time: '2026-12-01T21:00:00+0000', lang: 'de_DE', customer_user_name: 'a' },
    });
    expect(Object.entries(decodeSsoData(hOf(iso8601), passphrase))).toEqual([
      ['request_time', '2026-12-01T21:00:00+0000'],
      ['lang', 'de_DE'],
      ['customer_user_name', 'a'],
    ]);
    const nullTime = createSsoUrl({
      shop: 'demo',
      passphrase,
      now,
      fields: { request_time: null, customer_user_name: 'a' } as unknown as SsoLinkFields,
    });
    expect(Object.keys(decodeSsoData(hOf(nullTime), passphrase))).toEqual(['customer_user_name', 'request_time']);
    const date = createSsoUrl({
      shop: 'demo',
      passphrase,
      fields: { customer_user_name: 'a', request_time: new Date(now) },
    });
    expect(decodeSsoData(hOf(date), passphrase).request_time).toBe(atom);
  });

  it('sends the nested and enumerated v2 fields the way PHP would', () => {
    const url = createSsoUrl({
      shop: 'demo',
      passphrase,
      now,
      fields: {
        customer_user_name: 'SUPERVISOR_1',
        customer_user_level: '58',
        freigabeportal_zeigen: false,
        skip_cart: true,
        view_settings: { header: false, nav: 1 },
        settings: { theme: 'dark & bright' },
        dynamic_lists: { kostenstelle: ['4711'] },
        test: true,
      },
    });
    expect(decodeSsoData(hOf(url), passphrase)).toEqual({
      customer_user_name: 'SUPERVISOR_1',
      customer_user_level: '58',
      freigabeportal_zeigen: '54',
      skip_cart: '53',
      'view_settings[header]': '0',
      'view_settings[nav]': '1',
      'settings[theme]': 'dark & bright',
      dynamic_lists: '{"kostenstelle":["4711"]}',
      test: 'true',
      request_time: atom,
    });
  });

  it('uses the shop’s method and IV rule; other settings cannot read the link', () => {
    const fields = { customer_user_name: 'x' };
    const iv = new Uint8Array(16).fill(7);
    for (const options of [
      { method: 'aes-128-cbc', iv: 'method' },
      { method: 'aes-192-cbc', iv: 'passphrase' },
      { method: 'aes-256-cbc', iv },
    ] as const) {
      const url = createSsoUrl({ shop: 'demo', passphrase, fields, now, ...options });
      expect(parseSsoUrl(url, { passphrase, now, ...options }).customer_user_name).toBe('x');
      // Not encodeSsoData's bytes (createSsoUrl lays the fields out splice-resistantly), the same fields.
      expect(Object.keys(decodeSsoData(hOf(url), passphrase, options))).toEqual(['customer_user_name', 'request_time']);
      const other =
        options.method === 'aes-128-cbc' ? ({ method: 'aes-256-cbc' } as const) : ({ iv: 'method' } as const);
      const error = thrown(() => parseSsoUrl(url, { passphrase, now, ...options, ...other }));
      // A wrong IV garbles only the first block (CBC): that may still read as text, missing a field.
      expect(['invalid_passphrase', 'missing_field', 'invalid_field']).toContain(error.code);
    }
  });

  it('accepts full base URLs (http, www, custom domain, path, or the endpoint itself)', () => {
    const fields = { customer_user_name: 'x' };
    for (const [baseUrl, endpoint] of [
      ['https://www.demo.print-server.net', 'https://www.demo.print-server.net/sso.php'],
      ['https://print.example.com/shop/', 'https://print.example.com/shop/sso.php'],
      ['https://print.example.com/sso.php', 'https://print.example.com/sso.php'],
      ['http://127.0.0.1:4010/printlounge', 'http://127.0.0.1:4010/printlounge/sso.php'],
    ] as const) {
      expect(createSsoUrl({ baseUrl, passphrase, fields, now }).split('?h=')[0]).toBe(endpoint);
    }
  });

  it('names every broken v2 rule, and points v1 names to their v2 successors', () => {
    const error = thrown(() =>
      createSsoUrl({
        shop: 'demo',
        passphrase,
        now,
        fields: {
          customer_user_name: 'max mustermann',
          customer_user_level: 61,
          dest_page: 'wg2',
          lang: 'de',
          customer_firstname: 'x'.repeat(51),
          view_settings: { header: 2 },
          dynamic_lists: '{not json',
          request_time: '01.12.2026 21:00',
          sprache: 'de',
          valid_to: 1,
        } as unknown as SsoLinkFields,
      }),
    );
    expect(error.code).toBe('invalid_field');
    expect(error.issues?.map((i) => [i.field, i.rule])).toEqual([
      ['customer_user_name', 'pattern'],
      ['customer_user_level', 'enum'],
      ['dest_page', 'invalid_value'],
      ['lang', 'locale'],
      ['customer_firstname', 'max_length'],
      ['view_settings[header]', 'enum'],
      ['dynamic_lists', 'json'],
      ['request_time', 'iso8601'],
      ['sprache', 'unknown_field'],
      ['valid_to', 'unknown_field'],
    ]);
    expect(error.message).toContain('sprache is not an SSO v2 field: v2 uses lang');
    expect(error.message).toContain('valid_to is not an SSO v2 field: v2 uses request_time');
    expect(error.message).not.toContain('max mustermann');
    expect(thrown(() => createSsoUrl({ shop: 'demo', passphrase, fields: {} as SsoLinkFields, now })).code).toBe(
      'missing_field',
    );
  });

  it('refuses bad options with typed errors that never show the passphrase', () => {
    const fields = { customer_user_name: 'x' };
    for (const options of [
      { method: 'aes-256-gcm' },
      { method: 'AES-256-CBC' },
      { iv: new Uint8Array(15) },
      { iv: 'sha256' },
      { shop: 'no such.shop' },
      { now: 1_795_000_000 },
    ]) {
      const error = thrown(() => createSsoUrl({ shop: 'demo', passphrase, fields, now, ...(options as object) }));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).not.toContain(passphrase);
    }
    expect(thrown(() => createSsoUrl({ shop: 'demo', passphrase: '', fields, now })).code).toBe('invalid_key_size');
  });
});

describe('the v2 cipher', () => {
  it('refuses a payload that is not ASCII instead of encrypting some other bytes than PHP would', () => {
    const cipher = createSsoCipher(passphrase);
    expect(thrown(() => cipher.encryptToH('customer_user_name=ä')).code).toBe('invalid_field');
    cipher.wipe();
  });
});

describe('createSsoSigner', () => {
  it('reuses one key for many links and refuses work after dispose()', () => {
    const signer = createSsoSigner({ baseUrl: 'https://print.example.com', passphrase, method: 'aes-128-cbc' });
    expect([signer.endpoint, signer.method]).toEqual(['https://print.example.com/sso.php', 'aes-128-cbc']);
    const url = signer.createUrl({ customer_user_name: 'a' }, { now });
    expect(url).toBe(
      createSsoUrl({
        baseUrl: 'https://print.example.com',
        passphrase,
        method: 'aes-128-cbc',
        fields: { customer_user_name: 'a' },
        now,
      }),
    );
    expect(signer.encode({ anything: 'goes', nested: { a: [1, 2] } })).toBe(
      encodeSsoData({ anything: 'goes', nested: { a: [1, 2] } }, passphrase, { method: 'aes-128-cbc' }),
    );
    signer.dispose();
    expect(() => signer.createUrl({ customer_user_name: 'a' }, { now })).toThrow();
  });
});

describe('parseSsoUrl', () => {
  const link = (fields: SsoLinkFields, at = now) => createSsoUrl({ shop: 'demo', passphrase, fields, now: at });

  it('returns the validated, normalised fields with view_settings and settings as records', () => {
    const url = link({
      customer_user_name: 'max',
      customer_user_level: 59,
      view_settings: { footer: 0 },
      settings: { items: 24 },
      quantity: '5',
    });
    expect(parseSsoUrl(url, { passphrase, now })).toEqual({
      customer_user_name: 'max',
      customer_user_level: 59,
      view_settings: { footer: 0 },
      settings: { items: '24' },
      quantity: 5,
      request_time: atom,
    });
  });

  it('accepts a link for maxAgeSeconds (default 500) plus the clock skew (default 30), then says expired', () => {
    const url = link({ customer_user_name: 'max' });
    expect(parseSsoUrl(url, { passphrase, now: now + 530_000 }).customer_user_name).toBe('max');
    const old = thrown(() => parseSsoUrl(url, { passphrase, now: now + 531_000 }));
    expect([old.code, old.field, old.rule]).toEqual(['expired', 'request_time', 'expiry']);
    expect(old.message).toContain('531 s old');
    expect(parseSsoUrl(url, { passphrase, now: now + 60_000, maxAgeSeconds: 30, clockSkewSeconds: 30 })).toBeTruthy();
    expect(thrown(() => parseSsoUrl(url, { passphrase, now: now + 61_000, maxAgeSeconds: 30 })).code).toBe('expired');
  });

  it('refuses a link dated in the future beyond the clock skew', () => {
    const url = link({ customer_user_name: 'max' });
    expect(parseSsoUrl(url, { passphrase, now: now - 30_000 }).customer_user_name).toBe('max');
    const future = thrown(() => parseSsoUrl(url, { passphrase, now: now - 31_000 }));
    expect([future.code, future.rule]).toEqual(['expired', 'future']);
  });

  it('reads request_time in either ISO 8601 form and with any offset', () => {
    for (const requestTime of [
      '2026-12-01T21:00:00+0000',
      '2026-12-01T22:00:00+01:00',
      '2026-12-01T16:00:00-0500',
      '2026-12-01T21:00:00Z',
    ]) {
      const url = link({ customer_user_name: 'max', request_time: requestTime });
      expect(parseSsoUrl(url, { passphrase, now: now + 500_000 }).request_time).toBe(requestTime);
      expect(thrown(() => parseSsoUrl(url, { passphrase, now: now + 531_000 })).code).toBe('expired');
    }
  });

  it('says what is wrong with URLs that are not v2 links', () => {
    expect(thrown(() => parseSsoUrl('https://demo.print-server.net/sso.php?u_data=abc', { passphrase })).code).toBe(
      'missing_h',
    );
    expect(thrown(() => parseSsoUrl('http://[', { passphrase })).code).toBe('invalid_url');
    for (const h of ['', '!!!!', 'QUJD', 'QUJDREVGR0hJSktMTU5PUA%3D%3D'.slice(0, 10)]) {
      expect(thrown(() => parseSsoUrl(`https://demo.print-server.net/sso.php?h=${h}`, { passphrase, now })).code).toBe(
        'invalid_h',
      );
    }
    // A path with query, as a server sees req.url; and the last h wins, as in PHP's $_GET.
    const url = link({ customer_user_name: 'max' });
    expect(parseSsoUrl(`/sso.php?h=junk&${url.split('?')[1]}`, { passphrase, now }).customer_user_name).toBe('max');
  });

  it('never crashes on altered or foreign data: a PrintLoungeError or (CBC is malleable) some fields', () => {
    const url = link({
      customer_user_name: 'max',
      customer_longname: 'Max Mustermann',
      customer_user_company1: 'Müller & Söhne GmbH',
    });
    const bytes = Uint8Array.from(atob(decodeURIComponent(hOf(url))), (c) => c.charCodeAt(0));
    const receiver = createSsoReceiver({ passphrase });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => {
            const altered = bytes.slice();
            altered[at]! ^= mask;
            return btoa(String.fromCharCode(...altered));
          }),
          fc.uint8Array({ minLength: 16, maxLength: 96 }).map((b) => btoa(String.fromCharCode(...b))),
          fc.string(),
        ),
        (h) => {
          try {
            receiver.parse(`https://demo.print-server.net/sso.php?h=${encodeURIComponent(h)}`, { now });
          } catch (error) {
            if (!isPrintLoungeError(error)) throw error;
            expect(error.message).not.toContain(passphrase);
          }
        },
      ),
      { numRuns: 2000 },
    );
    receiver.dispose();
  });

  it('decode() gives parse_str’s flat view without field rules', () => {
    const receiver = createSsoReceiver({ passphrase, method: 'aes-192-cbc' });
    const h = encodeSsoData({ whatever: 'x', 'a.b': 'y', nested: { k: 'v' } }, passphrase, { method: 'aes-192-cbc' });
    expect(receiver.decode(h)).toEqual({ whatever: 'x', a_b: 'y', 'nested[k]': 'v' });
  });
});

describe('ssoFieldsSchema', () => {
  it('is a zod/mini schema of the whole v2 table, strict by default, with .loose()', () => {
    expect(SSO_FIELD_NAMES).toEqual(
      expect.arrayContaining([
        'request_time',
        'customer_user_name',
        'view_settings',
        'settings',
        'test',
        'UserBudgetSettings',
      ]),
    );
    expect(SSO_FIELD_NAMES).not.toContain('valid_to');
    const input = { request_time: atom, customer_user_name: 'x', skip_cart: '54', extra: 1 };
    expect(ssoFieldsSchema.safeParse(input).success).toBe(false);
    expect(ssoFieldsSchema.loose().parse(input)).toEqual({
      request_time: atom,
      customer_user_name: 'x',
      skip_cart: 54,
      extra: 1,
    });
  });
});
