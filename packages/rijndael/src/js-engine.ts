import type { BlockEngine } from './engine.js';
import { decryptionKeys, type KeySchedule } from './key-schedule.js';
import { INV_SBOX, SBOX, TD0, TD1, TD2, TD3, TE0, TE1, TE2, TE3 } from './tables.js';

/** ShiftRows offsets (C1, C2, C3) per block width Nb, from the Rijndael specification. */
export function shiftOffsets(nb: number): readonly [number, number, number] {
  if (nb === 8) return [1, 3, 4];
  if (nb === 7) return [1, 2, 4];
  return [1, 2, 3];
}

/** Source-column index tables for one block width: where row r of column c comes from. */
interface ColumnMaps {
  readonly e1: Int32Array;
  readonly e2: Int32Array;
  readonly e3: Int32Array;
  readonly d1: Int32Array;
  readonly d2: Int32Array;
  readonly d3: Int32Array;
}

const columnMaps: ColumnMaps[] = [];
for (let nb = 4; nb <= 8; nb++) {
  const [c1, c2, c3] = shiftOffsets(nb);
  const map = (shift: number) => Int32Array.from({ length: nb }, (_, c) => (((c + shift) % nb) + nb) % nb);
  columnMaps[nb] = { e1: map(c1), e2: map(c2), e3: map(c3), d1: map(-c1), d2: map(-c2), d3: map(-c3) };
}

/**
 * Portable Rijndael block engine in plain JS (T-tables on Int32Array, no allocation per
 * block). Used when WebAssembly is unavailable or `engine: 'js'` is asked for.
 */
export class JsBlockEngine implements BlockEngine {
  readonly kind = 'js' as const;
  readonly #schedule: KeySchedule;
  readonly #maps: ColumnMaps;
  readonly #s = new Int32Array(8);
  readonly #t = new Int32Array(8);

  constructor(schedule: KeySchedule) {
    this.#schedule = schedule;
    this.#maps = columnMaps[schedule.nb]!;
  }

  /** Encrypts one block from `src[srcOff..]` into `dst[dstOff..]` (may overlap exactly). */
  encryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    const { nb, rounds, encrypt: rk } = this.#schedule;
    const { e1, e2, e3 } = this.#maps;
    let s = this.#s;
    let t = this.#t;
    for (let c = 0, o = srcOff; c < nb; c++, o += 4) {
      s[c] = (src[o]! | (src[o + 1]! << 8) | (src[o + 2]! << 16) | (src[o + 3]! << 24)) ^ rk[c]!;
    }
    let k = nb;
    for (let round = 1; round < rounds; round++) {
      for (let c = 0; c < nb; c++) {
        t[c] =
          TE0[s[c]! & 0xff]! ^
          TE1[(s[e1[c]!]! >>> 8) & 0xff]! ^
          TE2[(s[e2[c]!]! >>> 16) & 0xff]! ^
          TE3[s[e3[c]!]! >>> 24]! ^
          rk[k++]!;
      }
      const swap = s;
      s = t;
      t = swap;
    }
    for (let c = 0; c < nb; c++) {
      t[c] =
        (SBOX[s[c]! & 0xff]! |
          (SBOX[(s[e1[c]!]! >>> 8) & 0xff]! << 8) |
          (SBOX[(s[e2[c]!]! >>> 16) & 0xff]! << 16) |
          (SBOX[s[e3[c]!]! >>> 24]! << 24)) ^
        rk[k++]!;
    }
    for (let c = 0, o = dstOff; c < nb; c++, o += 4) {
      const w = t[c]!;
      dst[o] = w;
      dst[o + 1] = w >>> 8;
      dst[o + 2] = w >>> 16;
      dst[o + 3] = w >>> 24;
    }
  }

  /** Decrypts one block from `src[srcOff..]` into `dst[dstOff..]` (may overlap exactly). */
  decryptBlock(src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number): void {
    const { nb, rounds } = this.#schedule;
    const rk = decryptionKeys(this.#schedule);
    const { d1, d2, d3 } = this.#maps;
    let s = this.#s;
    let t = this.#t;
    for (let c = 0, o = srcOff; c < nb; c++, o += 4) {
      s[c] = (src[o]! | (src[o + 1]! << 8) | (src[o + 2]! << 16) | (src[o + 3]! << 24)) ^ rk[c]!;
    }
    let k = nb;
    for (let round = 1; round < rounds; round++) {
      for (let c = 0; c < nb; c++) {
        t[c] =
          TD0[s[c]! & 0xff]! ^
          TD1[(s[d1[c]!]! >>> 8) & 0xff]! ^
          TD2[(s[d2[c]!]! >>> 16) & 0xff]! ^
          TD3[s[d3[c]!]! >>> 24]! ^
          rk[k++]!;
      }
      const swap = s;
      s = t;
      t = swap;
    }
    for (let c = 0; c < nb; c++) {
      t[c] =
        (INV_SBOX[s[c]! & 0xff]! |
          (INV_SBOX[(s[d1[c]!]! >>> 8) & 0xff]! << 8) |
          (INV_SBOX[(s[d2[c]!]! >>> 16) & 0xff]! << 16) |
          (INV_SBOX[s[d3[c]!]! >>> 24]! << 24)) ^
        rk[k++]!;
    }
    for (let c = 0, o = dstOff; c < nb; c++, o += 4) {
      const w = t[c]!;
      dst[o] = w;
      dst[o + 1] = w >>> 8;
      dst[o + 2] = w >>> 16;
      dst[o + 3] = w >>> 24;
    }
  }

  encryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void {
    const size = this.#schedule.nb << 2;
    for (let o = 0; o < length; o += size) this.encryptBlock(src, o, dst, o);
  }

  decryptEcb(src: Uint8Array, dst: Uint8Array, length: number): void {
    const size = this.#schedule.nb << 2;
    for (let o = 0; o < length; o += size) this.decryptBlock(src, o, dst, o);
  }

  encryptCbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array): void {
    const size = this.#schedule.nb << 2;
    const chain = iv;
    for (let o = 0; o < length; o += size) {
      for (let i = 0; i < size; i++) chain[i]! ^= src[o + i]!;
      this.encryptBlock(chain, 0, chain, 0);
      dst.set(chain, o);
    }
  }

  decryptCbc(src: Uint8Array, dst: Uint8Array, length: number, iv: Uint8Array): void {
    const size = this.#schedule.nb << 2;
    const chain = iv;
    const saved = new Uint8Array(size);
    for (let o = 0; o < length; o += size) {
      for (let i = 0; i < size; i++) saved[i] = src[o + i]!;
      this.decryptBlock(src, o, dst, o);
      for (let i = 0; i < size; i++) {
        dst[o + i]! ^= chain[i]!;
        chain[i] = saved[i]!;
      }
    }
  }

  wipe(): void {
    this.#schedule.encrypt.fill(0);
    this.#schedule.decrypt?.fill(0);
    this.#s.fill(0);
    this.#t.fill(0);
  }
}
