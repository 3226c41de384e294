import { inspect } from 'node:util';
import { ConfigurationError, isVendorkitError } from '@vendorkit/core';
import {
  AUTOLOGIN_FIELD_NAMES,
  autologinFieldsSchema,
  createAutologinReceiver,
  createAutologinSigner,
  createAutologinUrl,
  decodeAutologinData,
  encodeAutologinData,
  type PrintLoungeError,
  parseAutologinUrl,
} from '@vendorkit/printlounge-sso';
import { describe, expect, it } from 'vitest';

const passphrase = 'k7Qp2Lx9Vb4Nw8Rt3Yz6Ac1Dm5Fg0Hj4'; // 32 bytes
const now = Date.UTC(2026, 10, 22, 12, 0, 0);
const nowSeconds = now / 1000;

function thrown(fn: () => unknown): PrintLoungeError {
  try {
    fn();
  } catch (error) {
    expect(isVendorkitError(error)).toBe(true);
    return error as PrintLoungeError;
  }
  throw new Error('expected a throw');
}

function uDataOf(url: string): string {
  return url.slice(url.indexOf('u_data=') + 'u_data='.length);
}

describe('createAutologinUrl', () => {
  it('builds https://SHOP.print-server.net/autologin.php?u_data=… with valid_to = now + 300 s', () => {
    const url = createAutologinUrl({ shop: 'demo', passphrase, fields: { customer_user_name: 'MAX' }, now });
    expect(url.startsWith('https://demo.print-server.net/autologin.php?u_data=')).toBe(true);
    expect(decodeAutologinData(uDataOf(url), passphrase)).toEqual({
      customer_user_name: 'MAX',
      valid_to: String(nowSeconds + 300),
    });
  });

  it('honours validFor, an explicit valid_to, Date clocks and the caller’s field order', () => {
    const a = createAutologinUrl({
      shop: 'demo',
      passphrase,
      fields: { customer_user_name: 'a' },
      validFor: 60,
      now: new Date(now),
    });
    expect(decodeAutologinData(uDataOf(a), passphrase).valid_to).toBe(String(nowSeconds + 60));
    const b = createAutologinUrl({
      shop: 'demo',
      passphrase,
      fields: { sprache: 'de', valid_to: 1_900_000_000, customer_user_name: 'b' },
      now,
    });
    expect(Object.keys(decodeAutologinData(uDataOf(b), passphrase))).toEqual([
      'sprache',
      'valid_to',
      'customer_user_name',
    ]);
  });

  it('accepts full base URLs (http, www, custom domain, path, or the endpoint itself)', () => {
    const fields = { customer_user_name: 'x' };
    for (const [baseUrl, endpoint] of [
      ['https://www.demo.print-server.net', 'https://www.demo.print-server.net/autologin.php'],
      ['http://demo.print-server.net/', 'http://demo.print-server.net/autologin.php'],
      ['https://print.example.com/shop/', 'https://print.example.com/shop/autologin.php'],
      ['https://print.example.com/autologin.php', 'https://print.example.com/autologin.php'],
      ['http://127.0.0.1:4010', 'http://127.0.0.1:4010/autologin.php'],
    ] as const) {
      expect(createAutologinUrl({ baseUrl, passphrase, fields, now }).split('?u_data=')[0]).toBe(endpoint);
    }
  });

  it('rejects bad locations and options with ConfigurationError naming the option', () => {
    const fields = { customer_user_name: 'x' };
    for (const options of [
      { shop: 'not a shop', passphrase, fields },
      { shop: 'a.b', passphrase, fields },
      { baseUrl: 'ftp://demo.print-server.net', passphrase, fields },
      { baseUrl: 'https://demo.print-server.net/?x=1', passphrase, fields },
      { shop: 'demo', baseUrl: 'https://demo.print-server.net', passphrase, fields },
      { passphrase, fields },
      { shop: 'demo', passphrase, fields, validFor: 0 },
      { shop: 'demo', passphrase, fields, validFor: Number.NaN },
      { shop: 'demo', passphrase, fields, now: 1_790_000_000 },
    ]) {
      const error = thrown(() => createAutologinUrl(options as never));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.code).toBe('invalid_configuration');
    }
    expect(thrown(() => createAutologinUrl({ shop: 'demo', passphrase, fields, now: 1_790_000_000 })).message).toMatch(
      /seconds/,
    );
  });

  it('names the field and the rule of every broken vendor rule', () => {
    const cases: Array<[Record<string, unknown>, string, string, string]> = [
      [{}, 'customer_user_name', 'required', 'missing_field'],
      [{ customer_user_name: '' }, 'customer_user_name', 'min_length', 'invalid_field'],
      [{ customer_user_name: 'A'.repeat(51) }, 'customer_user_name', 'max_length', 'invalid_field'],
      [{ customer_user_name: 'max+test@example.com' }, 'customer_user_name', 'pattern', 'invalid_field'],
      [{ customer_user_name: 'Jürgen' }, 'customer_user_name', 'pattern', 'invalid_field'],
      [{ customer_user_name: 42 }, 'customer_user_name', 'type', 'invalid_field'],
      [
        { customer_user_name: 'x', customer_longname: 'ä'.repeat(51) },
        'customer_longname',
        'max_length',
        'invalid_field',
      ],
      [
        { customer_user_name: 'x', customer_user_zip: '12345678901' },
        'customer_user_zip',
        'max_length',
        'invalid_field',
      ],
      [
        { customer_user_name: 'x', customer_user_email: `${'a'.repeat(96)}@x.de` },
        'customer_user_email',
        'max_length',
        'invalid_field',
      ],
      [{ customer_user_name: 'x', customfield5: 'x'.repeat(201) }, 'customfield5', 'max_length', 'invalid_field'],
      [
        { customer_user_name: 'x', customer_user_countrycode: 'DEU' },
        'customer_user_countrycode',
        'iso3166',
        'invalid_field',
      ],
      [
        { customer_user_name: 'x', customer_user_budgetgruppe__id: 1.5 },
        'customer_user_budgetgruppe__id',
        'integer',
        'invalid_field',
      ],
      [{ customer_user_name: 'x', customer_user_level: '57a' }, 'customer_user_level', 'integer', 'invalid_field'],
      [{ customer_user_name: 'x', skip_cart: 1 }, 'skip_cart', 'type', 'invalid_field'],
      [{ customer_user_name: 'x', freigabeportal_zeigen: 'ja' }, 'freigabeportal_zeigen', 'type', 'invalid_field'],
      [{ customer_user_name: 'x', sprache: 'Deutsch' }, 'sprache', 'enum', 'invalid_field'],
      [{ customer_user_name: 'x', dest_page: 'WG page' }, 'dest_page', 'enum', 'invalid_field'],
      [{ customer_user_name: 'x', dest_id: -1 }, 'dest_id', 'id', 'invalid_field'],
      [{ customer_user_name: 'x', qty: 0 }, 'qty', 'range', 'invalid_field'],
      [{ customer_user_name: 'x', valid_to: -5 }, 'valid_to', 'range', 'invalid_field'],
      [
        { customer_user_name: 'x', customer_user_name2: 'typo' },
        'customer_user_name2',
        'unknown_field',
        'invalid_field',
      ],
      [{ customer_user_name: 'x', customfield1: 'bad \ud800 surrogate' }, 'customfield1', 'utf8', 'invalid_field'],
    ];
    for (const [fields, field, rule, code] of cases) {
      const error = thrown(() => createAutologinUrl({ shop: 'demo', passphrase, fields: fields as never, now }));
      expect([field, error.code, error.field, error.rule]).toEqual([field, code, field, rule]);
      expect(error.message).toContain(field);
    }
  });

  it('reports every issue at once and never echoes values', () => {
    const error = thrown(() =>
      createAutologinUrl({
        shop: 'demo',
        passphrase,
        fields: { customer_user_name: 'SECRET-VALUE-'.repeat(5), customer_user_zip: 'ZIPVALUE12345' } as never,
        now,
      }),
    );
    expect(error.issues?.map((i) => i.field)).toEqual(['customer_user_name', 'customer_user_zip']);
    expect(error.message).not.toContain('SECRET-VALUE');
    expect(error.message).not.toContain('ZIPVALUE');
  });

  it('accepts every field of the vendor table and normalises them', () => {
    // 35: the seed lists customer_user_level twice (type, then the value 57)
    expect(AUTOLOGIN_FIELD_NAMES).toHaveLength(35);
    const url = createAutologinUrl({
      shop: 'demo',
      passphrase,
      now,
      fields: {
        customer_user_name: 'max@mustermann.de',
        customer_user_budgetgruppe__id: '12',
        customer_longname: 'Max Mustermann',
        customer_user_countrycode: 'de',
        customer_user_level: 57,
        freigabeportal_zeigen: true,
        skip_cart: '53',
        sprache: 'en',
        dest_page: 'wg',
        dest_id: 12,
        qty: 500,
        customer_user_telefon: null,
      },
    });
    expect(decodeAutologinData(uDataOf(url), passphrase)).toEqual({
      customer_user_name: 'max@mustermann.de',
      customer_user_budgetgruppe__id: '12',
      customer_longname: 'Max Mustermann',
      customer_user_countrycode: 'DE',
      customer_user_level: '57',
      freigabeportal_zeigen: '53',
      skip_cart: '53',
      sprache: 'en',
      dest_page: 'wg',
      dest_id: '12',
      qty: '500',
      valid_to: String(nowSeconds + 300),
    });
    // false for a 53-flag means "leave it out"
    const noCart = createAutologinUrl({
      shop: 'demo',
      passphrase,
      now,
      fields: { customer_user_name: 'x', skip_cart: false },
    });
    expect(decodeAutologinData(uDataOf(noCart), passphrase)).not.toHaveProperty('skip_cart');
  });

  it('exports a zod schema usable on its own', () => {
    expect(autologinFieldsSchema.safeParse({ customer_user_name: 'x', valid_to: '1900000000' }).success).toBe(true);
    expect(autologinFieldsSchema.safeParse({ customer_user_name: 'x' }).success).toBe(false);
  });
});

describe('createAutologinSigner', () => {
  it('gives the same links as the one-shot function and the same u_data as encodeAutologinData', () => {
    const signer = createAutologinSigner({ shop: 'demo', passphrase });
    const fields = { customer_user_name: 'MAX', customer_longname: 'Max Müller' };
    expect(signer.endpoint).toBe('https://demo.print-server.net/autologin.php');
    expect(signer.createUrl(fields, { now, validFor: 90 })).toBe(
      createAutologinUrl({ shop: 'demo', passphrase, fields, now, validFor: 90 }),
    );
    expect(signer.encode({ a: '*~ ' })).toBe(encodeAutologinData({ a: '*~ ' }, passphrase));
    signer.dispose();
    expect(() => signer.encode({ a: 'b' })).toThrow();
  });

  it('fails at creation for a passphrase mcrypt would refuse', () => {
    const error = thrown(() =>
      createAutologinSigner({ shop: 'demo', passphrase: 'Hier steht die geheime Passphrase' }),
    );
    expect(error.code).toBe('invalid_key_size');
    expect(error.message).toMatch(/33 bytes/);
    expect(error.message).toMatch(/empty u_data/);
    expect(
      createAutologinSigner({ shop: 'demo', passphrase: 'Hier steht die geheime Passphrase', keyHandling: 'legacy' })
        .endpoint,
    ).toContain('demo');
  });
});

describe('parseAutologinUrl', () => {
  const link = (fields: Record<string, unknown>, options: { validFor?: number } = {}) =>
    createAutologinUrl({ shop: 'demo', passphrase, fields: fields as never, now, ...options });

  it('decodes, validates and returns normalised fields, keeping unknown extras with strict: false', () => {
    const url = `${createAutologinSigner({ shop: 'demo', passphrase }).endpoint}?u_data=${encodeAutologinData(
      { customer_user_name: 'max', valid_to: nowSeconds + 10, qty: 5, extra_field: 'kept' },
      passphrase,
    )}`;
    expect(thrown(() => parseAutologinUrl(url, { passphrase, now })).rule).toBe('unknown_field');
    expect(parseAutologinUrl(url, { passphrase, now, strict: false })).toEqual({
      customer_user_name: 'max',
      valid_to: nowSeconds + 10,
      qty: 5,
      extra_field: 'kept',
    });
  });

  it('accepts a path with query (req.url) and a URL object', () => {
    const url = link({ customer_user_name: 'max' });
    const path = url.slice(url.indexOf('/autologin.php'));
    expect(parseAutologinUrl(path, { passphrase, now }).customer_user_name).toBe('max');
    expect(parseAutologinUrl(new URL(url), { passphrase, now }).customer_user_name).toBe('max');
  });

  it('rejects expired links after the clock skew, accepts them within it', () => {
    const url = link({ customer_user_name: 'max' }, { validFor: 60 });
    expect(parseAutologinUrl(url, { passphrase, now: now + 60_000 + 30_000 }).customer_user_name).toBe('max');
    const error = thrown(() => parseAutologinUrl(url, { passphrase, now: now + 60_000 + 31_000 }));
    expect([error.code, error.field]).toEqual(['expired', 'valid_to']);
    expect(thrown(() => parseAutologinUrl(url, { passphrase, now: now + 61_000, clockSkewSeconds: 0 })).code).toBe(
      'expired',
    );
  });

  it('requires valid_to and customer_user_name', () => {
    const noValidTo = `https://demo.print-server.net/autologin.php?u_data=${encodeAutologinData({ customer_user_name: 'x' }, passphrase)}`;
    expect([
      thrown(() => parseAutologinUrl(noValidTo, { passphrase, now })).code,
      thrown(() => parseAutologinUrl(noValidTo, { passphrase, now })).field,
    ]).toEqual(['missing_field', 'valid_to']);
    const noUser = `https://x.print-server.net/autologin.php?u_data=${encodeAutologinData({ valid_to: nowSeconds }, passphrase)}`;
    expect(thrown(() => parseAutologinUrl(noUser, { passphrase, now })).field).toBe('customer_user_name');
  });

  it('gives typed errors for URLs without u_data, unparseable URLs, and wrong passphrases', () => {
    expect(
      thrown(() => parseAutologinUrl('https://demo.print-server.net/autologin.php', { passphrase, now })).code,
    ).toBe('missing_u_data');
    expect(thrown(() => parseAutologinUrl('http://[bad', { passphrase, now })).code).toBe('invalid_url');
    const url = link({ customer_user_name: 'max' });
    expect(thrown(() => parseAutologinUrl(url, { passphrase: 'another-passphrase-of-32-bytes!!', now })).code).toBe(
      'invalid_passphrase',
    );
  });
});

describe('createAutologinReceiver', () => {
  it('parses and decodes like the one-shot functions, with its own clock skew', () => {
    const receiver = createAutologinReceiver({ passphrase, clockSkewSeconds: 0 });
    const url = createAutologinUrl({
      shop: 'demo',
      passphrase,
      fields: { customer_user_name: 'max' },
      now,
      validFor: 10,
    });
    expect(receiver.parse(url, { now })).toEqual(parseAutologinUrl(url, { passphrase, now }));
    expect(receiver.decode(uDataOf(url))).toEqual(decodeAutologinData(uDataOf(url), passphrase));
    expect(thrown(() => receiver.parse(url, { now: now + 11_000 })).code).toBe('expired');
    expect(parseAutologinUrl(url, { passphrase, now: now + 11_000 }).customer_user_name).toBe('max'); // default skew 30 s
    receiver.dispose();
    expect(() => receiver.decode(uDataOf(url))).toThrow();
  });
});

describe('decodeAutologinData input forms', () => {
  const fields = { customer_user_name: 'max', note: 'x'.repeat(40) };
  const encoded = encodeAutologinData(fields, passphrase);
  const plain = decodeURIComponent(encoded);

  it('takes the URL-encoded form, plain base64, and base64 whose + became spaces', () => {
    expect(plain).toMatch(/[+/=]/);
    for (const form of [
      encoded,
      plain,
      plain.replace(/\+/g, ' '),
      `  ${encoded}\n`,
      encoded.replace(/%2B|%2F|%3D/g, (m) => m.toLowerCase()),
      encodeURIComponent(encoded), // URL-encoded once too often
      [...plain].map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join(''), // every character escaped
    ]) {
      expect(decodeAutologinData(form, passphrase)).toEqual(fields);
    }
  });

  it('rejects truncated, empty, non-base64 data and non-strings with invalid_u_data', () => {
    for (const bad of [
      '',
      plain.slice(0, 40),
      plain.slice(0, -4),
      `${plain}AAAA`,
      'not base64!',
      '%%%',
      '%C3%A4',
      42,
      null,
    ]) {
      expect(thrown(() => decodeAutologinData(bad as string, passphrase)).code).toBe('invalid_u_data');
    }
  });

  it('rejects a bad passphrase length in strict mode, with the explanation', () => {
    const error = thrown(() => decodeAutologinData(encoded, 'too-short'));
    expect(error.code).toBe('invalid_key_size');
    expect(error.message).toContain("keyHandling: 'legacy'");
  });
});

describe('passphrase bytes', () => {
  it('accepts a Uint8Array passphrase and leaves the caller’s array untouched', () => {
    const bytes = new TextEncoder().encode(passphrase);
    const copy = bytes.slice();
    const uData = encodeAutologinData({ customer_user_name: 'x' }, bytes);
    expect(uData).toBe(encodeAutologinData({ customer_user_name: 'x' }, passphrase));
    expect(decodeAutologinData(uData, bytes)).toEqual({ customer_user_name: 'x' });
    expect(bytes).toEqual(copy);
    const short = new TextEncoder().encode('kurz');
    encodeAutologinData({ a: 'b' }, short, { keyHandling: 'legacy' });
    expect(short).toEqual(new TextEncoder().encode('kurz'));
  });
});

describe('secrets', () => {
  const secret = 'TopSecret-Passphrase-32-bytes!!!';
  it('never shows the passphrase in messages, JSON, inspect or cause', () => {
    const url = createAutologinUrl({ shop: 'demo', passphrase: secret, fields: { customer_user_name: 'x' }, now });
    const errors = [
      thrown(() => decodeAutologinData(uDataOf(url), `${secret}x`)),
      thrown(() => decodeAutologinData(uDataOf(url), 'WrongPassphrase-With-32-Bytes!!!')),
      thrown(() => parseAutologinUrl(url, { passphrase: secret, now: now + 3_600_000 })),
      thrown(() => createAutologinUrl({ shop: 'demo', passphrase: `${secret}ä`, fields: { customer_user_name: 'x' } })),
      thrown(() =>
        createAutologinUrl({ shop: 'demo', passphrase: secret, fields: { customer_user_name: secret } as never }),
      ),
      thrown(() => encodeAutologinData({ x: {} as never }, secret)),
    ];
    for (const error of errors) {
      for (const text of [
        error.message,
        JSON.stringify(error),
        inspect(error, { depth: 10 }),
        String(error.cause ?? ''),
      ]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain('TopSecret');
      }
    }
  });
});
