import { ConfigurationError } from '@vendorkit/core';
import { decrypt, isRijndaelError, Rijndael } from '@vendorkit/rijndael';
import { PrintLoungeError } from './errors.js';
import { sha256Hex } from './sha256.js';

/** The encryption methods a Print-Lounge shop offers for SSO v2 (shop admin → SSO-Schnittstelle → Verschlüsselungsverfahren). */
export type SsoMethod = 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

/** Every {@link SsoMethod}, smallest key first. */
export const SSO_METHODS: readonly SsoMethod[] = ['aes-128-cbc', 'aes-192-cbc', 'aes-256-cbc'];

/**
 * How the shop makes the CBC IV. Unconfirmed by the vendor (VENDORS.md [G]); two public variants:
 * - `'passphrase'` (default; the 2026 PHP module for `sso.php`): `substr(hash('sha256', $passphrase), 0, 16)`,
 *   the 16 ASCII hex characters themselves as the IV bytes;
 * - `'method'` (the vendor's admin back-end example): the same over the method name, e.g. `'aes-256-cbc'`;
 * - or the 16 IV bytes themselves, for a shop that uses something else.
 */
export type SsoIv = 'passphrase' | 'method' | Uint8Array;

/** Method and IV rule of a shop; both must match the shop's settings. */
export interface SsoCipherOptions {
  /** Default `'aes-256-cbc'`. */
  method?: SsoMethod;
  /** Default `'passphrase'`; see {@link SsoIv}. */
  iv?: SsoIv;
}

const KEY_BYTES: Record<SsoMethod, number> = { 'aes-128-cbc': 16, 'aes-192-cbc': 24, 'aes-256-cbc': 32 };
const encoder = new TextEncoder();

/** @internal The method, or a ConfigurationError listing the valid ones. */
export function ssoMethod(method: unknown): SsoMethod {
  const value = method ?? 'aes-256-cbc';
  if (typeof value === 'string' && Object.hasOwn(KEY_BYTES, value)) return value as SsoMethod;
  throw new ConfigurationError(
    `method must be one of ${SSO_METHODS.join(', ')} (as set in the shop's SSO-Schnittstelle), got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 30)) : typeof value}.`,
  );
}

function passphraseBytes(passphrase: unknown): Uint8Array {
  let bytes: Uint8Array;
  if (typeof passphrase === 'string') bytes = encoder.encode(passphrase);
  else if (passphrase instanceof Uint8Array) bytes = passphrase.slice();
  else throw new PrintLoungeError('invalid_key_size', 'The passphrase must be a string (UTF-8) or a Uint8Array.');
  if (bytes.length === 0) {
    throw new PrintLoungeError(
      'invalid_key_size',
      'The passphrase is empty: copy it from the shop admin (Shops → SSO-Schnittstelle).',
    );
  }
  return bytes;
}

/** The first 16 hex digits of SHA-256(`text`) as 16 ASCII bytes, like PHP's `substr(hash('sha256', $text), 0, 16)`. */
function hexDigestIv(text: Uint8Array): Uint8Array {
  return encoder.encode(sha256Hex(text).slice(0, 16));
}

function ivBytes(iv: unknown, method: SsoMethod, passphrase: Uint8Array): Uint8Array {
  const rule = iv ?? 'passphrase';
  if (rule === 'passphrase') return hexDigestIv(passphrase);
  if (rule === 'method') return hexDigestIv(encoder.encode(method));
  if (rule instanceof Uint8Array) {
    if (rule.length === 16) return rule.slice();
    throw new ConfigurationError(`iv must be 16 bytes (one AES block), got ${rule.length} bytes.`);
  }
  throw new ConfigurationError(
    "iv must be 'passphrase' (SHA-256 of the passphrase, the default), 'method' (SHA-256 of the method name) or a Uint8Array of 16 bytes.",
  );
}

/**
 * @internal AES-CBC with PKCS#7 padding under one shop's passphrase, method and IV rule — exactly
 * `urlencode(openssl_encrypt($data, $method, $passphrase, 0, $iv))` and its `openssl_decrypt`.
 * The key is the passphrase's UTF-8 bytes NUL-padded or cut to the method's key size, as PHP does.
 */
export interface SsoCipher {
  readonly method: SsoMethod;
  /** The `h` value for `payload` (an ASCII query string): URL-encoded base64 of the ciphertext. */
  encryptToH(payload: string): string;
  /** Plaintext of `ciphertext`; `invalid_passphrase` when the padding does not check out. */
  decrypt(ciphertext: Uint8Array): Uint8Array;
  /** Zeroes the expanded key, the IV and the work buffer; later calls throw. */
  wipe(): void;
}

const BASE64_DIGITS = Uint8Array.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', (c) =>
  c.charCodeAt(0),
);
// The output is ASCII, so any single-byte decoder gives the same string; one decode beats ~100 concatenations.
const ascii = new TextDecoder('latin1');

/** Writes base64 digit `digit` through PHP's urlencode ('+' → %2B, '/' → %2F) at `out[at]`; the next free index. */
function putDigit(out: Uint8Array, at: number, digit: number): number {
  if (digit < 62) {
    out[at] = BASE64_DIGITS[digit]!;
    return at + 1;
  }
  out[at] = 0x25; // %
  out[at + 1] = 0x32; // 2
  out[at + 2] = digit === 62 ? 0x42 : 0x46; // B or F
  return at + 3;
}

/** PHP's `urlencode(base64_encode($bytes))` of `bytes[0..length)`, written into `out` (big enough) and read back once. */
function urlencodedBase64(bytes: Uint8Array, length: number, out: Uint8Array): string {
  let at = 0;
  const whole = length - (length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    at = putDigit(out, at, n >>> 18);
    at = putDigit(out, at, (n >> 12) & 63);
    at = putDigit(out, at, (n >> 6) & 63);
    at = putDigit(out, at, n & 63);
  }
  if (length > whole) {
    const n = (bytes[whole]! << 16) | (length - whole === 2 ? bytes[whole + 1]! << 8 : 0);
    at = putDigit(out, at, n >>> 18);
    at = putDigit(out, at, (n >> 12) & 63);
    if (length - whole === 2) at = putDigit(out, at, (n >> 6) & 63);
    for (let pad = length - whole; pad < 3; pad++) {
      out[at++] = 0x25; // %3D: '='
      out[at++] = 0x33;
      out[at++] = 0x44;
    }
  }
  return ascii.decode(out.subarray(0, at));
}

/**
 * @internal The {@link SsoCipher} for a shop. Throws PrintLoungeError `invalid_key_size` for an empty
 * passphrase and ConfigurationError for an unknown method or a malformed IV.
 */
export function createSsoCipher(passphrase: string | Uint8Array, options: SsoCipherOptions = {}): SsoCipher {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('SSO options must be an object: { method?, iv? }.');
  }
  const method = ssoMethod(options.method);
  const bytes = passphraseBytes(passphrase);
  let cipher: Rijndael;
  let iv: Uint8Array;
  const key = new Uint8Array(KEY_BYTES[method]);
  try {
    iv = ivBytes(options.iv, method, bytes);
    key.set(bytes.subarray(0, key.length)); // NUL-padded when shorter, cut when longer (openssl_encrypt)
    cipher = new Rijndael(key, 128); // a 128-bit block: AES
  } finally {
    key.fill(0);
    bytes.fill(0);
  }
  const settings = { blockBits: 128, mode: 'cbc', iv, padding: 'pkcs7' } as const;
  // Plaintext goes in, is encrypted in place block by block, and only ciphertext stays behind;
  // `text` receives the URL-encoded base64: at most 4 characters per byte, plus padding.
  let work = new Uint8Array(0); // grown to the largest payload so far
  let text = new Uint8Array(0);
  return {
    method,
    encryptToH(payload) {
      const n = payload.length;
      const total = (n & ~15) + 16; // PKCS#7 always adds 1..16 bytes
      if (work.length < total) {
        work = new Uint8Array(Math.max(total, work.length * 2));
        text = new Uint8Array(work.length * 4 + 16);
      }
      let high = 0;
      for (let i = 0; i < n; i++) {
        const c = payload.charCodeAt(i);
        high |= c;
        work[i] = c;
      }
      if (high > 0x7f) {
        work.fill(0, 0, n);
        throw new PrintLoungeError(
          'invalid_field',
          'An SSO payload must be ASCII (a query string as http_build_query writes it).',
        );
      }
      work.fill(total - n, n, total);
      for (let i = 0; i < 16; i++) work[i]! ^= iv[i]!;
      cipher.encryptBlockInto(work, 0, work, 0);
      for (let o = 16; o < total; o += 16) {
        for (let i = o; i < o + 16; i++) work[i]! ^= work[i - 16]!;
        cipher.encryptBlockInto(work, o, work, o);
      }
      return urlencodedBase64(work, total, text);
    },
    decrypt(ciphertext) {
      try {
        return decrypt(ciphertext, cipher, settings);
      } catch (error) {
        if (isRijndaelError(error, 'invalid_padding') || isRijndaelError(error, 'invalid_data_length')) {
          throw new PrintLoungeError(
            'invalid_passphrase',
            `h did not decrypt (bad padding): the passphrase, method (${method}) or IV rule differs from the shop's, or the data was altered.`,
          );
        }
        throw error;
      }
    },
    wipe() {
      cipher.wipe();
      iv.fill(0);
      work.fill(0);
      text.fill(0);
    },
  };
}
