/**
 * Lookup tables shared by the JS and WebAssembly engines, computed once at module load from
 * GF(2^8) arithmetic (nothing copied in). Words are little-endian packed columns: byte `r`
 * of a state column (row `r`) sits in bits `8r..8r+7`.
 */

/** Multiplication by x (0x02) in Rijndael's GF(2^8), polynomial x^8+x^4+x^3+x+1. */
function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
}

function gfMultiply(a: number, b: number): number {
  let product = 0;
  while (b) {
    if (b & 1) product ^= a;
    a = xtime(a);
    b >>= 1;
  }
  return product;
}

/** Forward S-box. */
export const SBOX = new Uint8Array(256);
/** Inverse S-box. */
export const INV_SBOX = new Uint8Array(256);

/** Encryption T-table for row 0: SubBytes + MixColumns (Int32Array keeps V8 on its int32 path). */
export const TE0 = new Int32Array(256);
/** TE0 rotated by one byte (row 1). */
export const TE1 = new Int32Array(256);
/** TE0 rotated by two bytes (row 2). */
export const TE2 = new Int32Array(256);
/** TE0 rotated by three bytes (row 3). */
export const TE3 = new Int32Array(256);
/** Decryption T-table for row 0: InvSubBytes + InvMixColumns. */
export const TD0 = new Int32Array(256);
/** TD0 rotated by one byte (row 1). */
export const TD1 = new Int32Array(256);
/** TD0 rotated by two bytes (row 2). */
export const TD2 = new Int32Array(256);
/** TD0 rotated by three bytes (row 3). */
export const TD3 = new Int32Array(256);

const rotl8 = (w: number): number => (w << 8) | (w >>> 24);

{
  // S-box: multiplicative inverse followed by the affine map; walk the field with generator 3.
  let p = 1;
  let q = 1;
  do {
    p ^= xtime(p); // p *= 3
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09; // q /= 3
    const x = q ^ ((q << 1) | (q >> 7)) ^ ((q << 2) | (q >> 6)) ^ ((q << 3) | (q >> 5)) ^ ((q << 4) | (q >> 4));
    SBOX[p] = (x ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63;
  for (let i = 0; i < 256; i++) INV_SBOX[SBOX[i]!] = i;

  for (let i = 0; i < 256; i++) {
    const s = SBOX[i]!;
    const e = gfMultiply(s, 2) | (s << 8) | (s << 16) | (gfMultiply(s, 3) << 24);
    TE0[i] = e;
    TE1[i] = rotl8(e);
    TE2[i] = rotl8(rotl8(e));
    TE3[i] = rotl8(rotl8(rotl8(e)));
    const v = INV_SBOX[i]!;
    const d = gfMultiply(v, 14) | (gfMultiply(v, 9) << 8) | (gfMultiply(v, 13) << 16) | (gfMultiply(v, 11) << 24);
    TD0[i] = d;
    TD1[i] = rotl8(d);
    TD2[i] = rotl8(rotl8(d));
    TD3[i] = rotl8(rotl8(rotl8(d)));
  }
}
