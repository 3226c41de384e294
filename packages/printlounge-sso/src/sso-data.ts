import { base64ToBytes } from './base64.js';
import { PrintLoungeError } from './errors.js';
import { parseStr } from './php-query.js';
import { createSsoCipher, type SsoCipher, type SsoCipherOptions } from './sso-cipher.js';
import { httpBuildNestedQuery, type SsoQueryFields } from './sso-query.js';

/**
 * Builds a Print-Lounge SSO v2 `h` value exactly like PHP:
 * `urlencode(openssl_encrypt(http_build_query($fields), $method, $passphrase, 0, $iv))` with
 * `$iv = substr(hash('sha256', $passphrase), 0, 16)` by default (see `SsoIv` for the other rules).
 * Nested values (`view_settings`, `settings`) are sent as `name[key]=value`, as PHP does.
 *
 * Low level: exactly PHP's pipeline, nothing more. It checks value types only — no field rules (use
 * `createSsoUrl`) — and gives no protection against links spliced or bit-flipped together from other
 * links: the format has no MAC. The result is already URL-encoded: append it to `sso.php?h=` as it is.
 *
 * @throws PrintLoungeError `invalid_key_size` (empty passphrase), `invalid_field` (a value PHP could
 *   not send); ConfigurationError for an unknown `method` or a malformed `iv`.
 */
export function encodeSsoData(
  fields: SsoQueryFields,
  passphrase: string | Uint8Array,
  options: SsoCipherOptions = {},
): string {
  const cipher = createSsoCipher(passphrase, options);
  try {
    return cipher.encryptToH(httpBuildNestedQuery(fields));
  } finally {
    cipher.wipe();
  }
}

// Printable ASCII only (checked before use): any single-byte decoder reads it the same.
const ascii = new TextDecoder('latin1');

/** @internal An `h` value (URL-encoded, plain, or with `+` turned into spaces) as ciphertext bytes. */
export function hToCiphertext(h: unknown): Uint8Array {
  if (typeof h !== 'string') {
    throw new PrintLoungeError('invalid_h', `h must be a string, got ${h === null ? 'null' : typeof h}.`);
  }
  // Not trim(): a space here is a '+' that one URL-decoding too many turned into a space, even at the ends.
  let text = h.replace(/^[\t\n\r]+|[\t\n\r]+$/g, '');
  if (text === '') throw new PrintLoungeError('invalid_h', 'h is empty.');
  if (text.length > 1_000_000) throw new PrintLoungeError('invalid_h', 'h is longer than 1,000,000 characters.');
  // The URL-encoded form (PHP writes %2B, %2F, %3D), up to three times over for links encoded too often.
  for (let level = 0; level < 3 && text.includes('%'); level++) {
    text = text.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  // A '+' read as a space by one URL-decoding too many.
  text = text.replace(/ /g, '+');
  const bytes = base64ToBytes(text);
  if (bytes === undefined) {
    throw new PrintLoungeError(
      'invalid_h',
      'h is not base64 (nor URL-encoded base64): it was cut or altered on the way.',
    );
  }
  if (bytes.length === 0 || bytes.length % 16 !== 0) {
    throw new PrintLoungeError(
      'invalid_h',
      `h holds ${bytes.length} bytes, not a whole number of 16-byte AES blocks: it was truncated or altered.`,
    );
  }
  return bytes;
}

/** @internal Decrypts `h` with a built cipher to the query string (printable ASCII, checked). */
export function decryptSsoQuery(cipher: SsoCipher, h: unknown): string {
  const plain = cipher.decrypt(hToCiphertext(h));
  // http_build_query writes printable ASCII only; the wrong key passes the padding check now and then
  // (about 1 in 256) but then yields random bytes.
  for (let i = 0; i < plain.length; i++) {
    const b = plain[i]!;
    if (b < 0x20 || b > 0x7e) {
      plain.fill(0);
      throw new PrintLoungeError(
        'invalid_passphrase',
        `h did not decrypt to a query string: the passphrase, method (${cipher.method}) or IV rule differs from the shop's, or the data was altered.`,
      );
    }
  }
  const query = ascii.decode(plain);
  plain.fill(0);
  return query;
}

/** @internal Decrypts `h` with a built cipher and parses it like PHP's `parse_str` (flat names). */
export function decryptSsoData(cipher: SsoCipher, h: unknown): Record<string, string> {
  const fields = parseStr(decryptSsoQuery(cipher, h));
  if (fields === undefined) {
    throw new PrintLoungeError('invalid_h', 'h decrypted to a query string whose names or values are not UTF-8.');
  }
  return fields;
}

/**
 * The receiving side of {@link encodeSsoData}: what the shop's PHP sees after
 * `parse_str(openssl_decrypt($h, $method, $passphrase, 0, $iv))`. Accepts the URL-encoded form
 * (`%2B%2F%3D`), plain base64, and base64 whose `+` became spaces. Values are not validated — see
 * `parseSsoUrl`. Names with brackets (`view_settings[header]`) come back as flat keys; where PHP would
 * let an array replace a scalar of the same name (`a=1&a[b]=2`, also after parse_str's rewriting of
 * ` a` to `a`), both keys appear here.
 *
 * @throws PrintLoungeError `invalid_h` (not base64, empty, truncated, not UTF-8), `invalid_passphrase`
 *   (wrong passphrase, method or IV rule, or altered data), `invalid_key_size`; ConfigurationError for
 *   an unknown `method` or a malformed `iv`.
 */
export function decodeSsoData(
  h: string,
  passphrase: string | Uint8Array,
  options: SsoCipherOptions = {},
): Record<string, string> {
  const cipher = createSsoCipher(passphrase, options);
  try {
    return decryptSsoData(cipher, h);
  } finally {
    cipher.wipe();
  }
}
