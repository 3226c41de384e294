import type { BlockEngine } from './engine.js';

/**
 * Modes with libmcrypt's meanings: `ecb`, `cbc`; `cfb` and `ofb` with 8-bit feedback (one
 * block encryption per byte, as mcrypt does); `ncfb` and `nofb` with full-block feedback;
 * `ctr` with the IV as a big-endian counter incremented per block (libmcrypt's ctr.c).
 * The last five are stream modes: any length, no padding needed.
 */
export type Mode = 'ecb' | 'cbc' | 'cfb' | 'ofb' | 'ncfb' | 'nofb' | 'ctr';

/** Every supported mode, in mcrypt's order. */
export const MODES: readonly Mode[] = ['ecb', 'cbc', 'cfb', 'ofb', 'ncfb', 'nofb', 'ctr'];

/** True for modes that work on whole blocks only (data must be a block multiple). */
export function isBlockMode(mode: Mode): boolean {
  return mode === 'ecb' || mode === 'cbc';
}

/**
 * Runs `mode` over `data` in place (`data` is a private, already padded copy).
 * `iv` is a private copy too (the modes consume it as their register).
 */
export function runMode(
  engine: BlockEngine,
  blockSize: number,
  mode: Mode,
  direction: 'encrypt' | 'decrypt',
  data: Uint8Array,
  iv: Uint8Array,
): void {
  const encrypting = direction === 'encrypt';
  const length = data.length;
  switch (mode) {
    case 'ecb':
      if (encrypting) engine.encryptEcb(data, data, length);
      else engine.decryptEcb(data, data, length);
      return;
    case 'cbc':
      if (encrypting) engine.encryptCbc(data, data, length, iv);
      else engine.decryptCbc(data, data, length, iv);
      return;
    case 'cfb':
    case 'ofb': {
      const keystream = new Uint8Array(blockSize);
      const last = blockSize - 1;
      for (let i = 0; i < length; i++) {
        engine.encryptBlock(iv, 0, keystream, 0);
        const input = data[i]!;
        const output = input ^ keystream[0]!;
        data[i] = output;
        iv.copyWithin(0, 1);
        iv[last] = mode === 'ofb' ? keystream[0]! : encrypting ? output : input;
      }
      keystream.fill(0);
      return;
    }
    case 'ncfb': {
      const keystream = new Uint8Array(blockSize);
      for (let o = 0; o < length; o += blockSize) {
        engine.encryptBlock(iv, 0, keystream, 0);
        const end = Math.min(blockSize, length - o);
        for (let j = 0; j < end; j++) {
          const input = data[o + j]!;
          const output = input ^ keystream[j]!;
          data[o + j] = output;
          iv[j] = encrypting ? output : input;
        }
      }
      keystream.fill(0);
      return;
    }
    case 'nofb': {
      for (let o = 0; o < length; o += blockSize) {
        engine.encryptBlock(iv, 0, iv, 0);
        const end = Math.min(blockSize, length - o);
        for (let j = 0; j < end; j++) data[o + j]! ^= iv[j]!;
      }
      return;
    }
    case 'ctr': {
      const keystream = new Uint8Array(blockSize);
      for (let o = 0; o < length; o += blockSize) {
        engine.encryptBlock(iv, 0, keystream, 0);
        const end = Math.min(blockSize, length - o);
        for (let j = 0; j < end; j++) data[o + j]! ^= keystream[j]!;
        for (let k = blockSize - 1; k >= 0; k--) {
          iv[k] = (iv[k]! + 1) & 0xff;
          if (iv[k] !== 0) break;
        }
      }
      keystream.fill(0);
      return;
    }
  }
}
