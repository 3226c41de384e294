import * as z from 'zod/mini';
import { McParkenError } from './errors.js';
import { detectVendorError } from './vendor-error.js';

/** What this package keeps of a successful `getsession` answer. */
export interface ParsedSession {
  /** The bearer token. */
  accessToken: string;
  /** McParken's `userid` as a string (`"72"`), or undefined when the answer had none. */
  userId?: string;
  /** `token_type`, e.g. `"bearer"`. */
  tokenType?: string;
  /** The token's lifetime in milliseconds, counted from receipt (see {@link tokenLifetimeMs}). */
  lifetimeMs: number;
  /** The vendor's `issued` text, kept for display. */
  issued?: string;
  /** The vendor's `expires` text, kept for display. */
  expires?: string;
}

/** An HTTP answer of the session call, as read from the wire. */
export interface SessionAnswer {
  status: number;
  bodyText: string;
  /** The `Date` response header, if any. */
  dateHeader?: string | null;
}

const scalar = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((value: string | number) => String(value)),
);

/** The documented success shape; unknown fields are ignored. A `zod/mini` schema: `.safeParse`/`.parse` as usual. */
export const sessionResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.optional(scalar),
  token_type: z.optional(z.string()),
  userid: z.optional(scalar),
  issued: z.optional(z.string()),
  expires: z.optional(z.string()),
});

const VENDOR_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parses McParken's time format `"2021-12-26 23:31:55 +01:00"` (also `T` separator, `Z`,
 * `+0100`, fractions) to epoch milliseconds. Without an offset the time is read as UTC.
 * Returns undefined for anything else, including impossible dates like `2021-02-30`.
 */
export function parseVendorTime(text: string): number | undefined {
  const match = VENDOR_TIME.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, fraction ? Number(`0.${fraction}`) * 1000 : 0);
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  return utc - offsetMinutes * 60_000;
}

/** Token lifetimes beyond this (one year) are treated as a malformed answer rather than trusted. */
const MAX_LIFETIME_MS = 366 * 24 * 3600 * 1000;
/** `expires_in` values below this are read as a duration in seconds, not a unix timestamp. */
const TIMESTAMP_THRESHOLD = 100_000_000;

/**
 * How long a token lives, measured only from the server's own clock so a skewed local clock
 * does not matter. In order of preference:
 * 1. `expires − issued` (both vendor times);
 * 2. `expires` (or else `expires_in`, a unix timestamp in a string) minus `issued`
 *    (or else the response's `Date` header);
 * 3. `expires_in` below 10⁸ (1973) is taken as a duration in seconds (OAuth style), in case the API changes.
 * Returns undefined when none applies; the caller then rejects the answer.
 */
export function tokenLifetimeMs(
  fields: { expires_in?: string; issued?: string; expires?: string },
  dateHeader?: string | null,
): number | undefined {
  const issued = fields.issued === undefined ? undefined : parseVendorTime(fields.issued);
  const expires = fields.expires === undefined ? undefined : parseVendorTime(fields.expires);
  if (issued !== undefined && expires !== undefined) return expires - issued;
  const expiresIn =
    fields.expires_in !== undefined && /^\s*\d{1,15}(\.\d+)?\s*$/.test(fields.expires_in)
      ? Number(fields.expires_in)
      : undefined;
  const expiry =
    expires ?? (expiresIn !== undefined && expiresIn >= TIMESTAMP_THRESHOLD ? expiresIn * 1000 : undefined);
  const serverNow = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  const start = issued ?? (Number.isFinite(serverNow) ? serverNow : undefined);
  if (expiry !== undefined && start !== undefined) return expiry - start;
  if (expiresIn !== undefined && expiresIn < TIMESTAMP_THRESHOLD) return expiresIn * 1000;
  return undefined;
}

/**
 * Turns a `getsession` answer into a {@link ParsedSession}, or throws an {@link McParkenError}:
 * the vendor's code when the body holds `errorcode`/`errormessage` (any status), `http_error`
 * for another non-2xx status, `invalid_response` for a body that is not the documented JSON or
 * whose lifetime cannot be worked out or is not positive. `secrets` are redacted from any text
 * copied into the error. Never throws anything else.
 */
export function parseSessionAnswer(
  answer: SessionAnswer,
  context: { url?: string; secrets?: ReadonlyArray<string | undefined>; requestId?: string } = {},
): ParsedSession {
  const { status, bodyText } = answer;
  const base = {
    status,
    ...(context.url === undefined ? {} : { url: context.url }),
    ...(context.requestId === undefined ? {} : { requestId: context.requestId }),
  };
  const vendorError = detectVendorError(bodyText, context.secrets);
  if (vendorError) {
    return throwError(
      McParkenError.fromVendorCode(vendorError.code, {
        ...base,
        ...(vendorError.message === undefined ? {} : { vendorMessage: vendorError.message }),
      }),
    );
  }
  if (status < 200 || status > 299) {
    return throwError(
      new McParkenError(
        'http_error',
        `McParken's session call failed with HTTP ${status} and no McParken error body.`,
        base,
      ),
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(bodyText);
  } catch {
    return throwError(
      new McParkenError('invalid_response', 'McParken answered the session call with a body that is not JSON.', {
        ...base,
        reason: 'body is not JSON',
      }),
    );
  }
  const parsed = sessionResponseSchema.safeParse(json);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    return throwError(
      new McParkenError('invalid_response', `McParken's session answer lacks or mistypes: ${fields}.`, {
        ...base,
        reason: 'unexpected JSON shape',
      }),
    );
  }
  const data = parsed.data;
  const lifetimeMs = tokenLifetimeMs(data, answer.dateHeader);
  if (lifetimeMs === undefined || !Number.isFinite(lifetimeMs) || lifetimeMs <= 0 || lifetimeMs > MAX_LIFETIME_MS) {
    return throwError(
      new McParkenError(
        'invalid_response',
        'McParken returned a token whose lifetime cannot be worked out (issued/expires/expires_in missing, unreadable or not in the future).',
        { ...base, reason: 'bad token lifetime' },
      ),
    );
  }
  const session: ParsedSession = { accessToken: data.access_token, lifetimeMs };
  if (data.userid !== undefined) session.userId = data.userid;
  if (data.token_type !== undefined) session.tokenType = data.token_type;
  if (data.issued !== undefined) session.issued = data.issued;
  if (data.expires !== undefined) session.expires = data.expires;
  return session;
}

function throwError(error: McParkenError): never {
  throw error;
}
