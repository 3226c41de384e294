import { RijndaelError } from './errors.js';

const utf8 = new TextEncoder();

/** `value` as bytes: strings are UTF-8 encoded, a Uint8Array is returned as is. */
export function toBytes(value: string | Uint8Array, name: string): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return utf8.encode(value);
  throw new RijndaelError('invalid_argument', `'${name}' must be a string or a Uint8Array, got ${typeof value}.`);
}
