import { toBytes } from './bytes.js';
import { assertMode, checkedIv } from './cipher-options.js';
import { RijndaelError } from './errors.js';
import { isBlockMode, type Mode, runMode } from './modes.js';
import { type BlockBits, engineOf, Rijndael, type RijndaelEngine } from './rijndael.js';

/** mcrypt's Rijndael cipher names (PHP's `MCRYPT_RIJNDAEL_128/192/256` constants). */
export type McryptCipher = 'rijndael-128' | 'rijndael-192' | 'rijndael-256';

/**
 * `'strict'`: PHP ≥ 5.6 — the key must be 16, 24 or 32 bytes (PHP returns false otherwise;
 * here a `RijndaelError` `invalid_key_size`). `'legacy'`: PHP < 5.6 — a shorter key is
 * zero-padded to the next of 16/24/32 bytes, a longer one cut to 32.
 */
export type McryptKeyHandling = 'strict' | 'legacy';

/** Options for {@link mcryptEncrypt} and {@link mcryptDecrypt}. */
export interface McryptOptions {
  /** Default `'strict'`. */
  keyHandling?: McryptKeyHandling;
  /** Engine choice, see {@link RijndaelOptions}. */
  engine?: RijndaelEngine;
}

const CIPHER_BITS: Record<McryptCipher, BlockBits> = { 'rijndael-128': 128, 'rijndael-192': 192, 'rijndael-256': 256 };

function mcryptKey(key: Uint8Array, keyHandling: McryptKeyHandling): Uint8Array {
  if (keyHandling === 'strict') {
    if (key.length === 16 || key.length === 24 || key.length === 32) return key;
    throw new RijndaelError(
      'invalid_key_size',
      `Key of ${key.length} bytes not supported: mcrypt's Rijndael takes only keys of 16, 24 or 32 bytes (PHP ≥ 5.6 returns false here). Use a key of one of those sizes, or keyHandling: 'legacy' for PHP < 5.6's zero padding.`,
    );
  }
  if (keyHandling !== 'legacy') {
    throw new RijndaelError('invalid_argument', "Option 'keyHandling' must be 'strict' or 'legacy'.");
  }
  const size = key.length <= 16 ? 16 : key.length <= 24 ? 24 : 32;
  const out = new Uint8Array(size);
  out.set(key.subarray(0, size));
  return out;
}

function run(
  direction: 'encrypt' | 'decrypt',
  cipherName: McryptCipher,
  key: string | Uint8Array,
  data: string | Uint8Array,
  mode: Mode,
  iv: Uint8Array | undefined,
  options: McryptOptions,
): Uint8Array {
  const blockBits =
    typeof cipherName === 'string' && Object.hasOwn(CIPHER_BITS, cipherName) ? CIPHER_BITS[cipherName] : undefined;
  if (blockBits === undefined) {
    throw new RijndaelError(
      'invalid_block_size',
      "Cipher must be 'rijndael-128', 'rijndael-192' or 'rijndael-256' (mcrypt has no 160/224-bit Rijndael).",
    );
  }
  assertMode(mode);
  if (typeof options !== 'object' || options === null) {
    throw new RijndaelError('invalid_argument', 'Options must be an object.');
  }
  const keyBytes = mcryptKey(toBytes(key, 'key'), options.keyHandling ?? 'strict');
  const bytes = toBytes(data, 'data');
  const size = blockBits >> 3;
  // PHP checks the IV after the key; ECB ignores it whatever it is.
  const register = checkedIv(iv, mode, size, cipherName);
  // Block modes zero-pad (both directions, as PHP does); empty input becomes one zero block.
  const length = isBlockMode(mode) ? Math.max(1, Math.ceil(bytes.length / size)) * size : bytes.length;
  const work = new Uint8Array(length);
  work.set(bytes);
  const cipher = new Rijndael(keyBytes, blockBits, options.engine ? { engine: options.engine } : {});
  try {
    runMode(engineOf(cipher), size, mode, direction, work, register);
  } finally {
    cipher.wipe();
    register.fill(0);
    if (keyBytes !== key) keyBytes.fill(0);
  }
  return work;
}

/**
 * PHP's `mcrypt_encrypt($cipher, $key, $data, $mode, $iv)` byte for byte, for the three
 * Rijndael ciphers and all seven modes. Strings are UTF-8. `ecb`/`cbc` zero-pad the data to
 * a block multiple (empty data → one block of zeros); the stream modes (`cfb`, `ofb`,
 * `ncfb`, `nofb`, `ctr`) return as many bytes as given. ECB ignores `iv`; the other modes
 * need exactly one block of IV. Where PHP returns `false` (bad key or IV size) this throws a
 * `RijndaelError`. ECB and zero padding are here for compatibility only.
 */
export function mcryptEncrypt(
  cipher: McryptCipher,
  key: string | Uint8Array,
  data: string | Uint8Array,
  mode: Mode,
  iv?: Uint8Array,
  options: McryptOptions = {},
): Uint8Array {
  return run('encrypt', cipher, key, data, mode, iv, options);
}

/**
 * PHP's `mcrypt_decrypt(...)` byte for byte: the zero padding is kept (as PHP keeps it; trim
 * trailing `\0` yourself if the plaintext cannot end in zero bytes). Like PHP, ciphertext of
 * the wrong length in `ecb`/`cbc` is zero-padded to a block multiple rather than refused.
 */
export function mcryptDecrypt(
  cipher: McryptCipher,
  key: string | Uint8Array,
  data: string | Uint8Array,
  mode: Mode,
  iv?: Uint8Array,
  options: McryptOptions = {},
): Uint8Array {
  return run('decrypt', cipher, key, data, mode, iv, options);
}
