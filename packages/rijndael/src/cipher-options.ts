import { RijndaelError } from './errors.js';
import { MODES, type Mode } from './modes.js';

/** Throws `unsupported_mode` unless `mode` is one of {@link MODES}. */
export function assertMode(mode: unknown): asserts mode is Mode {
  if (typeof mode !== 'string' || !MODES.includes(mode as Mode)) {
    throw new RijndaelError(
      'unsupported_mode',
      `Mode must be one of ${MODES.join(', ')}, got ${typeof mode === 'string' ? JSON.stringify(mode.slice(0, 20)) : typeof mode}.`,
    );
  }
}

/** A private copy of the IV (the modes use it as their register) after checking its size; empty for ECB, which ignores it. */
export function checkedIv(iv: unknown, mode: Mode, blockSize: number, what: string): Uint8Array {
  if (mode === 'ecb') return new Uint8Array(0);
  if (iv === undefined || iv === null) {
    throw new RijndaelError(
      'invalid_iv',
      `Mode '${mode}' needs an IV of ${blockSize} bytes (the ${what} block size); none was given.`,
    );
  }
  if (!(iv instanceof Uint8Array)) {
    throw new RijndaelError('invalid_iv', `The IV must be a Uint8Array of ${blockSize} bytes, got ${typeof iv}.`);
  }
  if (iv.length !== blockSize) {
    throw new RijndaelError(
      'invalid_iv',
      `Mode '${mode}' needs an IV of ${blockSize} bytes (the ${what} block size), got ${iv.length} bytes.`,
    );
  }
  return iv.slice();
}
