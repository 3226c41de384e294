import type { BlockEngine } from './engine.js';
import { RijndaelError } from './errors.js';
import { JsBlockEngine } from './js-engine.js';
import { expandKey } from './key-schedule.js';
import { createWasmEngine } from './wasm-engine.js';

/** Block sizes Rijndael defines, in bits. */
export type BlockBits = 128 | 160 | 192 | 224 | 256;

/** Which block engine runs the rounds. */
export type RijndaelEngine = 'auto' | 'wasm' | 'js';

/** Options for {@link Rijndael}. */
export interface RijndaelOptions {
  /**
   * `'auto'` (default): the embedded WebAssembly core when the runtime can compile it
   * synchronously, else plain JS. `'wasm'`: WebAssembly or a `RijndaelError`. `'js'`: plain
   * JS always (e.g. under a Content-Security-Policy without `wasm-unsafe-eval`). All engines
   * produce identical bytes.
   */
  engine?: RijndaelEngine;
}

const BLOCK_BITS: readonly number[] = [128, 160, 192, 224, 256];
const KEY_BYTES: readonly number[] = [16, 20, 24, 28, 32];

/** Engines behind each cipher object, for the mode implementations in this package only. */
const engines = new WeakMap<Rijndael, BlockEngine>();

/** @internal The live engine of `cipher`; throws once the cipher was wiped. */
export function engineOf(cipher: Rijndael): BlockEngine {
  const engine = engines.get(cipher);
  if (!engine) throw new RijndaelError('disposed', 'This Rijndael object was wiped; create a new one with the key.');
  return engine;
}

/** Throws unless `blockBits` is one of 128, 160, 192, 224, 256. */
export function assertBlockBits(blockBits: unknown): asserts blockBits is BlockBits {
  if (typeof blockBits !== 'number' || !BLOCK_BITS.includes(blockBits)) {
    throw new RijndaelError(
      'invalid_block_size',
      `Rijndael block size must be 128, 160, 192, 224 or 256 bits, got ${typeof blockBits === 'number' ? blockBits : typeof blockBits}.`,
    );
  }
}

/**
 * The Rijndael block cipher with any of its five block sizes (128–256 bits) and five key
 * sizes (16, 20, 24, 28, 32 bytes): Nr = max(Nk, Nb) + 6 rounds, ShiftRows offsets as in the
 * Rijndael specification. With a 128-bit block this is AES; with 256 it is mcrypt's
 * `MCRYPT_RIJNDAEL_256` (not AES-256, which is a 256-bit *key* with a 128-bit block).
 *
 * The key is expanded once in the constructor. Block methods only transform single blocks;
 * for modes and padding use {@link encrypt}/{@link decrypt} or {@link mcryptEncrypt}.
 * Call {@link Rijndael.wipe} when done to zero the expanded key.
 */
export class Rijndael {
  /** Block size in bits. */
  readonly blockBits: BlockBits;
  /** Block size in bytes (16..32). */
  readonly blockSize: number;
  /** Key size in bytes. */
  readonly keySize: number;
  /** Number of rounds, max(Nk, Nb) + 6. */
  readonly rounds: number;
  /** The engine actually in use. */
  readonly engine: 'js' | 'wasm';

  /**
   * @param key 16, 20, 24, 28 or 32 bytes; copied, so later changes to the array do not matter.
   * @param blockBits block size in bits, default 256 (mcrypt's `rijndael-256`).
   */
  constructor(key: Uint8Array, blockBits: BlockBits = 256, options: RijndaelOptions = {}) {
    if (!(key instanceof Uint8Array)) {
      throw new RijndaelError('invalid_key_size', 'Rijndael key must be a Uint8Array of 16, 20, 24, 28 or 32 bytes.');
    }
    if (!KEY_BYTES.includes(key.length)) {
      throw new RijndaelError(
        'invalid_key_size',
        `Rijndael key must be 16, 20, 24, 28 or 32 bytes, got ${key.length} bytes.`,
      );
    }
    assertBlockBits(blockBits);
    const engineChoice = options.engine ?? 'auto';
    if (engineChoice !== 'auto' && engineChoice !== 'wasm' && engineChoice !== 'js') {
      throw new RijndaelError('invalid_argument', "Option 'engine' must be 'auto', 'wasm' or 'js'.");
    }
    const nb = blockBits >> 5;
    const schedule = expandKey(key, nb);
    let engine: BlockEngine | undefined;
    if (engineChoice !== 'js') engine = createWasmEngine(schedule);
    if (!engine) {
      if (engineChoice === 'wasm') {
        throw new RijndaelError(
          'invalid_argument',
          "engine: 'wasm' was asked for but WebAssembly is not available here.",
        );
      }
      engine = new JsBlockEngine(schedule);
    }
    engines.set(this, engine);
    this.blockBits = blockBits;
    this.blockSize = nb << 2;
    this.keySize = key.length;
    this.rounds = schedule.rounds;
    this.engine = engine.kind;
  }

  /** Encrypts exactly one block; returns a new array. */
  encryptBlock(block: Uint8Array): Uint8Array {
    this.#checkBlock(block);
    const out = new Uint8Array(this.blockSize);
    engineOf(this).encryptBlock(block, 0, out, 0);
    return out;
  }

  /** Decrypts exactly one block; returns a new array. */
  decryptBlock(block: Uint8Array): Uint8Array {
    this.#checkBlock(block);
    const out = new Uint8Array(this.blockSize);
    engineOf(this).decryptBlock(block, 0, out, 0);
    return out;
  }

  /**
   * Encrypts the block at `src[srcOff..]` into `dst[dstOff..]` without allocating;
   * `src` and `dst` may be the same array (in place).
   */
  encryptBlockInto(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    this.#checkRange(src, srcOff, dst, dstOff);
    engineOf(this).encryptBlock(src, srcOff, dst, dstOff);
  }

  /** Decrypts the block at `src[srcOff..]` into `dst[dstOff..]` without allocating. */
  decryptBlockInto(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    this.#checkRange(src, srcOff, dst, dstOff);
    engineOf(this).decryptBlock(src, srcOff, dst, dstOff);
  }

  /** Zeroes the expanded key material; every later call throws a `RijndaelError` (`disposed`). Idempotent. */
  wipe(): void {
    const engine = engines.get(this);
    if (!engine) return;
    engine.wipe();
    engines.delete(this);
  }

  /** Same as {@link Rijndael.wipe}. */
  dispose(): void {
    this.wipe();
  }

  #checkBlock(block: Uint8Array): void {
    if (!(block instanceof Uint8Array) || block.length !== this.blockSize) {
      throw new RijndaelError(
        'invalid_data_length',
        `A Rijndael-${this.blockBits} block is ${this.blockSize} bytes, got ${block instanceof Uint8Array ? `${block.length} bytes` : typeof block}.`,
      );
    }
  }

  #checkRange(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    const size = this.blockSize;
    if (
      !(src instanceof Uint8Array) ||
      !(dst instanceof Uint8Array) ||
      !Number.isInteger(srcOff) ||
      !Number.isInteger(dstOff) ||
      srcOff < 0 ||
      dstOff < 0 ||
      srcOff + size > src.length ||
      dstOff + size > dst.length
    ) {
      throw new RijndaelError(
        'invalid_data_length',
        `Block offsets must leave ${size} bytes inside both Uint8Arrays (src ${srcOff}, dst ${dstOff}).`,
      );
    }
  }
}
