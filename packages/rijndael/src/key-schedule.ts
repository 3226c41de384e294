import { SBOX, TD0, TD1, TD2, TD3 } from './tables.js';

/** Expanded key material for one key and block size. */
export interface KeySchedule {
  /** Columns per block (4..8). */
  readonly nb: number;
  /** Rounds: max(Nk, Nb) + 6. */
  readonly rounds: number;
  /** Encryption round keys, `nb * (rounds + 1)` little-endian words, round 0 first. */
  readonly encrypt: Int32Array;
  /**
   * Decryption round keys for the equivalent inverse cipher (round `rounds` first,
   * InvMixColumns applied to the middle rounds); computed on first use by
   * {@link decryptionKeys}, so encrypt-only callers (one mcrypt_encrypt call) skip the work.
   */
  decrypt: Int32Array | undefined;
}

const subWord = (w: number): number =>
  SBOX[w & 0xff]! | (SBOX[(w >>> 8) & 0xff]! << 8) | (SBOX[(w >>> 16) & 0xff]! << 16) | (SBOX[w >>> 24]! << 24);

/**
 * Expands `key` (16/20/24/28/32 bytes, already validated) for a block of `nb` columns,
 * following the Rijndael specification (the extra SubWord step applies for Nk > 6).
 */
export function expandKey(key: Uint8Array, nb: number): KeySchedule {
  const nk = key.length >> 2;
  const rounds = Math.max(nk, nb) + 6;
  const total = nb * (rounds + 1);
  const w = new Int32Array(total);
  for (let i = 0; i < nk; i++) {
    const o = i << 2;
    w[i] = key[o]! | (key[o + 1]! << 8) | (key[o + 2]! << 16) | (key[o + 3]! << 24);
  }
  let rcon = 1;
  for (let i = nk; i < total; i++) {
    let t = w[i - 1]!;
    const r = i % nk;
    if (r === 0) {
      t = subWord((t >>> 8) | (t << 24)) ^ rcon;
      rcon = (rcon << 1) ^ (rcon & 0x80 ? 0x11b : 0);
    } else if (nk > 6 && r === 4) {
      t = subWord(t);
    }
    w[i] = w[i - nk]! ^ t;
  }

  return { nb, rounds, encrypt: w, decrypt: undefined };
}

/** The decryption round keys of `schedule`, derived from the encryption keys on first use. */
export function decryptionKeys(schedule: KeySchedule): Int32Array {
  if (schedule.decrypt) return schedule.decrypt;
  const { nb, rounds, encrypt: w } = schedule;
  const d = new Int32Array(w.length);
  for (let round = 0; round <= rounds; round++) {
    const from = (rounds - round) * nb;
    const to = round * nb;
    for (let c = 0; c < nb; c++) {
      const k = w[from + c]!;
      d[to + c] =
        round === 0 || round === rounds
          ? k
          : TD0[SBOX[k & 0xff]!]! ^
            TD1[SBOX[(k >>> 8) & 0xff]!]! ^
            TD2[SBOX[(k >>> 16) & 0xff]!]! ^
            TD3[SBOX[k >>> 24]!]!;
    }
  }
  schedule.decrypt = d;
  return d;
}
