import * as z from 'zod/mini';
import { type FieldIssue, PrintLoungeError } from './errors.js';
import { autologinFieldsSchema, integer, issue, issueOf, text, withLoose } from './fields.js';

/** `freigabeportal_zeigen` / `skip_cart` in SSO v2: the vendor's value for "no" (53 is "yes"). */
export const PRINTLOUNGE_NO = 54;

/** `customer_user_level` values of SSO v2: user, supervisor, administration, interested party. */
export const SSO_CUSTOMER_USER_LEVELS = { user: 57, supervisor: 58, administration: 59, interestedParty: 60 } as const;

/** Keys of `view_settings[…]` (each 0 = hide, 1 = show). */
export const SSO_VIEW_SETTINGS = [
  'cookie_notice',
  'color_bar',
  'top_header',
  'header',
  'nav',
  'footer',
  'iframe_autoheight',
] as const;

/** Landing pages of `dest_page` in SSO v2. */
export const SSO_DEST_PAGES = ['wg', 'pers', 'article_detail', 'reorder', 'cancel_order'] as const;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

let lastAtom = { seconds: Number.NaN, text: '' };

/** `unixSeconds` as PHP's `date(DATE_ATOM)` writes it in UTC: `2026-12-01T21:00:00+00:00`. */
export function formatDateAtom(unixSeconds: number): string {
  if (unixSeconds === lastAtom.seconds) return lastAtom.text; // links made in the same second
  const text = dateAtom(unixSeconds);
  lastAtom = { seconds: unixSeconds, text };
  return text;
}

function dateAtom(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const year = d.getUTCFullYear();
  return `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}+00:00`;
}

// PHP's DATE_ATOM (`+00:00`), DateTime::ISO8601 (`+0000`) and `Z`, to the second.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Unix seconds of an ISO 8601 `request_time` in the forms PHP writes (`2026-12-01T21:00:00+00:00`,
 * `2026-12-01T21:00:00+0000`, or with `Z`), or `undefined` for anything else (including impossible
 * dates such as February 30th).
 */
export function parseRequestTime(value: string): number | undefined {
  const m = ISO_TIME.exec(value);
  if (m === null) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  if (new Date(ms).getUTCDate() !== day) return undefined;
  let offset = 0;
  if (m[7] !== undefined) {
    const offsetHours = Number(m[8]);
    const offsetMinutes = Number(m[9]);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    offset = (m[7] === '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
  }
  return ms / 1000 - offset;
}

/** `request_time`: an ISO 8601 string as PHP writes it (kept as given), or a Date (written as DATE_ATOM, UTC). */
const requestTime = z.pipe(
  z.union([z.string(), z.date()], { error: 'must be an ISO 8601 time string or a Date' }),
  z.transform((value: string | Date, ctx) => {
    if (typeof value !== 'string') {
      const ms = value.getTime();
      if (!Number.isFinite(ms)) return issue(ctx, 'date', 'must be a valid Date');
      return formatDateAtom(Math.floor(ms / 1000));
    }
    if (parseRequestTime(value) === undefined) {
      return issue(
        ctx,
        'iso8601',
        "must be an ISO 8601 time like PHP's date(DATE_ATOM) (2026-12-01T21:00:00+00:00) or DateTime::ISO8601 (…+0000)",
      );
    }
    return value;
  }),
);

/** One of `values`, given as a number or its digits; output the number. */
function choice<const Values extends readonly number[]>(values: Values, description: string) {
  return z.pipe(
    z.union([z.number(), z.string()], { error: `must be ${description}` }),
    z.transform((value: number | string, ctx): Values[number] => {
      const n = typeof value === 'number' ? value : /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
      if (!values.includes(n)) return issue(ctx, 'enum', `must be ${description}`);
      return n as Values[number];
    }),
  );
}

/** A vendor yes/no flag of SSO v2: `53`/`true` = yes, `54`/`false` = no (strings of the digits too). */
function yesNo() {
  return z.pipe(
    z.union([z.number(), z.string(), z.boolean()], { error: 'must be 53 (yes), 54 (no) or a boolean' }),
    z.transform((value: number | string | boolean, ctx): 53 | 54 => {
      if (value === true || value === 53 || value === '53') return 53;
      if (value === false || value === 54 || value === '54') return 54;
      return issue(ctx, 'enum', 'must be 53 (yes), 54 (no) or a boolean');
    }),
  );
}

/** `view_settings[…]` entries: 0/1, `'0'`/`'1'` or a boolean; output 0 or 1. */
const zeroOne = z.pipe(
  z.union([z.number(), z.string(), z.boolean()], { error: 'must be 0, 1 or a boolean' }),
  z.transform((value: number | string | boolean, ctx): 0 | 1 => {
    if (value === true || value === 1 || value === '1') return 1;
    if (value === false || value === 0 || value === '0') return 0;
    return issue(ctx, 'enum', 'must be 0 (hide), 1 (show) or a boolean');
  }),
);

/** A JSON value sent as a string: a string that parses as JSON, or any JSON-serialisable value (stringified). */
function jsonText(max: number) {
  return z.pipe(
    z.unknown(),
    z.transform((value: unknown, ctx): string => {
      let json: string;
      if (typeof value === 'string') {
        try {
          JSON.parse(value);
        } catch {
          return issue(ctx, 'json', 'must be JSON (a string that parses, or a value to stringify)');
        }
        json = value;
      } else {
        const stringified = value === undefined ? undefined : JSON.stringify(value);
        if (stringified === undefined) return issue(ctx, 'json', 'must be a JSON-serialisable value');
        json = stringified;
      }
      if (json.length > max) return issue(ctx, 'max_length', `must be at most ${max} characters of JSON`);
      return json;
    }),
  );
}

const SETTINGS_KEY = /^[A-Za-z0-9_-]{1,64}$/;
const optional = <T extends z.ZodMiniType>(schema: T) => z.nullish(schema);
const v1 = autologinFieldsSchema.shape;

/** Limits of the plain text fields, by schema: `validateSsoFields` takes a shortcut for them (below). */
const TEXT_MAX = new WeakMap<z.ZodMiniType, number>();

/** An optional UTF-8 text field of at most `max` characters (the vendor's "n Zeichen (Utf8)"). */
function textField(max: number) {
  const schema = optional(text(max));
  TEXT_MAX.set(schema, max);
  return schema;
}

/**
 * The fields of a Print-Lounge SSO v2 link (`sso.php?h=`), from the vendor's v2 table (VENDORS.md
 * "Print-Lounge SSO v2", marked [C] there): v1's fields without `valid_to`, plus the v2 ones.
 * Input accepts what a sender naturally has (numbers or digit strings, booleans for flags, a `Date`
 * for `request_time`, objects for the JSON fields); output is normalised.
 *
 * Decisions beyond the table (documented in the README):
 * - `request_time` is kept as given when it is a string in one of PHP's ISO 8601 forms (`+00:00`,
 *   `+0000`, `Z`); a `Date` becomes DATE_ATOM in UTC.
 * - v1's `sprache` and `qty` are `lang` (`de_DE`) and `quantity` in v2 and are not accepted here.
 * - Lengths the table does not give: `pers_data`, `dynamic_lists`, `UserBudgetSettings` ≤ 2000,
 *   `email_address_for_cost_release` and `external_order_number` ≤ 100, `settings[…]` keys
 *   `A-Z a-z 0-9 _ -` (≤ 64) with scalar values ≤ 200.
 * - `test`: `true` or `'true'` is sent as `test=true` (the shop then shows the received data instead
 *   of logging in); `false` leaves the field out.
 * - The object is strict: an unknown (e.g. misspelt) field is an error. Use `.loose()` to keep extras.
 */
export const ssoFieldsSchema = withLoose(
  z.strictObject(
    {
      /** Time of the call, ISO 8601 (required; the shop accepts the link for 500 s by default). */
      request_time: requestTime,
      /** Login name, 1–50 characters of `A-Z a-z 0-9 _ - . @` (required). */
      customer_user_name: v1.customer_user_name,
      customer_user_budgetgruppe__id: v1.customer_user_budgetgruppe__id,
      /** Customer group number (≤ 50). */
      group_customer_number: textField(50),
      /** Customer group name (≤ 50, shop version ≥ 6.34.0). */
      group_name: textField(50),
      customer_firstname: textField(50),
      customer_lastname: textField(50),
      customer_longname: textField(50),
      customer_user_businessunit: textField(50),
      customer_user_purchaser: textField(50),
      customer_user_company1: textField(200),
      customer_user_company2: textField(200),
      customer_user_company3: textField(200),
      customer_user_street: textField(200),
      customer_user_zip: textField(10),
      customer_user_town: textField(200),
      customer_user_country: textField(200),
      customer_user_countrycode: v1.customer_user_countrycode,
      customer_user_costcenter: textField(200),
      customer_user_telefon: textField(200),
      customer_user_telefax: textField(200),
      customer_user_email: textField(100),
      customer_user_internet: textField(100),
      customer_user_mobil: textField(50),
      customer_user_kundennummer: textField(100),
      customer_user_aussendienst: textField(200),
      customer_funktion: textField(200),
      customfield1: textField(200),
      customfield2: textField(200),
      customfield3: textField(200),
      customfield4: textField(200),
      customfield5: textField(200),
      /** URL of the user-groups binary (≤ 200). */
      user_groups_binary_url: textField(200),
      /** Description of the user-groups binary (≤ 50). */
      user_groups_binary_description: textField(50),
      /** 57 user, 58 supervisor, 59 administration, 60 interested party ({@link SSO_CUSTOMER_USER_LEVELS}). */
      customer_user_level: optional(
        choice([57, 58, 59, 60], '57 (user), 58 (supervisor), 59 (administration) or 60 (interested party)'),
      ),
      /** Show the approval portal: 53 yes, 54 no. */
      freigabeportal_zeigen: optional(yesNo()),
      /** Whether the user may edit the delivery address: 0, 1 or 2. */
      delivery_address_editable: optional(choice([0, 1, 2], '0, 1 or 2')),
      /** Landing page after login ({@link SSO_DEST_PAGES}). */
      dest_page: optional(z.enum(SSO_DEST_PAGES, { error: `must be one of ${SSO_DEST_PAGES.join(', ')}` })),
      dest_id: v1.dest_id,
      /** Quantity from the price scale; left out, the shop picks the smallest. */
      quantity: optional(integer(1, Number.MAX_SAFE_INTEGER, 'a positive integer')),
      /** Skip the cart: 53 yes, 54 no. */
      skip_cart: optional(yesNo()),
      /** "Continue shopping" behaviour: 0, 1 or 2. */
      continue_shopping: optional(choice([0, 1, 2], '0, 1 or 2')),
      /** Personalisation data for the landing article. */
      pers_data: textField(2000),
      /** `true`: the shop shows the data it received instead of logging in (to check a setup). */
      test: optional(
        z.pipe(
          z.union([z.literal(true), z.literal(false), z.literal('true')], { error: "must be true or 'true'" }),
          z.transform((value: boolean | 'true'): 'true' | undefined => (value === false ? undefined : 'true')),
        ),
      ),
      /** Language and region, e.g. `de_DE`. */
      lang: optional(
        z.pipe(
          z.string({ error: 'must be a string (a locale such as de_DE)' }),
          z.transform((value: string, ctx) =>
            /^[a-z]{2}_[A-Z]{2}$/.test(value) ? value : issue(ctx, 'locale', 'must be a locale such as de_DE'),
          ),
        ),
      ),
      /** Dynamic lists, JSON. */
      dynamic_lists: optional(jsonText(2000)),
      /** Which parts of the page to show: `view_settings[header]=0` and so on ({@link SSO_VIEW_SETTINGS}). */
      view_settings: optional(
        z.strictObject(
          Object.fromEntries(SSO_VIEW_SETTINGS.map((key) => [key, optional(zeroOne)])) as Record<
            (typeof SSO_VIEW_SETTINGS)[number],
            z.ZodMiniOptional<z.ZodMiniNullable<typeof zeroOne>>
          >,
          { error: `must be an object with some of ${SSO_VIEW_SETTINGS.join(', ')} (each 0 or 1)` },
        ),
      ),
      email_address_for_cost_release: textField(100),
      external_order_number: textField(100),
      /** Where to go back to (≤ 200). */
      return_url: textField(200),
      /** Where to go after login (≤ 200). */
      redirect_url: textField(200),
      /** Shop settings, sent as `settings[name]=value`. */
      settings: optional(
        z.record(
          z.string().check(z.regex(SETTINGS_KEY, { error: 'keys must be 1–64 characters of A-Z a-z 0-9 _ -' })),
          z.union([text(200), z.number(), z.boolean()], { error: 'values must be strings, numbers or booleans' }),
        ),
      ),
      /** Budget settings, JSON. */
      UserBudgetSettings: optional(jsonText(2000)),
    },
    { error: 'must be an object of SSO v2 fields' },
  ),
);

/** SSO v2 fields as a sender writes them (input of {@link ssoFieldsSchema}). */
export type SsoFieldsInput = z.input<typeof ssoFieldsSchema>;
/** Validated, normalised SSO v2 fields (output of {@link ssoFieldsSchema}). */
export type SsoFields = z.output<typeof ssoFieldsSchema>;

/** Names of every field in the vendor's v2 table. */
export const SSO_FIELD_NAMES = Object.keys(ssoFieldsSchema.shape) as ReadonlyArray<keyof SsoFields>;

const FIELD_SCHEMAS = ssoFieldsSchema.shape as unknown as Record<string, z.ZodMiniType>;
const TEXT_LIMITS: Record<string, number> = Object.create(null);
for (const [name, schema] of Object.entries(FIELD_SCHEMAS)) {
  const max = TEXT_MAX.get(schema);
  if (max !== undefined) TEXT_LIMITS[name] = max;
}
// A string with no surrogates at all and at most `max` UTF-16 units has at most `max` code points and
// a UTF-8 form: exactly what text(max) accepts, unchanged. Anything else goes through the schema.
const ANY_SURROGATE = /[\uD800-\uDFFF]/;
const REQUIRED_FIELDS = ['request_time', 'customer_user_name'] as const;
const NESTED_FIELDS = new Set(['view_settings', 'settings']);
const RENAMED_IN_V2: Record<string, string> = {
  valid_to: 'request_time (the time of the call; the shop accepts the link for 500 s)',
  sprache: 'lang (e.g. de_DE)',
  qty: 'quantity',
};

/**
 * @internal Validates `input` field by field with the schemas of {@link ssoFieldsSchema} — the same
 * rules as `ssoFieldsSchema.parse` (strict) or `.loose().parse` — and turns the issues into one
 * PrintLoungeError naming every field and rule. The output keeps the input's order; without a
 * `request_time`, `defaultRequestTime` (when given) is added last.
 */
export function validateSsoFields(
  input: unknown,
  unknownFields: 'reject' | 'keep',
  defaultRequestTime?: string,
): SsoFields & Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new PrintLoungeError('invalid_field', 'SSO fields must be an object.', { rule: 'type' });
  }
  const record = input as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const issues: FieldIssue[] = [];
  const addRequestTime =
    defaultRequestTime !== undefined && (record.request_time === undefined || record.request_time === null);
  for (const field of REQUIRED_FIELDS) {
    if ((record[field] === undefined || record[field] === null) && !(field === 'request_time' && addRequestTime))
      issues.push({ field, rule: 'required', message: 'is required' });
  }
  for (const field of Object.keys(record)) {
    const value = record[field];
    const schema = Object.hasOwn(FIELD_SCHEMAS, field) ? FIELD_SCHEMAS[field] : undefined;
    if (schema === undefined) {
      if (unknownFields === 'keep') out[field] = value;
      else {
        const renamed = Object.hasOwn(RENAMED_IN_V2, field) ? RENAMED_IN_V2[field] : undefined;
        issues.push({
          field,
          rule: 'unknown_field',
          message:
            renamed === undefined
              ? 'is not a Print-Lounge SSO v2 field (misspelt? use encodeSsoData for shop-specific extras)'
              : `is not an SSO v2 field: v2 uses ${renamed}`,
        });
      }
      continue;
    }
    if ((value === undefined || value === null) && (field === 'request_time' || field === 'customer_user_name'))
      continue;
    const max = TEXT_LIMITS[field];
    if (max !== undefined && typeof value === 'string' && value.length <= max && !ANY_SURROGATE.test(value)) {
      out[field] = value;
      continue;
    }
    const result = schema.safeParse(value);
    if (!result.success) {
      const first = result.error.issues[0]!;
      const path = first.path.length > 0 ? `${field}[${first.path.map(String).join('][')}]` : field;
      issues.push(issueOf(path, first));
    } else if (result.data !== undefined && result.data !== null) out[field] = result.data;
  }
  if (issues.length === 0) {
    if (addRequestTime) out.request_time = defaultRequestTime; // made by formatDateAtom: nothing to check
    return out as SsoFields & Record<string, unknown>;
  }
  const first = issues[0]!;
  const missingOnly = issues.every((i) => i.rule === 'required');
  const summary = issues.map((i) => `${i.field} ${i.message}`).join('; ');
  throw new PrintLoungeError(missingOnly ? 'missing_field' : 'invalid_field', `Invalid SSO v2 fields: ${summary}.`, {
    field: first.field,
    rule: first.rule,
    issues,
  });
}

const BRACKETED = /^([^[\]]+)\[([^[\]]*)\]$/;

/**
 * @internal Decoded flat fields (`view_settings[header]` as one key, as `parseStr` returns them) with
 * the bracketed names of the nested v2 fields (`view_settings`, `settings`) gathered into records.
 * Other names stay as they are; a nested field in any other shape is an `invalid_field`.
 */
export function nestSsoFields(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const bracket = name.indexOf('[');
    const base = bracket === -1 ? name : name.slice(0, bracket);
    if (!NESTED_FIELDS.has(base)) {
      setOwn(out, name, value);
      continue;
    }
    const m = BRACKETED.exec(name);
    const existing = out[base];
    if (m === null || m[2] === '' || (existing !== undefined && (typeof existing !== 'object' || existing === null))) {
      throw new PrintLoungeError(
        'invalid_field',
        `Invalid SSO v2 fields: ${base} must be sent as ${base}[name]=value pairs.`,
        {
          field: base,
          rule: 'type',
          issues: [{ field: base, rule: 'type', message: `must be sent as ${base}[name]=value pairs` }],
        },
      );
    }
    const nested = (existing ?? {}) as Record<string, string>;
    setOwn(nested, m[2]!, value);
    out[base] = nested;
  }
  return out;
}

/** `record[key] = value` also for a key like `__proto__`, which plain assignment would not store. */
function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}
