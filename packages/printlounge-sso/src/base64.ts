const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ENCODE_PAIRS: string[] = [];
for (let i = 0; i < 4096; i++) ENCODE_PAIRS.push(ALPHABET[i >> 6]! + ALPHABET[i & 63]!);

const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 with `=` padding, as PHP's `base64_encode` writes it. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = '';
  const whole = bytes.length - (bytes.length % 3);
  for (let i = 0; i < whole; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ENCODE_PAIRS[n >> 12]! + ENCODE_PAIRS[n & 4095]!;
  }
  const rest = bytes.length - whole;
  if (rest === 1) {
    const n = bytes[whole]! << 16;
    out += `${ENCODE_PAIRS[n >> 12]!}==`;
  } else if (rest === 2) {
    const n = (bytes[whole]! << 16) | (bytes[whole + 1]! << 8);
    out += `${ENCODE_PAIRS[n >> 12]!}${ALPHABET[(n >> 6) & 63]!}=`;
  }
  return out;
}

/**
 * Strict standard base64 (padding optional) to bytes, or `undefined` when `text` is not base64:
 * a character outside the alphabet, misplaced `=`, an impossible length, or non-zero leftover bits.
 */
export function base64ToBytes(text: string): Uint8Array | undefined {
  let end = text.length;
  if (end % 4 === 0 && end > 0 && text.charCodeAt(end - 1) === 61) end -= text.charCodeAt(end - 2) === 61 ? 2 : 1;
  const rest = end % 4;
  if (rest === 1) return undefined;
  const out = new Uint8Array(((end - rest) / 4) * 3 + (rest === 0 ? 0 : rest - 1));
  let o = 0;
  let i = 0;
  const value = (at: number): number => {
    const c = text.charCodeAt(at);
    return c < 128 ? DECODE[c]! : -1;
  };
  for (; i + 4 <= end; i += 4) {
    const a = value(i);
    const b = value(i + 1);
    const c = value(i + 2);
    const d = value(i + 3);
    if ((a | b | c | d) < 0) return undefined;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  if (rest === 2) {
    const a = value(i);
    const b = value(i + 1);
    if ((a | b) < 0 || (b & 15) !== 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
  } else if (rest === 3) {
    const a = value(i);
    const b = value(i + 1);
    const c = value(i + 2);
    if ((a | b | c) < 0 || (c & 3) !== 0) return undefined;
    out[o++] = (a << 2) | (b >> 4);
    out[o++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}
