import {
  createSsoSigner,
  createSsoUrl,
  decodeSsoData,
  encodeSsoData,
  parseSsoUrl,
  SSO_FIELD_NAMES,
  SSO_METHODS,
  type SsoLinkFields,
  ssoFieldsSchema,
} from '@vendorkit/printlounge-sso';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateSsoFields } from '../src/sso-fields.js';

const atom = '2026-12-01T21:00:00+00:00';
const now = Date.UTC(2026, 11, 1, 21, 0, 0);
const shape = ssoFieldsSchema.shape as unknown as Record<
  string,
  { safeParse(v: unknown): { success: boolean; data?: unknown } }
>;

// Values a sender might pass: text of any length around the limits, lone surrogates, astral characters,
// numbers, booleans, objects.
const value = fc.oneof(
  fc.string({ maxLength: 260, unit: fc.constantFrom('a', 'ä', ' ', '&', '😀', '\uD800', '\uDC00', '%', '+', '\n') }),
  fc.string({ minLength: 45, maxLength: 205 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(
    fc.constantFrom('header', 'nav', 'theme', 'x y'),
    fc.oneof(fc.integer({ min: -1, max: 2 }), fc.string({ maxLength: 3 })),
  ),
);

describe('SSO v2 field validation', () => {
  it('validates every field exactly like ssoFieldsSchema (the field-by-field path takes no shortcut the schema would not)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SSO_FIELD_NAMES), value, (field, input) => {
        fc.pre(field !== 'request_time' && field !== 'customer_user_name');
        const fromSchema = shape[field]!.safeParse(input);
        let ours: { success: boolean; data?: unknown };
        try {
          ours = {
            success: true,
            data: validateSsoFields({ request_time: atom, customer_user_name: 'x', [field]: input }, 'reject')[
              field as never
            ],
          };
        } catch {
          ours = { success: false };
        }
        expect(ours.success).toBe(fromSchema.success);
        if (fromSchema.success) expect(ours.data ?? null).toEqual(fromSchema.data ?? null);
      }),
      { numRuns: 3000 },
    );
  });

  it('round-trips: whatever createSsoUrl accepts, parseSsoUrl gives back (normalised) with every method and IV rule', () => {
    const text = fc.string({ maxLength: 50, unit: 'grapheme' });
    const fields = fc.record(
      {
        customer_user_name: fc.stringMatching(/^[A-Za-z0-9_.@-]{1,50}$/),
        customer_longname: text,
        customer_user_company1: fc.string({ maxLength: 200, unit: 'grapheme' }),
        customer_user_level: fc.constantFrom(57, 58, 59, 60),
        skip_cart: fc.boolean(),
        view_settings: fc.record({ header: fc.boolean(), nav: fc.constantFrom(0, 1) }, { requiredKeys: [] }),
        settings: fc.dictionary(fc.stringMatching(/^[a-z_]{1,10}$/), fc.string({ maxLength: 20 })),
        lang: fc.constantFrom('de_DE', 'en_GB'),
      },
      { requiredKeys: ['customer_user_name'] },
    );
    const options = fc.record({
      method: fc.constantFrom(...SSO_METHODS),
      iv: fc.constantFrom('passphrase' as const, 'method' as const),
      passphrase: fc.string({ minLength: 1, maxLength: 40 }),
    });
    fc.assert(
      fc.property(fields, options, (input, o) => {
        const url = createSsoUrl({ shop: 'demo', fields: input as SsoLinkFields, now, ...o });
        const parsed = parseSsoUrl(url, { now, ...o });
        const expected = ssoFieldsSchema.parse({ ...input, request_time: atom }) as Record<string, unknown>;
        // Empty records send nothing, so they do not come back.
        for (const nested of ['view_settings', 'settings']) {
          if (Object.keys((expected[nested] as object | undefined) ?? { x: 1 }).length === 0) delete expected[nested];
        }
        const stringly = (record: unknown) =>
          JSON.parse(
            JSON.stringify(record, (_, v) => (typeof v === 'number' || typeof v === 'boolean' ? String(Number(v)) : v)),
          );
        expect(stringly(parsed)).toEqual(stringly(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('the signer and the one-shot functions make the same h for the same fields', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 40 })), { maxLength: 6 }),
        fc.constantFrom(...SSO_METHODS),
        (pairs, method) => {
          const passphrase = 'k7Qp2Lx9Vb4Nw8Rt3Yz6Ac1Dm5Fg0Hj4';
          const signer = createSsoSigner({ shop: 'demo', passphrase, method });
          const h = signer.encode(pairs);
          signer.dispose();
          expect(h).toBe(encodeSsoData(pairs, passphrase, { method }));
          expect(new Map(Object.entries(decodeSsoData(h, passphrase, { method })))).toEqual(
            new Map(
              Object.entries(decodeSsoData(encodeSsoData(pairs, passphrase, { method }), passphrase, { method })),
            ),
          );
        },
      ),
    );
  });
});
