import type { Rijndael } from '@vendorkit/rijndael';
import { base64ToBytes, bytesToBase64 } from './base64.js';
import { PrintLoungeError } from './errors.js';
import { type KeyHandlingOptions, passphraseCipher } from './passphrase.js';
import { httpBuildQuery, parseStr, type QueryFields } from './php-query.js';

const BLOCK = 32;

/** @internal ECB with mcrypt's zero padding (empty input → one zero block) on an ASCII string. */
export function encryptQuery(cipher: Rijndael, query: string): Uint8Array {
  const blocks = Math.max(1, Math.ceil(query.length / BLOCK));
  const work = new Uint8Array(blocks * BLOCK);
  for (let i = 0; i < query.length; i++) work[i] = query.charCodeAt(i); // http_build_query output is ASCII
  for (let off = 0; off < work.length; off += BLOCK) cipher.encryptBlockInto(work, off, work, off);
  return work;
}

/** @internal base64 → PHP urlencode: only `+`, `/` and `=` need escaping. */
export function urlencodeBase64(base64: string): string {
  return base64.replace(/[+/=]/g, (c) => (c === '+' ? '%2B' : c === '/' ? '%2F' : '%3D'));
}

/** @internal The `u_data` for `fields` with an already expanded key. */
export function encodeWithCipher(cipher: Rijndael, fields: QueryFields): string {
  // PHP's trim() is a no-op on base64 output; kept implicit.
  return urlencodeBase64(bytesToBase64(encryptQuery(cipher, httpBuildQuery(fields))));
}

/**
 * Builds a Print-Lounge `u_data` value exactly like the vendor's PHP snippet:
 * `urlencode(trim(base64_encode(mcrypt_encrypt(MCRYPT_RIJNDAEL_256, $passphrase, http_build_query($fields), MCRYPT_MODE_ECB, $iv))))`.
 * Byte-identical to PHP 8 + mcrypt for flat fields (see {@link httpBuildQuery} for the value rules).
 *
 * **No splice guarantee.** ECB without a MAC: a user who gets several such values with text of his own
 * in them can rearrange their 32-byte blocks into one that logs in as someone else. Links for users come
 * from `createAutologinUrl` or a signer, whose aligned layout prevents that (see "Security" in the README).
 *
 * Checks value types only — use `createAutologinUrl` for the vendor's field rules.
 * The result is already URL-encoded: append it to `autologin.php?u_data=` as it is.
 *
 * @throws PrintLoungeError `invalid_key_size` (passphrase not 16/24/32 bytes in strict mode), `invalid_field` (a nested or non-scalar value).
 */
export function encodeAutologinData(
  fields: QueryFields,
  passphrase: string | Uint8Array,
  options: KeyHandlingOptions = {},
): string {
  const cipher = passphraseCipher(passphrase, options.keyHandling);
  try {
    return encodeWithCipher(cipher, fields);
  } finally {
    cipher.wipe();
  }
}

/** @internal Turns a `u_data` value (URL-encoded, plain, or with `+` turned into spaces) into ciphertext bytes. */
export function uDataToCiphertext(uData: unknown): Uint8Array {
  if (typeof uData !== 'string') {
    throw new PrintLoungeError(
      'invalid_u_data',
      `u_data must be a string, got ${uData === null ? 'null' : typeof uData}.`,
    );
  }
  // Not trim(): a leading or trailing '+' may arrive as a space (see below) and must survive.
  let text = uData.replace(/^[\t\n\r\f\v]+|[\t\n\r\f\v]+$/g, '');
  if (text.trim() === '')
    throw new PrintLoungeError(
      'invalid_u_data',
      'u_data is empty (a PHP sender with a passphrase of the wrong length produces exactly that).',
    );
  if (text.length > 1_000_000)
    throw new PrintLoungeError('invalid_u_data', 'u_data is longer than 1,000,000 characters.');
  // The URL-encoded form (PHP writes %2B, %2F, %3D; other encoders may escape more), e.g. from a raw
  // query string — up to three times over, for links that were encoded once too often on the way.
  for (let level = 0; level < 3 && text.includes('%'); level++) {
    text = text.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
  // A '+' read as a space by one URL-decoding too many — unless the spaces are only padding
  // around the value (pasted links), which the whole-block length tells apart.
  const asPlus = base64ToBytes(text.replace(/ /g, '+'));
  const bytes =
    asPlus !== undefined && asPlus.length % BLOCK === 0 ? asPlus : base64ToBytes(text.trim().replace(/ /g, '+'));
  if (bytes === undefined) {
    throw new PrintLoungeError(
      'invalid_u_data',
      'u_data is not base64 (nor URL-encoded base64): it was cut or altered on the way.',
    );
  }
  if (bytes.length === 0 || bytes.length % BLOCK !== 0) {
    throw new PrintLoungeError(
      'invalid_u_data',
      `u_data holds ${bytes.length} bytes, not a whole number of 32-byte Rijndael-256 blocks: it was truncated or altered.`,
    );
  }
  return bytes;
}

// Bytes http_build_query and hand-made query strings use: printable ASCII. Ciphertext decrypted with
// the wrong key is random and fails this with probability ≈ 1 − (95/256)^32 per block.
function isQueryText(bytes: Uint8Array, length: number): boolean {
  for (let i = 0; i < length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

/** @internal Decrypts ciphertext with an expanded key to the query string (trailing zero padding removed). */
export function decryptQuery(cipher: Rijndael, ciphertext: Uint8Array): string {
  const plain = new Uint8Array(ciphertext.length);
  for (let off = 0; off < plain.length; off += BLOCK) cipher.decryptBlockInto(ciphertext, off, plain, off);
  let length = plain.length;
  while (length > 0 && plain[length - 1] === 0) length--;
  if (!isQueryText(plain, length)) {
    throw new PrintLoungeError(
      'invalid_passphrase',
      "u_data did not decrypt to a query string: the passphrase is wrong (check the shop's SSO-Schnittstelle setting and keyHandling) or the data was altered.",
    );
  }
  let query = '';
  for (let i = 0; i < length; i++) query += String.fromCharCode(plain[i]!);
  return query;
}

/** @internal Decrypts ciphertext with an expanded key and parses it like PHP's `parse_str`. */
export function decodeWithCipher(cipher: Rijndael, ciphertext: Uint8Array): Record<string, string> {
  const fields = parseStr(decryptQuery(cipher, ciphertext));
  if (fields === undefined) {
    throw new PrintLoungeError(
      'invalid_u_data',
      'u_data decrypted to a query string whose names or values are not UTF-8.',
    );
  }
  return fields;
}

/**
 * The receiving side of {@link encodeAutologinData}: what the shop's PHP sees after
 * `parse_str(rtrim(mcrypt_decrypt(…), "\0"))`. Accepts the URL-encoded form (`%2B%2F%3D`), plain
 * base64, and base64 whose `+` became spaces. Values are not validated — see `parseAutologinUrl`.
 *
 * Names with brackets (`a[b]`) come back as flat keys, not nested arrays; see {@link parseStr}.
 *
 * @throws PrintLoungeError `invalid_u_data` (not base64, empty, truncated, not UTF-8),
 *   `invalid_passphrase` (wrong passphrase or altered data), `invalid_key_size`.
 */
export function decodeAutologinData(
  uData: string,
  passphrase: string | Uint8Array,
  options: KeyHandlingOptions = {},
): Record<string, string> {
  const cipher = passphraseCipher(passphrase, options.keyHandling);
  try {
    return decodeWithCipher(cipher, uDataToCiphertext(uData));
  } finally {
    cipher.wipe();
  }
}
