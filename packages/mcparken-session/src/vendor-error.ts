import { redactSecrets } from '@vendorkit/core';

/** A McParken error body (`{"errormessage": …, "errorcode": …}`) found in an answer. */
export interface VendorErrorBody {
  /** `errorcode` as a string, exactly as written (`403.0` stays `"403.0"`), or `'unknown'` if absent. */
  code: string;
  /** `errormessage`, secrets redacted, at most 200 characters; undefined when absent. */
  message?: string;
}

const MAX_CODE_LENGTH = 32;
const MAX_MESSAGE_LENGTH = 200;

/**
 * Looks for McParken's error fields in a response body, whatever the HTTP status: the vendor
 * sends `errormessage`/`errorcode` only on errors, sometimes with status 200.
 *
 * Returns undefined for anything that is not a JSON object with one of those fields. A numeric
 * `errorcode` is read from the raw text so `403.0` is not turned into `403`. The message is run
 * through `redactSecrets(…, secrets)` and shortened; the code too, in case a server echoes input.
 * Never throws.
 */
export function detectVendorError(
  bodyText: string,
  secrets: ReadonlyArray<string | undefined> = [],
): VendorErrorBody | undefined {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const record = body as Record<string, unknown>;
  const rawCode = record.errorcode;
  const rawMessage = record.errormessage;
  const hasCode = typeof rawCode === 'string' || (typeof rawCode === 'number' && Number.isFinite(rawCode));
  const hasMessage = typeof rawMessage === 'string';
  if (!hasCode && !hasMessage) return undefined;

  let code = 'unknown';
  if (typeof rawCode === 'number' && Number.isFinite(rawCode)) code = numericLiteral(bodyText, rawCode);
  else if (typeof rawCode === 'string' && rawCode.trim() !== '') code = rawCode.trim();
  code = clean(redactSecrets(code, secrets), MAX_CODE_LENGTH);

  const result: VendorErrorBody = { code };
  if (hasMessage) result.message = clean(redactSecrets(rawMessage as string, secrets), MAX_MESSAGE_LENGTH);
  return result;
}

/** True when `error` is McParken's expired-token answer (`errorcode` 401). */
export function isExpiredTokenError(error: VendorErrorBody | undefined): boolean {
  return error !== undefined && (error.code === '401' || error.code === '401.0');
}

/** The literal a JSON number was written as (`403.0`), when the raw text holds one that parses to `value`. */
function numericLiteral(text: string, value: number): string {
  const pattern = /"errorcode"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;
  for (const match of text.matchAll(pattern)) {
    const literal = match[1]!;
    if (Number(literal) === value && !/[eE]/.test(literal)) return literal;
  }
  return String(value);
}

/** Removes control characters and cuts to `max` characters, so hostile bodies cannot flood messages or logs. */
function clean(text: string, max: number): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  const printable = text.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return printable.length > max ? `${printable.slice(0, max - 1)}…` : printable;
}
