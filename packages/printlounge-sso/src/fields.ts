import * as z from 'zod/mini';
import { type FieldIssue, PrintLoungeError } from './errors.js';

/** `freigabeportal_zeigen` / `skip_cart`: the vendor's value for "yes". */
export const PRINTLOUNGE_YES = 53;
/** `customer_user_level` of a standard user ("A - Benutzer (Standard)"). */
export const CUSTOMER_USER_LEVEL_STANDARD = 57;
/** Latest `valid_to` accepted: 9999-12-31T23:59:59Z. */
const MAX_UNIX_TIME = 253_402_300_799;

const LONE_SURROGATE = /\p{Cs}/u;
const USER_NAME = /^[A-Za-z0-9_.@-]+$/;

/** Reports a `custom` issue tagged with `rule` from a transform (the issue classic zod's `ctx.addIssue` would add). */
export function issue(ctx: z.core.ParsePayload, rule: string, message: string): never {
  ctx.issues.push({ code: 'custom', message, params: { rule }, input: ctx.value });
  return z.NEVER as never;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** UTF-8 text of at most `max` characters (Unicode code points, as the shop's UTF-8 columns count them). */
export function text(max: number) {
  return z.pipe(
    z.string({ error: 'must be a string' }),
    z.transform((value: string, ctx) => {
      if (LONE_SURROGATE.test(value))
        return issue(ctx, 'utf8', 'must be valid Unicode (it contains an unpaired surrogate, which has no UTF-8 form)');
      const length = codePoints(value);
      if (length > max) return issue(ctx, 'max_length', `must be at most ${max} characters, got ${length}`);
      return value;
    }),
  );
}

/** An integer given as a number or as a string of digits (the decoded form); output a number. */
export function integer(min: number, max: number, what = 'an integer') {
  return z.pipe(
    z.union([z.number(), z.string()], { error: `must be ${what}` }),
    z.transform((value: number | string, ctx) => {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (/^-?\d{1,16}$/.test(value)) n = Number(value);
      else return issue(ctx, 'integer', `must be ${what} (digits only)`);
      if (!Number.isSafeInteger(n)) return issue(ctx, 'integer', `must be ${what}`);
      if (n < min || n > max) return issue(ctx, 'range', `must be ${what} between ${min} and ${max}`);
      return n;
    }),
  );
}

/** A vendor "53: Ja" flag: `53`, `'53'` or `true` mean yes (sent as 53); `false` leaves the field out. */
function yesFlag() {
  return z.pipe(
    z.union([z.literal(53), z.literal('53'), z.boolean()], { error: 'must be 53 (yes), "53" or a boolean' }),
    z.transform((value: 53 | '53' | boolean): typeof PRINTLOUNGE_YES | undefined =>
      value === false ? undefined : PRINTLOUNGE_YES,
    ),
  );
}

/** A code from a documented default plus undocumented siblings of the same shape. */
function code<const Known extends string>(_known: Known, pattern: RegExp, description: string) {
  return z.pipe(
    z.string({ error: `must be a string (${description})` }),
    z.transform((value: string, ctx): Known | (string & {}) => {
      if (!pattern.test(value)) return issue(ctx, 'enum', `must be ${description}`);
      return value;
    }),
  );
}

const optional = <T extends z.ZodMiniType>(schema: T) => z.nullish(schema);

/**
 * Adds classic zod's `.loose()` to a `zod/mini` object schema: the same schema that keeps unknown keys
 * (`catchall: unknown`, exactly what classic `.loose()` builds). Lost on clones (`.check()`, `z.extend`…).
 */
export function withLoose<Schema extends z.ZodMiniObject>(schema: Schema) {
  return Object.assign(schema, {
    /** The same schema, keeping unknown (extra) fields instead of rejecting them. */
    loose: () => z.catchall(schema, z.unknown()),
  });
}

/**
 * The fields of a Print-Lounge autologin, from the vendor's table (seed 002), with type and limit.
 * Input accepts what a sender naturally has (numbers or digit strings for integers, `true` for the
 * 53-flags); output is normalised (integers as numbers, flags as `53`, country code upper-case).
 *
 * Decisions beyond the table (documented in the README):
 * - `customer_user_name`: the table says `A-Z0-9_-.@`, the vendor's own example is
 *   `max@mustermann.de`, so lower case is accepted and kept as given (no case folding).
 * - Lengths count Unicode code points. `null`/`undefined` mean "not sent" (PHP skips null).
 * - `sprache`: `'de'` is the documented default; other two-letter language codes are accepted.
 * - `dest_page`: `'wg'` (product group page) is documented; other lower-case page codes are passed on.
 * - The object is strict: an unknown (e.g. misspelt) field is an error. Use `.loose()` to keep extras.
 *
 * Built with `zod/mini` (tree-shakable): use it with `autologinFieldsSchema.safeParse(x)` / `.parse(x)` or
 * `z.safeParse(schema, x)`; the classic chain methods (`.optional()`, `.extend()`…) are not on it, use the
 * functional forms of `zod/mini` instead. `.loose()` is provided for compatibility (the schema it returns,
 * like any schema derived from this one, is a plain `zod/mini` object schema).
 */
export const autologinFieldsSchema = withLoose(
  z.strictObject(
    {
      /** Link expiry, unix seconds (required since shop version 4.3.23). */
      valid_to: integer(1, MAX_UNIX_TIME, 'a unix time in seconds'),
      /** Login name, 1–50 characters of `A-Z a-z 0-9 _ - . @` (required). */
      customer_user_name: z.pipe(
        z.string({ error: 'must be a string' }),
        z.transform((value: string, ctx) => {
          const length = value.length;
          if (length === 0) return issue(ctx, 'min_length', 'must not be empty');
          if (length > 50) return issue(ctx, 'max_length', `must be at most 50 characters, got ${length}`);
          if (!USER_NAME.test(value)) return issue(ctx, 'pattern', 'may contain only A-Z, a-z, 0-9 and _ - . @');
          return value;
        }),
      ),
      /** Budget group id; users without one (or with an unknown one) land in the shop's default group. */
      customer_user_budgetgruppe__id: optional(integer(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer')),
      customer_longname: optional(text(50)),
      customer_user_businessunit: optional(text(50)),
      customer_user_purchaser: optional(text(50)),
      customer_user_company1: optional(text(200)),
      customer_user_company2: optional(text(200)),
      customer_user_company3: optional(text(200)),
      customer_user_street: optional(text(200)),
      customer_user_zip: optional(text(10)),
      customer_user_town: optional(text(200)),
      customer_user_country: optional(text(200)),
      /** ISO 3166-1 alpha-2 country code, e.g. `DE` (lower case is upper-cased). */
      customer_user_countrycode: optional(
        z.pipe(
          z.string({ error: 'must be a string (ISO 3166-1 alpha-2 code)' }),
          z.transform((value: string, ctx) => {
            if (!/^[A-Za-z]{2}$/.test(value))
              return issue(ctx, 'iso3166', 'must be an ISO 3166-1 alpha-2 country code such as DE');
            return value.toUpperCase();
          }),
        ),
      ),
      customer_user_costcenter: optional(text(200)),
      customer_user_telefon: optional(text(200)),
      customer_user_telefax: optional(text(200)),
      customer_user_email: optional(text(100)),
      customer_user_internet: optional(text(100)),
      customer_user_mobil: optional(text(50)),
      customer_user_kundennummer: optional(text(100)),
      /** User level; `57` (CUSTOMER_USER_LEVEL_STANDARD) is "A - Benutzer (Standard)". */
      customer_user_level: optional(
        integer(0, Number.MAX_SAFE_INTEGER, 'a non-negative integer user level (57 = standard user)'),
      ),
      /** Show the approval portal: `53` (yes) or leave out. */
      freigabeportal_zeigen: optional(yesFlag()),
      customer_user_aussendienst: optional(text(200)),
      customer_funktion: optional(text(200)),
      /** Language; `de` (default). */
      sprache: optional(code('de', /^[a-z]{2}$/, "a two-letter lower-case language code such as 'de'")),
      customfield1: optional(text(200)),
      customfield2: optional(text(200)),
      customfield3: optional(text(200)),
      customfield4: optional(text(200)),
      customfield5: optional(text(200)),
      /** Landing page after login: `wg` = a product group page. */
      dest_page: optional(code('wg', /^[a-z][a-z0-9_]{0,31}$/, "a page code such as 'wg' (product group page)")),
      /** Id of the landing entry (product group or article). */
      dest_id: optional(
        z.pipe(
          z.union([z.number(), z.string()], { error: 'must be an id (number or string)' }),
          z.transform((value: number | string, ctx) => {
            const id =
              typeof value === 'number' ? (Number.isSafeInteger(value) && value >= 0 ? String(value) : '') : value;
            if (!/^[A-Za-z0-9_.-]{1,100}$/.test(id))
              return issue(ctx, 'id', 'must be a non-negative integer or 1–100 characters of A-Z a-z 0-9 _ . -');
            return id;
          }),
        ),
      ),
      /** Quantity from the price scale; left out, the shop picks the smallest. */
      qty: optional(integer(1, Number.MAX_SAFE_INTEGER, 'a positive integer')),
      /** Skip the cart: `53` (yes) or leave out. */
      skip_cart: optional(yesFlag()),
    },
    { error: 'must be an object of autologin fields' },
  ),
);

/** Autologin fields as a sender writes them (input of {@link autologinFieldsSchema}). */
export type AutologinFieldsInput = z.input<typeof autologinFieldsSchema>;
/** Validated, normalised autologin fields (output of {@link autologinFieldsSchema}). */
export type AutologinFields = z.output<typeof autologinFieldsSchema>;

/** Names of every field in the vendor's table. */
export const AUTOLOGIN_FIELD_NAMES = Object.keys(autologinFieldsSchema.shape) as ReadonlyArray<keyof AutologinFields>;

const FIELD_SCHEMAS = autologinFieldsSchema.shape as unknown as Record<string, z.ZodMiniType>;
const REQUIRED_FIELDS = ['valid_to', 'customer_user_name'] as const;

export function issueOf(field: string, zodIssue: z.core.$ZodIssue): FieldIssue {
  const rule =
    zodIssue.code === 'custom'
      ? String((zodIssue.params as { rule?: unknown } | undefined)?.rule ?? 'custom')
      : zodIssue.code === 'invalid_type' || zodIssue.code === 'invalid_union'
        ? 'type'
        : zodIssue.code;
  return { field, rule, message: zodIssue.message };
}

/**
 * @internal Validates `input` field by field with the schemas of {@link autologinFieldsSchema} — the same
 * rules as `autologinFieldsSchema.parse` (strict) or `.loose().parse`, without paying for the ~30 absent
 * optional fields on every link — and turns the issues into one PrintLoungeError naming field and rule.
 */
export function validateFields(
  input: unknown,
  unknownFields: 'reject' | 'keep',
): AutologinFields & Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PrintLoungeError('invalid_field', 'Autologin fields must be an object.', { rule: 'type' });
  }
  const record = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  for (const field of REQUIRED_FIELDS) {
    if (record[field] === undefined) issues.push({ field, rule: 'required', message: 'is required' });
  }
  for (const field of Object.keys(record)) {
    const value = record[field];
    const schema = Object.hasOwn(FIELD_SCHEMAS, field) ? FIELD_SCHEMAS[field] : undefined;
    if (schema === undefined) {
      if (unknownFields === 'keep') out[field] = value;
      else {
        issues.push({
          field,
          rule: 'unknown_field',
          message: 'is not a Print-Lounge autologin field (misspelt? use encodeAutologinData for shop-specific extras)',
        });
      }
      continue;
    }
    if (value === undefined && (field === 'valid_to' || field === 'customer_user_name')) continue; // reported above
    const result = schema.safeParse(value);
    if (result.success) out[field] = result.data;
    else issues.push(issueOf(field, result.error.issues[0]!));
  }
  if (issues.length === 0) return out as AutologinFields & Record<string, unknown>;
  const first = issues[0]!;
  const missingOnly = issues.every((i) => i.rule === 'required');
  const summary = issues.map((i) => `${i.field} ${i.message}`).join('; ');
  throw new PrintLoungeError(missingOnly ? 'missing_field' : 'invalid_field', `Invalid autologin fields: ${summary}.`, {
    field: first.field,
    rule: first.rule,
    issues,
  });
}
