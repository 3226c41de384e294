import { autologinFieldsSchema } from '@vendorkit/printlounge-sso';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateFields } from '../src/fields.js';

// The links are validated field by field (fast path); it must agree with the exported zod schema.
describe('field-by-field validation agrees with autologinFieldsSchema', () => {
  const names = fc.constantFrom(
    'valid_to',
    'customer_user_name',
    'customer_user_zip',
    'customer_user_countrycode',
    'customer_user_level',
    'skip_cart',
    'freigabeportal_zeigen',
    'sprache',
    'dest_page',
    'dest_id',
    'qty',
    'customfield1',
    'unknown_field',
  );
  const value = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.string({ unit: fc.constantFrom('A', 'z', '1', '@', '.', ' ', '+'), maxLength: 12 }),
    fc.integer({ min: -10, max: 2_000_000_000 }),
    fc.double(),
    fc.boolean(),
    fc.constantFrom(null, undefined, 53, '53', 'de', 'wg', 'DE', 'de1', '1790000000'),
  );

  it('same verdict and same output, strict and loose', () => {
    fc.assert(
      fc.property(fc.dictionary(names, value, { maxKeys: 8 }), (input) => {
        for (const [mode, schema] of [
          ['reject', autologinFieldsSchema],
          ['keep', autologinFieldsSchema.loose()],
        ] as const) {
          const expected = schema.safeParse(input);
          let actual: unknown;
          let failed = false;
          try {
            actual = validateFields(input, mode);
          } catch {
            failed = true;
          }
          expect(failed).toBe(!expected.success);
          if (expected.success) {
            const withoutUndefined = (o: object) =>
              Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
            expect(withoutUndefined(actual as object)).toEqual(withoutUndefined(expected.data));
          }
        }
      }),
      { numRuns: 1500 },
    );
  });
});
