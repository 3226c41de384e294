import { describe, expect, it } from 'vitest';
import { mcryptDecrypt, mcryptEncrypt, Rijndael } from '../src/index.js';
import { fromHex, toHex } from './helpers.js';

describe('Rijndael-256 ECB as PHP mcrypt does it', () => {
  // From: php -r 'echo bin2hex(mcrypt_encrypt("rijndael-256", "0123456789abcdef0123456789abcdef",
  //   "customer_user_name=max&valid_to=1700000000", "ecb"));' (PHP 8.2 + PECL mcrypt 1.0.5)
  const key = '0123456789abcdef0123456789abcdef';
  const data = 'customer_user_name=max&valid_to=1700000000';
  const php =
    '9aba4782c0b59f584640b5a4199f5fa75f3ab262ee399c31220eb1a7f17618efc5948a50489fa2fe46bce3bf01146633e07e1baad6e2dc8cee558de17adf2740';

  it('encrypts byte for byte', () => {
    expect(toHex(mcryptEncrypt('rijndael-256', key, data, 'ecb'))).toBe(php);
  });

  it('decrypts and keeps the zero padding like PHP', () => {
    const plain = mcryptDecrypt('rijndael-256', key, fromHex(php), 'ecb');
    expect(plain.length).toBe(64);
    expect(new TextDecoder().decode(plain.subarray(0, data.length))).toBe(data);
    expect(Array.from(plain.subarray(data.length))).toEqual(new Array(64 - data.length).fill(0));
  });
});

describe('Rijndael-128 = AES (FIPS-197 appendix C)', () => {
  const plain = fromHex('00112233445566778899aabbccddeeff');
  it.each([
    ['000102030405060708090a0b0c0d0e0f', '69c4e0d86a7b0430d8cdb78070b4c55a'],
    ['000102030405060708090a0b0c0d0e0f1011121314151617', 'dda97ca4864cdfe06eaf70a0ec0d7191'],
    ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', '8ea2b7ca516745bfeafc49904b496089'],
  ])('key %s', (key, cipher) => {
    for (const engine of ['js', 'auto'] as const) {
      const r = new Rijndael(fromHex(key), 128, { engine });
      expect(toHex(r.encryptBlock(plain))).toBe(cipher);
      expect(toHex(r.decryptBlock(fromHex(cipher)))).toBe(toHex(plain));
    }
  });
});
