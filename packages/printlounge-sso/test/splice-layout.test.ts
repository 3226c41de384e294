import { execFileSync, spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  AUTOLOGIN_FIELD_NAMES,
  createAutologinUrl,
  createSsoUrl,
  decodeAutologinData,
  encodeSsoData,
  isPrintLoungeError,
  type PrintLoungeError,
  parseAutologinUrl,
  parseSsoUrl,
} from '@vendorkit/printlounge-sso';
import { createPrintLoungeMock } from '@vendorkit/printlounge-sso/mocks';
import { mcryptDecrypt, mcryptEncrypt } from '@vendorkit/rijndael';
import fc from 'fast-check';
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';

// The splice-resistant layouts of createAutologinUrl (src/layout.ts) and createSsoUrl (src/layout-sso.ts):
// what PHP reads, the rules they keep, what they refuse, and the strict receivers. The attacks themselves
// are test/splice-v1.test.ts and test/splice-v2.test.ts.

const passphrase = 'Layout-Test-Passphrase-32-bytes!';
const now = Date.UTC(2026, 11, 1, 21);
const validTo = now / 1000 + 300;
const decoder = fileURLToPath(new URL('./fixtures/decode.php', import.meta.url));
const phpReady = (() => {
  const probe = spawnSync('php', ['-r', 'echo function_exists("mcrypt_decrypt") ? "yes" : "no";'], {
    encoding: 'utf8',
  });
  return probe.status === 0 && probe.stdout === 'yes';
})();
if (!phpReady)
  console.warn('splice-layout: PHP checks SKIPPED — `php` with the mcrypt extension is not on PATH (CI has it).');

const uDataOf = (url: string) => url.slice(url.indexOf('u_data=') + 7);
const plaintextOf = (uData: string) => {
  const bytes = mcryptDecrypt(
    'rijndael-256',
    passphrase,
    Uint8Array.from(atob(decodeURIComponent(uData)), (c) => c.charCodeAt(0)),
    'ecb',
  );
  return String.fromCharCode(...bytes);
};
const linkFor = (fields: Record<string, string>) =>
  createAutologinUrl({
    shop: 'demo',
    passphrase,
    fields: { customer_user_name: 'max@example.com', ...fields } as never,
    now,
  });

const LEGITIMATE = [
  'Müller & Söhne GmbH',
  "O'Brien (Sales) 50%",
  'Straße 1, 10115 Berlin',
  'max.mustermann+print@example.com',
  'erika_musterfrau@sub.example.co.uk',
  'A'.repeat(200),
  `${'Müller & Söhne Druck- und Verlagsgesellschaft mbH '.repeat(4)}Berlin`.slice(0, 200),
  '株式会社ソニーグループ'.repeat(18).slice(0, 200),
  'ООО «Ромашка» — типография'.repeat(8).slice(0, 200),
  '😀🎉'.repeat(100),
  '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
  '^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^',
  '*~ +&=%/?#@',
  '',
];
const TEXT_FIELDS = ['customer_user_company1', 'customer_user_company2', 'customfield1', 'customer_user_street'];

/** Value text without what the layout refuses (control characters, '[' and ']'). */
const legitimateText = fc
  .oneof(
    fc.string({ maxLength: 200, unit: 'grapheme' }),
    fc.string({
      maxLength: 200,
      unit: fc.constantFrom('ä', '株', '😀', '!', '^', '\\', '%', '+', ' ', '.', 'a', '-', '@', '&', '='),
    }),
  )
  .map((text) => text.replace(/[\p{Cc}[\]]/gu, ''))
  .filter((text) => [...text].length <= 200);

describe('the aligned layout', () => {
  it('keeps its rules for any text: fields start blocks, values end inside one, escapes cross only safely', () => {
    const FOREIGN = /[^A-Za-z0-9_ .[\]]/;
    fc.assert(
      fc.property(
        fc.subarray(TEXT_FIELDS, { minLength: 1 }),
        fc.array(legitimateText, { minLength: 4, maxLength: 4 }),
        (fields, texts) => {
          const plain = plaintextOf(uDataOf(linkFor(Object.fromEntries(fields.map((f, i) => [f, texts[i]!])))));
          expect(plain.length % 32).toBe(0);
          expect(plain).not.toMatch(/\0/); // no zero padding: the last field fills its block with '&'
          let position = 0;
          for (const piece of plain.split('&')) {
            const start = position;
            position += piece.length + 1;
            if (piece === '') continue;
            // Every piece starts a block, after nothing but '&'.
            expect(plain.slice(start - (start % 32), start)).toMatch(/^&*$/);
            // …and its value does not end on a block boundary: a '&' follows in the same block.
            expect((start + piece.length) % 32).not.toBe(0);
            const name = piece.slice(0, piece.indexOf('='));
            for (let at = piece.indexOf('%'); at !== -1; at = piece.indexOf('%', at + 1)) {
              const absolute = start + at;
              const inBlock = absolute % 32;
              if (inBlock <= 29) continue;
              // A crossing escape: never in the first block of the user name…
              expect(name === 'customer_user_name' && absolute < start - (start % 32) + 32).toBe(false);
              // …and either "%h|h" with h ≠ 5, or after a byte no field name holds (or the name's '=').
              // The decoded bytes of this block before the escape (hex digits left over from a split escape
              // at the block start read as themselves).
              const blockText = plain
                .slice(absolute - inBlock, absolute)
                .replace(/\+/g, ' ')
                .replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
              const firstBlockOfField = absolute - inBlock <= start;
              const safe = firstBlockOfField || FOREIGN.test(blockText);
              expect(safe || (inBlock === 30 && piece[at + 1] !== '5')).toBe(true);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('puts the first bytes of the user name into the block of customer_user_name= without splitting an escape', () => {
    for (const name of ['max.mustermann@example.com', 'abcdefghijk@x', 'abcdefghijkl@x', '@@@@@@@@@@', 'erika']) {
      const plain = plaintextOf(
        uDataOf(createAutologinUrl({ shop: 'demo', passphrase, fields: { customer_user_name: name }, now })),
      );
      const at = plain.indexOf('customer_user_name=');
      expect(at).toBeLessThan(32);
      const firstBlock = plain.slice(at + 19, 32);
      expect(firstBlock).not.toMatch(/%[0-9A-F]?$/);
      expect(
        decodeAutologinData(
          uDataOf(createAutologinUrl({ shop: 'demo', passphrase, fields: { customer_user_name: name }, now })),
          passphrase,
        ).customer_user_name,
      ).toBe(name);
    }
    // A plain name: exactly its first 13 bytes share the block.
    const plain = plaintextOf(uDataOf(linkFor({})));
    expect(plain.slice(0, 32)).toBe('customer_user_name=max%40example');
  });

  it('refuses control characters, [ and ] in values, naming the field and never echoing the value', () => {
    for (const bad of ['a\nb', 'tab\there', 'nul\0', 'del\u007f', 'c1\u0085', 'x[y', 'y]', '[]']) {
      try {
        linkFor({ customfield2: `SECRET${bad}` });
        expect.unreachable();
      } catch (error) {
        expect(isPrintLoungeError(error, 'invalid_field')).toBe(true);
        expect((error as PrintLoungeError).field).toBe('customfield2');
        expect((error as PrintLoungeError).rule).toBe('unsafe_character');
        expect((error as Error).message).not.toContain('SECRET');
      }
    }
  });

  it('no field name is the tail of a target, even after the seam eats one or two leading hex digits', () => {
    // The layout's argument: a forged piece is value text + one complete genuine field name. That spells a
    // target only if some field name ends like one. A "%h|" or "%|" seam before a name can swallow the
    // name's first one or two characters when they are hex digits: check those tails too.
    const names = [
      ...AUTOLOGIN_FIELD_NAMES,
      'request_time',
      'group_name',
      'customer_firstname',
      'customer_lastname',
      'quantity',
      'lang',
      'test',
    ];
    for (const target of ['customer_user_name', 'valid_to', 'request_time']) {
      for (const name of names) {
        const tails = [name];
        if (/^[0-9a-fA-F]/.test(name)) tails.push(name.slice(1));
        if (/^[0-9a-fA-F]{2}/.test(name)) tails.push(name.slice(2));
        for (const tail of tails) {
          // The target's own name: whatever the key reads, the value behind it is the genuine one.
          if (name === target) continue;
          expect(target.endsWith(tail), `${name} → ${tail} ends ${target}`).toBe(false);
        }
      }
    }
  });
});

describe.skipIf(!phpReady)('the aligned layout read by real PHP (mcrypt_decrypt + parse_str)', () => {
  it('gives PHP exactly the fields, for real-world values and 300 random ones', () => {
    const samples = fc.sample(
      fc.tuple(fc.subarray(TEXT_FIELDS, { minLength: 1 }), fc.array(legitimateText, { minLength: 4, maxLength: 4 })),
      300,
    );
    const fieldSets: Array<Record<string, string>> = [
      ...LEGITIMATE.map((value, i) => ({
        [TEXT_FIELDS[i % TEXT_FIELDS.length]!]: value,
        customer_user_email: 'max@example.com',
      })),
      Object.fromEntries(TEXT_FIELDS.map((field, i) => [field, LEGITIMATE[i]!])),
      ...samples.map(([fields, texts]) => Object.fromEntries(fields.map((f, i) => [f, texts[i]!]))),
    ];
    const inputs = fieldSets.map((fields) => {
      const all = { customer_user_name: 'max@example.com', ...fields };
      return {
        passphrase,
        u_data: uDataOf(linkFor(fields)),
        fields: [...Object.entries(all), ['valid_to', String(validTo)]],
      };
    });
    const output = execFileSync('php', [decoder], {
      input: inputs.map((i) => JSON.stringify(i)).join('\n'),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const results = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { parsed: Array<[string, string]>; expected: Array<[string, string]> });
    expect(results).toHaveLength(inputs.length);
    results.forEach((result, i) => {
      expect(result.parsed, JSON.stringify(inputs[i]!.fields)).toEqual(result.expected);
    });
  });
});

/** A u_data holding exactly `query` (hand-made, as a splice would produce one). */
function uDataFor(query: string): string {
  const bytes = mcryptEncrypt('rijndael-256', passphrase, query, 'ecb');
  return encodeURIComponent(btoa(String.fromCharCode(...bytes)));
}

describe('strict receivers', () => {
  const url = (query: string) => `https://demo.print-server.net/autologin.php?u_data=${uDataFor(query)}`;
  const base = `customer_user_name=max&valid_to=${validTo}`;

  it('refuse duplicates, names parse_str rewrites, pieces without "=" and unknown fields by default', () => {
    for (const [query, rule] of [
      [`${base}&customer_user_name=bob`, 'duplicate_field'],
      [`${base}&+customer_user_name=bob`, 'rewritten_name'],
      [`customer.user.name=max&valid_to=${validTo}`, 'rewritten_name'],
      [`customer_user name=max&valid_to=${validTo}`, 'rewritten_name'],
      [`${base}&customer_user_name%00x=bob`, 'rewritten_name'],
      [`${base}&customer_user_name[x]=bob`, 'rewritten_name'],
      [`${base}&[x=1`, 'rewritten_name'],
      [`${base}&=1`, 'rewritten_name'],
      [`${base}&customer_user_name`, 'missing_value'],
      [`${base}&extra=1`, 'unknown_field'],
    ] as const) {
      try {
        parseAutologinUrl(url(query), { passphrase, now });
        expect.unreachable(query);
      } catch (error) {
        expect(isPrintLoungeError(error, 'invalid_field'), query).toBe(true);
        expect((error as PrintLoungeError).rule, query).toBe(rule);
        expect((error as Error).message).not.toContain('bob');
      }
    }
  });

  it('accept the aligned layout (empty pieces) and, with strict: false, read like PHP', () => {
    expect(parseAutologinUrl(url(`&&${base}&&&&`), { passphrase, now }).customer_user_name).toBe('max');
    expect(
      parseAutologinUrl(url(`${base}&customer_user_name=bob&extra=1`), { passphrase, now, strict: false }),
    ).toMatchObject({
      customer_user_name: 'bob',
      extra: '1',
    });
  });

  it('the mock shop refuses a spliced-looking link with a 400 page (and takes strict: false)', async () => {
    const spliced = url(`${base}&customer_user_name=bob`);
    const strictShop = createPrintLoungeMock({ shops: { demo: passphrase }, now });
    const refused = await getResponse(strictShop.handlers, new Request(spliced));
    expect([refused?.status, refused?.headers.get('x-printlounge-mock-error')]).toEqual([400, 'invalid_field']);
    const lenientShop = createPrintLoungeMock({ shops: { demo: passphrase }, now, strict: false });
    expect((await getResponse(lenientShop.handlers, new Request(spliced)))?.status).toBe(302);
    expect(lenientShop.logins[0]?.fields.customer_user_name).toBe('bob');
  });
});

// ---------------------------------------------------------------------------------------------------------
// SSO v2 (layout-sso.ts)

const ssoKey = new TextEncoder().encode(passphrase);
const ssoIv = new TextEncoder().encode(createHash('sha256').update(passphrase).digest('hex').slice(0, 16));
const hOf = (url: string) => url.slice(url.indexOf('h=') + 2);
const ssoPlaintext = (h: string) => {
  const decipher = createDecipheriv('aes-256-cbc', ssoKey, ssoIv);
  const bytes = Buffer.concat([decipher.update(Buffer.from(decodeURIComponent(h), 'base64')), decipher.final()]);
  return bytes.toString('latin1');
};
const ssoLink = (fields: Record<string, unknown>) =>
  createSsoUrl({
    shop: 'demo',
    passphrase,
    fields: { customer_user_name: 'max.mustermann@example.com', ...fields } as never,
    now,
  });

const SSO_TEXT_FIELDS = ['customer_user_company1', 'customer_firstname', 'customfield3', 'pers_data', 'group_name'];
const TARGET_NAMES = ['customer_user_name', 'request_time'];
const readAsName = (text: string) =>
  text
    .replace(/\+/g, ' ')
    .replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    .replace(/[ .[]/g, '_');

describe('the SSO v2 layout', () => {
  it('keeps its rules for any text: name at a block start, no block that ends a target name, safe seams', () => {
    const text50 = legitimateText.map((t) => [...t].slice(0, 50).join(''));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(SSO_TEXT_FIELDS, { minLength: 1 }),
        fc.array(text50, { minLength: 5, maxLength: 5 }),
        fc.nat(5),
        (fields, texts, at) => {
          const order = [...fields];
          order.splice(at % (order.length + 1), 0, 'customer_user_name');
          const values = Object.fromEntries(
            order.map((f, i) => [f, f === 'customer_user_name' ? 'max.mustermann@example.com' : texts[i]!]),
          );
          const plain = ssoPlaintext(hOf(createSsoUrl({ shop: 'demo', passphrase, fields: values as never, now })));
          let position = 0;
          for (const piece of plain.split('&')) {
            const start = position;
            position += piece.length + 1;
            if (piece === '') continue;
            const eq = piece.indexOf('=');
            const name = piece.slice(0, eq);
            if (name === 'customer_user_name') expect(start % 16).toBe(0);
            // A block boundary inside a name (before its '=') leaves a tail that ends no target, not even ''.
            else {
              for (let cut = 16 - (start % 16); cut <= eq; cut += 16) {
                const tail = readAsName(piece.slice(cut, eq));
                expect(
                  TARGET_NAMES.some((t) => t.endsWith(tail)),
                  `${name} cut at ${cut}`,
                ).toBe(false);
              }
            }
            // No block wholly inside the value reads like the end of a target name.
            const valueStart = start + eq + 1;
            for (let block = Math.ceil(valueStart / 16) * 16; block + 16 <= start + piece.length; block += 16) {
              const text = readAsName(plain.slice(block, block + 16));
              expect(
                TARGET_NAMES.some((t) => t.endsWith(text)),
                JSON.stringify(plain.slice(block, block + 16)),
              ).toBe(false);
            }
            // Escapes cross a boundary only as %h|h with h >= 2 and h != 5, or after a foreign byte.
            for (let at2 = piece.indexOf('%', eq); at2 !== -1; at2 = piece.indexOf('%', at2 + 1)) {
              const absolute = start + at2;
              const inBlock = absolute % 16;
              if (inBlock <= 13) continue;
              const blockStart = absolute - inBlock;
              const before = readAsName(plain.slice(Math.max(blockStart, valueStart), absolute));
              const foreign = blockStart < valueStart || /[^A-Za-z0-9_]/.test(before);
              // …never in the block where the user name's value starts (its bound first bytes)…
              expect(name === 'customer_user_name' && Math.floor(absolute / 16) === Math.floor(valueStart / 16)).toBe(
                false,
              );
              expect(
                foreign || (inBlock === 14 && /[2-46-9A-F]/.test(piece[at2 + 1]!)),
                JSON.stringify(plain.slice(blockStart, blockStart + 16)),
              ).toBe(true);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('differs from encodeSsoData only in where the & go and which letters are escaped', () => {
    const fields = {
      customer_user_name: 'max.mustermann@example.com',
      customer_user_company1: 'Müller & Söhne GmbH',
      request_time: '2026-12-01T21:00:00+00:00',
    };
    const laid = ssoPlaintext(hOf(createSsoUrl({ shop: 'demo', passphrase, fields, now })));
    const plain = ssoPlaintext(encodeSsoData(fields, passphrase));
    const normal = (query: string) =>
      query
        .split('&')
        .filter((piece) => piece !== '')
        .map((piece) =>
          piece.replace(/%([0-9A-F]{2})/g, (m, hex: string) =>
            /[A-Za-z0-9._-]/.test(String.fromCharCode(Number.parseInt(hex, 16)))
              ? String.fromCharCode(Number.parseInt(hex, 16))
              : m,
          ),
        );
    expect(normal(laid)).toEqual(normal(plain));
  });
});

describe.skipIf(!phpReady)('the SSO v2 layout read by real PHP (openssl_decrypt + parse_str)', () => {
  it('gives PHP exactly the fields, for real-world values, JSON, nested settings and 300 random ones', () => {
    const decoderSso = fileURLToPath(new URL('./fixtures/decode-sso.php', import.meta.url));
    const samples = fc.sample(
      fc.tuple(
        fc.subarray(SSO_TEXT_FIELDS, { minLength: 1 }),
        fc.array(
          legitimateText.map((t) => [...t].slice(0, 50).join('')),
          { minLength: 5, maxLength: 5 },
        ),
      ),
      300,
    );
    const fieldSets: Array<Record<string, unknown>> = [
      ...LEGITIMATE.map((value, i) => ({
        [SSO_TEXT_FIELDS[i % 3]!]: [...value].slice(0, 50).join(''),
        customer_user_email: 'max@example.com',
      })),
      {
        dynamic_lists: '{"list": [1, 2, "x[y]"],\n "n": null}',
        settings: { theme: 'dark', items: 3 },
        view_settings: { header: 0, footer: 1 },
      },
      { customer_user_company1: `${'株式会社'.repeat(40)}`, lang: 'de_DE', test: true },
      ...samples.map(([fields, texts]) => Object.fromEntries(fields.map((f, i) => [f, texts[i]!]))),
    ];
    const inputs = fieldSets.map((fields) => {
      const h = hOf(ssoLink(fields));
      const flat: Array<[string, string]> = [['customer_user_name', 'max.mustermann@example.com']];
      for (const [name, value] of Object.entries(fields)) {
        if (value !== null && typeof value === 'object')
          for (const [k, v] of Object.entries(value)) flat.push([`${name}[${k}]`, String(v)]);
        else flat.push([name, value === true ? 'true' : String(value)]);
      }
      flat.push(['request_time', '2026-12-01T21:00:00+00:00']);
      return { passphrase, method: 'aes-256-cbc', iv: 'passphrase', h, fields: flat };
    });
    const output = execFileSync('php', [decoderSso], {
      input: inputs.map((i) => JSON.stringify(i)).join('\n'),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    const results = output
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { parsed: Array<[string, string]>; expected: Array<[string, string]> });
    expect(results).toHaveLength(inputs.length);
    results.forEach((result, i) => {
      expect(result.parsed, JSON.stringify(inputs[i]!.fields)).toEqual(result.expected);
    });
  });
});

describe('strict SSO v2 receivers', () => {
  const requestTime = '2026-12-01T21:00:00+00:00';
  const url = (fields: Array<[string, string]>) =>
    `https://demo.print-server.net/sso.php?h=${encodeSsoData(fields, passphrase)}`;
  const base: Array<[string, string]> = [
    ['customer_user_name', 'max'],
    ['request_time', requestTime],
  ];

  it('refuse duplicates, rewritten names, pieces without "=" and unknown fields; accept view_settings[…]', () => {
    const hand = (query: string) => `https://demo.print-server.net/sso.php?h=${encodeURIComponent(encryptSso(query))}`;
    for (const [link, rule] of [
      [
        hand(`customer_user_name=max&request_time=${encodeURIComponent(requestTime)}&customer_user_name=bob`),
        'duplicate_field',
      ],
      [
        hand(`customer_user_name=max&request_time=${encodeURIComponent(requestTime)}&+customer_user_name=bob`),
        'rewritten_name',
      ],
      [
        hand(`customer_user_name=max&request_time=${encodeURIComponent(requestTime)}&customer_user_name%00x=bob`),
        'rewritten_name',
      ],
      [
        hand(`customer_user_name=max&request_time=${encodeURIComponent(requestTime)}&customer_user_name[x]=bob`),
        'rewritten_name',
      ],
      [hand(`customer_user_name=max&request_time=${encodeURIComponent(requestTime)}&request_time`), 'missing_value'],
      [url([...base, ['extra', '1']]), 'unknown_field'],
    ] as const) {
      try {
        parseSsoUrl(link, { passphrase, now });
        expect.unreachable(link);
      } catch (error) {
        expect(isPrintLoungeError(error, 'invalid_field'), link).toBe(true);
        expect((error as PrintLoungeError).rule).toBe(rule);
      }
    }
    expect(parseSsoUrl(url([...base, ['view_settings[header]', '0']]), { passphrase, now }).view_settings).toEqual({
      header: 0,
    });
    expect(parseSsoUrl(url([...base, ['extra', '1']]), { passphrase, now, strict: false })).toMatchObject({
      extra: '1',
    });
  });
});

/** An h holding exactly `query` (hand-made, as a splice would produce one). */
function encryptSso(query: string): string {
  const cipher = createCipheriv('aes-256-cbc', ssoKey, ssoIv);
  return Buffer.concat([cipher.update(query, 'latin1'), cipher.final()]).toString('base64');
}
