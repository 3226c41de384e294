import { RijndaelError } from './errors.js';

/** Padding schemes: `zero` (mcrypt's: zero bytes up to a block multiple, none when already aligned), `pkcs7`, `none`. */
export type Padding = 'zero' | 'pkcs7' | 'none';

/** Every supported padding scheme. */
export const PADDINGS: readonly Padding[] = ['zero', 'pkcs7', 'none'];

/** Length of `length` bytes after padding to `blockSize`. mcrypt's zero padding gives one block for empty input. */
export function paddedLength(length: number, blockSize: number, padding: Padding): number {
  if (padding === 'pkcs7') return (Math.floor(length / blockSize) + 1) * blockSize;
  if (padding === 'zero') return Math.max(1, Math.ceil(length / blockSize)) * blockSize;
  return length;
}

/** A fresh copy of `data` padded to `blockSize` (a fresh array the modes may work on in place). */
export function pad(data: Uint8Array, blockSize: number, padding: Padding): Uint8Array {
  const out = new Uint8Array(paddedLength(data.length, blockSize, padding));
  out.set(data);
  if (padding === 'pkcs7') out.fill(out.length - data.length, data.length);
  return out;
}

/** `data` without its padding (a subarray). */
export function unpad(data: Uint8Array, blockSize: number, padding: Padding): Uint8Array {
  if (padding === 'none') return data;
  if (padding === 'zero') {
    let end = data.length;
    while (end > 0 && data[end - 1] === 0) end--;
    return data.subarray(0, end);
  }
  const count = data.length === 0 ? 0 : data[data.length - 1]!;
  let bad = count === 0 || count > blockSize || count > data.length ? 1 : 0;
  // Check every padding byte without an early exit so the timing does not tell where it broke.
  for (let i = 0; i < blockSize && i < data.length; i++) {
    const inPadding = i < count ? 1 : 0;
    bad |= inPadding & (data[data.length - 1 - i] !== count ? 1 : 0);
  }
  if (bad) {
    throw new RijndaelError(
      'invalid_padding',
      'PKCS#7 padding is invalid: wrong key, wrong mode/IV, corrupted data, or the data was not PKCS#7 padded.',
    );
  }
  return data.subarray(0, data.length - count);
}
