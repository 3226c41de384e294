import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encrypt, Rijndael } from '../src/index.js';

// Rijndael with a 128-bit block is AES: OpenSSL (through node:crypto) is an independent check.
describe('Rijndael-128 against node:crypto AES', () => {
  for (const engine of ['js', 'wasm'] as const) {
    it(`ECB and CBC agree for 128/192/256-bit keys (${engine})`, () => {
      fc.assert(
        fc.property(
          fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n })),
          fc
            .integer({ min: 1, max: 20 })
            .chain((blocks) => fc.uint8Array({ minLength: blocks * 16, maxLength: blocks * 16 })),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          (key, data, iv) => {
            const bits = key.length * 8;
            const ecb = createCipheriv(`aes-${bits}-ecb`, key, null).setAutoPadding(false);
            const expectedEcb = Buffer.concat([ecb.update(data), ecb.final()]);
            expect(
              Buffer.from(encrypt(data, key, { blockBits: 128, mode: 'ecb', padding: 'none', engine })).equals(
                expectedEcb,
              ),
            ).toBe(true);
            const cbc = createCipheriv(`aes-${bits}-cbc`, key, iv);
            const expectedCbc = Buffer.concat([cbc.update(data), cbc.final()]);
            expect(
              Buffer.from(encrypt(data, key, { blockBits: 128, mode: 'cbc', iv, padding: 'pkcs7', engine })).equals(
                expectedCbc,
              ),
            ).toBe(true);
            const single = new Rijndael(key, 128, { engine });
            expect(Buffer.from(single.encryptBlock(data.subarray(0, 16))).equals(expectedEcb.subarray(0, 16))).toBe(
              true,
            );
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
