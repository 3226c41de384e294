import { toBytes } from './bytes.js';
import { assertMode, checkedIv } from './cipher-options.js';
import { RijndaelError } from './errors.js';
import { isBlockMode, type Mode, runMode } from './modes.js';
import { PADDINGS, type Padding, pad, unpad } from './padding.js';
import { assertBlockBits, type BlockBits, engineOf, Rijndael, type RijndaelEngine } from './rijndael.js';

/** Options for {@link encrypt} and {@link decrypt}. */
export interface EncryptOptions {
  /** Block size in bits; default 256. */
  blockBits?: BlockBits;
  /**
   * Default `'ecb'` because that is what mcrypt-era systems used and what this package exists
   * to interoperate with. ECB leaks patterns (equal blocks give equal ciphertext): never choose
   * it for a new design — and for new designs prefer AES-GCM from WebCrypto over any of these.
   */
  mode?: Mode;
  /** One block (`blockBits / 8` bytes); required by every mode but ECB, and refused by ECB. */
  iv?: Uint8Array;
  /**
   * Default `'zero'` for `ecb`/`cbc` (mcrypt's; decrypt then strips trailing zero bytes, so
   * data that ends in 0x00 does not round-trip — use `'pkcs7'`), `'none'` for stream modes.
   */
  padding?: Padding;
  /** Engine choice, see {@link RijndaelOptions}. */
  engine?: RijndaelEngine;
}

/** A cipher object or raw key bytes (16/20/24/28/32) or a UTF-8 string key. */
export type KeyInput = Uint8Array | string | Rijndael;

interface Resolved {
  cipher: Rijndael;
  owned: boolean;
  mode: Mode;
  padding: Padding;
  iv: Uint8Array;
}

function resolve(key: KeyInput, options: EncryptOptions): Resolved {
  if (typeof options !== 'object' || options === null) {
    throw new RijndaelError('invalid_argument', 'Options must be an object.');
  }
  const mode = options.mode ?? 'ecb';
  assertMode(mode);
  const padding = options.padding ?? (isBlockMode(mode) ? 'zero' : 'none');
  if (!PADDINGS.includes(padding)) {
    throw new RijndaelError('invalid_padding', `Padding must be one of ${PADDINGS.join(', ')}.`);
  }
  let cipher: Rijndael;
  let owned = false;
  if (key instanceof Rijndael) {
    if (options.blockBits !== undefined && options.blockBits !== key.blockBits) {
      throw new RijndaelError(
        'invalid_block_size',
        `blockBits ${options.blockBits} does not match the given Rijndael object (${key.blockBits}).`,
      );
    }
    cipher = key;
  } else {
    const blockBits = options.blockBits ?? 256;
    assertBlockBits(blockBits);
    const keyBytes = toBytes(key, 'key');
    try {
      cipher = new Rijndael(keyBytes, blockBits, options.engine ? { engine: options.engine } : {});
    } finally {
      if (keyBytes !== key) keyBytes.fill(0); // our UTF-8 copy of a string key
    }
    owned = true;
  }
  if (mode === 'ecb' && options.iv !== undefined) {
    if (owned) cipher.wipe();
    throw new RijndaelError('invalid_iv', "An IV was given but mode 'ecb' uses none; did you mean mode: 'cbc'?");
  }
  let iv: Uint8Array;
  try {
    iv = checkedIv(options.iv, mode, cipher.blockSize, `Rijndael-${cipher.blockBits}`);
  } catch (error) {
    if (owned) cipher.wipe();
    throw error;
  }
  return { cipher, owned, mode, padding, iv };
}

/**
 * Encrypts `data` (UTF-8 if a string) with Rijndael in the given mode and padding; returns
 * new bytes. Key: 16/20/24/28/32 bytes (a string is UTF-8 encoded) or a {@link Rijndael}
 * object to reuse an expanded key. Not authenticated: pair with a MAC if tampering matters.
 * For PHP `mcrypt_encrypt` semantics use {@link mcryptEncrypt}.
 */
export function encrypt(data: string | Uint8Array, key: KeyInput, options: EncryptOptions = {}): Uint8Array {
  const bytes = toBytes(data, 'data');
  const { cipher, owned, mode, padding, iv } = resolve(key, options);
  try {
    const size = cipher.blockSize;
    if (padding === 'none' && isBlockMode(mode) && bytes.length % size !== 0) {
      throw new RijndaelError(
        'invalid_data_length',
        `With padding 'none', mode '${mode}' needs a multiple of ${size} bytes, got ${bytes.length}.`,
      );
    }
    const work = padding === 'none' ? bytes.slice() : pad(bytes, size, padding);
    runMode(engineOf(cipher), size, mode, 'encrypt', work, iv);
    return work;
  } finally {
    iv.fill(0);
    if (owned) cipher.wipe();
  }
}

/**
 * Reverses {@link encrypt} with the same key and options; removes the padding (`zero`:
 * trailing zero bytes; `pkcs7`: checked, else `invalid_padding`).
 */
export function decrypt(data: Uint8Array, key: KeyInput, options: EncryptOptions = {}): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new RijndaelError('invalid_argument', `Ciphertext must be a Uint8Array, got ${typeof data}.`);
  }
  const { cipher, owned, mode, padding, iv } = resolve(key, options);
  try {
    const size = cipher.blockSize;
    const blockAligned = isBlockMode(mode) || padding !== 'none';
    if (blockAligned && data.length % size !== 0) {
      throw new RijndaelError(
        'invalid_data_length',
        `Ciphertext for mode '${mode}' with padding '${padding}' must be a multiple of ${size} bytes, got ${data.length}.`,
      );
    }
    if (padding === 'pkcs7' && data.length === 0) {
      throw new RijndaelError('invalid_data_length', 'PKCS#7-padded ciphertext cannot be empty.');
    }
    const work = data.slice();
    runMode(engineOf(cipher), size, mode, 'decrypt', work, iv);
    const plain = unpad(work, size, padding).slice();
    work.fill(0);
    return plain;
  } finally {
    iv.fill(0);
    if (owned) cipher.wipe();
  }
}
