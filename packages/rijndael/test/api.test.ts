import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, mcryptDecrypt, mcryptEncrypt, Rijndael } from '../src/index.js';
import { toHex } from './helpers.js';

const key = new Uint8Array(32).map((_, i) => i);

describe('encrypt/decrypt defaults and options', () => {
  it('defaults to Rijndael-256 ECB with zero padding, like mcrypt', () => {
    const sealed = encrypt('hello', key);
    expect(toHex(sealed)).toBe(toHex(mcryptEncrypt('rijndael-256', key, 'hello', 'ecb')));
    expect(new TextDecoder().decode(decrypt(sealed, key))).toBe('hello');
  });

  it('PKCS#7 adds a full block when the data is aligned', () => {
    expect(encrypt(new Uint8Array(32), key, { padding: 'pkcs7' }).length).toBe(64);
    expect(encrypt(new Uint8Array(31), key, { padding: 'pkcs7' }).length).toBe(32);
  });

  it('stream modes keep the length; a Rijndael object can be reused as the key', () => {
    const cipher = new Rijndael(key, 192);
    const iv = new Uint8Array(24).fill(3);
    const sealed = encrypt('abcdefghij', cipher, { mode: 'ctr', iv });
    expect(sealed.length).toBe(10);
    expect(new TextDecoder().decode(decrypt(sealed, cipher, { mode: 'ctr', iv }))).toBe('abcdefghij');
    expect(toHex(sealed)).toBe(toHex(mcryptEncrypt('rijndael-192', key, 'abcdefghij', 'ctr', iv)));
  });

  it('does not modify its inputs', () => {
    const data = new Uint8Array(40).fill(9);
    const iv = new Uint8Array(32).fill(4);
    encrypt(data, key, { mode: 'cbc', iv });
    mcryptDecrypt('rijndael-256', key, data, 'ofb', iv);
    expect(data.every((b) => b === 9)).toBe(true);
    expect(iv.every((b) => b === 4)).toBe(true);
  });

  it('block methods work in place', () => {
    const cipher = new Rijndael(key);
    const buffer = new Uint8Array(32).fill(5);
    const expected = cipher.encryptBlock(buffer);
    cipher.encryptBlockInto(buffer, 0, buffer, 0);
    expect(toHex(buffer)).toBe(toHex(expected));
    expect(cipher.rounds).toBe(14);
    expect(cipher.blockSize).toBe(32);
  });

  it('legacy key handling pads short keys and cuts long ones like PHP 5', () => {
    const short = mcryptEncrypt('rijndael-256', 'secret', 'x', 'ecb', undefined, { keyHandling: 'legacy' });
    const padded = new Uint8Array(16);
    padded.set(new TextEncoder().encode('secret'));
    expect(toHex(short)).toBe(toHex(mcryptEncrypt('rijndael-256', padded, 'x', 'ecb')));
    const long = 'k'.repeat(40);
    expect(toHex(mcryptEncrypt('rijndael-256', long, 'x', 'ecb', undefined, { keyHandling: 'legacy' }))).toBe(
      toHex(mcryptEncrypt('rijndael-256', 'k'.repeat(32), 'x', 'ecb')),
    );
  });

  it('strings are UTF-8', () => {
    expect(toHex(mcryptEncrypt('rijndael-128', 'ä'.repeat(8), 'ü', 'ecb'))).toBe(
      toHex(
        mcryptEncrypt('rijndael-128', new TextEncoder().encode('ä'.repeat(8)), new Uint8Array([0xc3, 0xbc]), 'ecb'),
      ),
    );
  });

  it('handles data larger than the WebAssembly buffer in one call', () => {
    const big = new Uint8Array(300_000).map((_, i) => i * 7);
    const iv = new Uint8Array(32).fill(1);
    for (const mode of ['ecb', 'cbc'] as const) {
      const options = { mode, padding: 'none' as const, ...(mode === 'cbc' ? { iv } : {}) };
      const wasm = encrypt(big.subarray(0, 299_968), key, { ...options, engine: 'wasm' });
      const js = encrypt(big.subarray(0, 299_968), key, { ...options, engine: 'js' });
      expect(toHex(wasm)).toBe(toHex(js));
      expect(toHex(decrypt(wasm, key, { ...options, engine: 'wasm' }))).toBe(toHex(big.subarray(0, 299_968)));
    }
  });
});
