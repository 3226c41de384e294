import { inspect } from 'node:util';
import { isVendorkitError, VendorkitError } from '@vendorkit/core';
import { describe, expect, it } from 'vitest';
import {
  decrypt,
  encrypt,
  isRijndaelError,
  mcryptDecrypt,
  mcryptEncrypt,
  Rijndael,
  RijndaelError,
  type RijndaelErrorCode,
} from '../src/index.js';

function caught(fn: () => unknown): RijndaelError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RijndaelError);
    expect(error).toBeInstanceOf(VendorkitError);
    return error as RijndaelError;
  }
  throw new Error('expected a RijndaelError');
}

const key32 = new Uint8Array(32).fill(1);

describe('typed errors', () => {
  it.each<[string, () => unknown, RijndaelErrorCode]>([
    ['key of 15 bytes', () => new Rijndael(new Uint8Array(15)), 'invalid_key_size'],
    ['key not bytes', () => new Rijndael('k'.repeat(16) as unknown as Uint8Array), 'invalid_key_size'],
    ['block of 100 bits', () => new Rijndael(key32, 100 as 128), 'invalid_block_size'],
    ['block of wrong length', () => new Rijndael(key32).encryptBlock(new Uint8Array(16)), 'invalid_data_length'],
    [
      'offset out of range',
      () => new Rijndael(key32).encryptBlockInto(new Uint8Array(40), 9, new Uint8Array(32), 0),
      'invalid_data_length',
    ],
    ['unknown engine', () => new Rijndael(key32, 256, { engine: 'gpu' as 'js' }), 'invalid_argument'],
    ['unknown mode', () => encrypt('x', key32, { mode: 'gcm' as 'ecb' }), 'unsupported_mode'],
    ['unknown padding', () => encrypt('x', key32, { padding: 'iso' as 'zero' }), 'invalid_padding'],
    ['IV with ECB', () => encrypt('x', key32, { iv: new Uint8Array(32) }), 'invalid_iv'],
    ['missing IV', () => encrypt('x', key32, { mode: 'cbc' }), 'invalid_iv'],
    ['short IV', () => encrypt('x', key32, { mode: 'ctr', iv: new Uint8Array(16) }), 'invalid_iv'],
    ['unaligned with padding none', () => encrypt('abc', key32, { padding: 'none' }), 'invalid_data_length'],
    ['unaligned ciphertext', () => decrypt(new Uint8Array(33), key32), 'invalid_data_length'],
    ['bad PKCS#7', () => decrypt(new Uint8Array(32), key32, { padding: 'pkcs7' }), 'invalid_padding'],
    [
      'mcrypt 20-byte key (strict)',
      () => mcryptEncrypt('rijndael-256', new Uint8Array(20), 'x', 'ecb'),
      'invalid_key_size',
    ],
    [
      'mcrypt rijndael-160',
      () => mcryptEncrypt('rijndael-160' as 'rijndael-256', key32, 'x', 'ecb'),
      'invalid_block_size',
    ],
    [
      'mcrypt cipher "constructor"',
      () => mcryptEncrypt('constructor' as 'rijndael-256', key32, 'x', 'ecb'),
      'invalid_block_size',
    ],
    ['mcrypt cbc without IV', () => mcryptDecrypt('rijndael-128', key32, 'x', 'cbc'), 'invalid_iv'],
    [
      'mcrypt bad keyHandling',
      () => mcryptEncrypt('rijndael-128', 'k', 'x', 'ecb', undefined, { keyHandling: 'lax' as 'strict' }),
      'invalid_argument',
    ],
  ])('%s → %s', (_, fn, code) => {
    const error = caught(fn);
    expect(error.code).toBe(code);
    expect(isVendorkitError(error)).toBe(true);
    expect(isRijndaelError(error, code)).toBe(true);
    expect(error.message.length).toBeGreaterThan(20);
  });

  it('a wiped cipher refuses further use, and wipe is idempotent', () => {
    const cipher = new Rijndael(key32);
    const block = cipher.encryptBlock(new Uint8Array(32));
    cipher.wipe();
    cipher.dispose();
    expect(caught(() => cipher.encryptBlock(new Uint8Array(32))).code).toBe('disposed');
    expect(caught(() => cipher.decryptBlock(block)).code).toBe('disposed');
    expect(caught(() => encrypt('x', cipher)).code).toBe('disposed');
  });

  it('wiping one cipher does not disturb another sharing the WebAssembly core', () => {
    const a = new Rijndael(key32, 256, { engine: 'wasm' });
    const b = new Rijndael(new Uint8Array(32).fill(2), 256, { engine: 'wasm' });
    const block = new Uint8Array(32).fill(7);
    const expectedA = new Rijndael(key32, 256, { engine: 'js' }).encryptBlock(block);
    const expectedB = new Rijndael(new Uint8Array(32).fill(2), 256, { engine: 'js' }).encryptBlock(block);
    expect(Array.from(a.encryptBlock(block))).toEqual(Array.from(expectedA));
    expect(Array.from(b.encryptBlock(block))).toEqual(Array.from(expectedB));
    expect(Array.from(a.encryptBlock(block))).toEqual(Array.from(expectedA));
    b.wipe();
    expect(Array.from(a.encryptBlock(block))).toEqual(Array.from(expectedA));
    expect(Array.from(a.decryptBlock(expectedA))).toEqual(Array.from(block));
  });
});

describe('no key material in errors', () => {
  const passphrase = 'Pr1ntL0unge-SSO-geheim!!!'; // 25 bytes: not a valid key size
  const hexOfKey = Buffer.from(passphrase).toString('hex');

  it.each([
    ['strict key size', () => mcryptEncrypt('rijndael-256', passphrase, 'customer_user_name=max', 'ecb')],
    ['bad IV', () => mcryptEncrypt('rijndael-256', `${passphrase}1234567`, 'data', 'cbc', new Uint8Array(3))],
    ['bad padding', () => decrypt(new Uint8Array(32), `${passphrase}1234567`, { padding: 'pkcs7' })],
    ['Rijndael key size', () => new Rijndael(new TextEncoder().encode(passphrase))],
  ])('%s', (_, fn) => {
    const error = caught(fn);
    for (const text of [error.message, JSON.stringify(error), inspect(error, { depth: 5 }), String(error.stack)]) {
      expect(text).not.toContain(passphrase);
      expect(text).not.toContain(hexOfKey);
      expect(text).not.toContain(passphrase.slice(0, 8));
    }
    expect(error.cause).toBeUndefined();
  });
});
