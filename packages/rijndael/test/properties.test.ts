import { isVendorkitError } from '@vendorkit/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BlockBits,
  decrypt,
  encrypt,
  MODES,
  mcryptDecrypt,
  mcryptEncrypt,
  PADDINGS,
  Rijndael,
  RijndaelError,
} from '../src/index.js';

const blockBits = fc.constantFrom<BlockBits>(128, 160, 192, 224, 256);
const keyBytes = fc.constantFrom(16, 20, 24, 28, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const mode = fc.constantFrom(...MODES);
const padding = fc.constantFrom(...PADDINGS);

describe('round trips (fast-check)', () => {
  it('decrypt(encrypt(x)) === x for every block size, mode and padding', () => {
    fc.assert(
      fc.property(
        blockBits,
        keyBytes,
        mode,
        padding,
        fc.uint8Array({ maxLength: 150 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (bits, key, m, p, data, ivSource) => {
          const size = bits / 8;
          const blockMode = m === 'ecb' || m === 'cbc';
          // Zero padding cannot carry trailing zero bytes; 'none' in a block mode needs whole blocks.
          let end = data.length;
          if (p === 'zero') while (end > 0 && data[end - 1] === 0) end--;
          if (p === 'none' && blockMode) end -= end % size;
          const plain = data.subarray(0, end);
          const options = {
            blockBits: bits,
            mode: m,
            padding: p,
            ...(m === 'ecb' ? {} : { iv: ivSource.subarray(0, size) }),
          };
          const sealed = encrypt(plain, key, options);
          expect(Array.from(decrypt(sealed, key, options))).toEqual(Array.from(plain));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('the WebAssembly and JS engines give identical bytes', () => {
    fc.assert(
      fc.property(
        blockBits,
        keyBytes,
        mode,
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (bits, key, m, data, iv) => {
          const options = {
            blockBits: bits,
            mode: m,
            padding: 'pkcs7' as const,
            ...(m === 'ecb' ? {} : { iv: iv.subarray(0, bits / 8) }),
          };
          const wasm = encrypt(data, key, { ...options, engine: 'wasm' });
          const js = encrypt(data, key, { ...options, engine: 'js' });
          expect(Array.from(wasm)).toEqual(Array.from(js));
          expect(Array.from(decrypt(wasm, key, { ...options, engine: 'js' }))).toEqual(Array.from(data));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('block API: encryptBlockInto at any offset matches encryptBlock, and decrypts back', () => {
    fc.assert(
      fc.property(
        blockBits,
        keyBytes,
        fc.nat(40),
        fc.uint8Array({ minLength: 80, maxLength: 80 }),
        (bits, key, offset, buffer) => {
          const size = bits / 8;
          const cipher = new Rijndael(key, bits);
          const block = buffer.slice(offset, offset + size);
          const out = new Uint8Array(size + 3);
          cipher.encryptBlockInto(buffer, offset, out, 3);
          expect(Array.from(out.subarray(3))).toEqual(Array.from(cipher.encryptBlock(block)));
          cipher.decryptBlockInto(out, 3, out, 3);
          expect(Array.from(out.subarray(3))).toEqual(Array.from(block));
          cipher.wipe();
        },
      ),
      { numRuns: 800 },
    );
  });
});

describe('hostile input (fast-check): only RijndaelErrors, never a crash or wrong length', () => {
  it('decrypt with PKCS#7 of arbitrary bytes returns or throws a coded RijndaelError', () => {
    fc.assert(
      fc.property(
        blockBits,
        keyBytes,
        fc.constantFrom('ecb', 'cbc'),
        fc.uint8Array({ maxLength: 130 }),
        (bits, key, m, data) => {
          const options = {
            blockBits: bits,
            mode: m,
            padding: 'pkcs7' as const,
            ...(m === 'cbc' ? { iv: new Uint8Array(bits / 8) } : {}),
          };
          try {
            const plain = decrypt(data, key, options);
            expect(plain.length).toBeLessThan(data.length);
            expect(data.length - plain.length).toBeLessThanOrEqual(bits / 8);
          } catch (error) {
            expect(error).toBeInstanceOf(RijndaelError);
            expect(['invalid_padding', 'invalid_data_length']).toContain((error as RijndaelError).code);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('mcrypt functions with arbitrary key/IV sizes, modes and values fail only with coded errors', () => {
    const anything = fc.oneof(
      fc.uint8Array({ maxLength: 40 }),
      fc.string({ maxLength: 40 }),
      fc.constant(undefined),
      fc.constant(null),
      fc.integer(),
      fc.object(),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('rijndael-128', 'rijndael-192', 'rijndael-256'), fc.string({ maxLength: 15 })),
        anything,
        anything,
        fc.oneof(mode, fc.string({ maxLength: 6 })),
        anything,
        fc.constantFrom('encrypt', 'decrypt'),
        (cipher, key, data, m, iv, direction) => {
          const fn = direction === 'encrypt' ? mcryptEncrypt : mcryptDecrypt;
          try {
            // biome-ignore lint/suspicious/noExplicitAny: deliberately wrong types
            const out = fn(cipher as any, key as any, data as any, m as any, iv as any);
            expect(out).toBeInstanceOf(Uint8Array);
          } catch (error) {
            expect(isVendorkitError(error)).toBe(true);
            expect(typeof (error as RijndaelError).code).toBe('string');
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});
