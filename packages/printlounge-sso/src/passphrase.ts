import { Rijndael } from '@vendorkit/rijndael';
import { PrintLoungeError } from './errors.js';

/**
 * How a passphrase of the wrong length is treated, like mcrypt in the shop's PHP version:
 * `'strict'` (default, PHP ≥ 5.6): only 16, 24 or 32 bytes, otherwise `invalid_key_size`
 * (PHP itself returns `false` there, which ends up as an empty `u_data`).
 * `'legacy'` (PHP < 5.6): zero-padded to the next of 16/24/32 bytes, cut to 32 above that.
 */
export type KeyHandling = 'strict' | 'legacy';

/** Options shared by the encode/decode functions. */
export interface KeyHandlingOptions {
  /** Default `'strict'`; see {@link KeyHandling}. */
  keyHandling?: KeyHandling;
}

const encoder = new TextEncoder();

/** @internal The mcrypt key bytes for `passphrase` (UTF-8), or a typed error that never shows the passphrase. */
export function passphraseKey(passphrase: string | Uint8Array, keyHandling: KeyHandling | undefined): Uint8Array {
  const handling = keyHandling ?? 'strict';
  if (handling !== 'strict' && handling !== 'legacy') {
    throw new PrintLoungeError('invalid_key_size', "Option keyHandling must be 'strict' or 'legacy'.");
  }
  let bytes: Uint8Array;
  if (typeof passphrase === 'string') bytes = encoder.encode(passphrase);
  else if (passphrase instanceof Uint8Array) bytes = passphrase;
  else throw new PrintLoungeError('invalid_key_size', 'The passphrase must be a string (UTF-8) or a Uint8Array.');
  const n = bytes.length;
  if (n === 0) {
    throw new PrintLoungeError(
      'invalid_key_size',
      'The passphrase is empty: copy it from the shop admin (Verwaltung → Kunden → bearbeiten → SSO-Schnittstelle).',
    );
  }
  if (n === 16 || n === 24 || n === 32) return bytes;
  if (handling === 'strict') {
    throw new PrintLoungeError(
      'invalid_key_size',
      `The passphrase is ${n} bytes long (UTF-8), but mcrypt's Rijndael-256 takes only 16, 24 or 32 bytes. ` +
        'On PHP ≥ 5.6 mcrypt_encrypt returns false for such a key, so the PHP original silently produces an empty u_data. ' +
        "If the shop runs PHP < 5.6 (which zero-padded short keys and cut long ones to 32 bytes), pass keyHandling: 'legacy'; " +
        'otherwise set a passphrase of exactly 16, 24 or 32 bytes in the shop admin and here.',
    );
  }
  const size = n < 16 ? 16 : n < 24 ? 24 : 32;
  const key = new Uint8Array(size);
  key.set(bytes.subarray(0, size));
  return key;
}

/** @internal An expanded Rijndael-256 key for `passphrase`. */
export function passphraseCipher(passphrase: string | Uint8Array, keyHandling: KeyHandling | undefined): Rijndael {
  const key = passphraseKey(passphrase, keyHandling);
  try {
    return new Rijndael(key, 256); // copies the key
  } finally {
    if (key !== passphrase) key.fill(0); // our own copy (UTF-8 bytes or the padded legacy key)
  }
}
