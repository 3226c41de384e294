import { afterEach, describe, expect, it, vi } from 'vitest';
import { toHex } from './helpers.js';

// Each case imports a fresh copy of the package (vi.resetModules) with WebAssembly tampered
// with, the way a browser with a strict CSP or without WebAssembly would behave.
const key = new Uint8Array(32).map((_, i) => i * 3);
const block = new Uint8Array(32).map((_, i) => 255 - i);

async function freshPackage() {
  vi.resetModules();
  return import('../src/index.js');
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('engine fallback', () => {
  it('uses the JS engine when WebAssembly does not exist', async () => {
    const expected = toHex(new (await freshPackage()).Rijndael(key, 256, { engine: 'js' }).encryptBlock(block));
    vi.stubGlobal('WebAssembly', undefined);
    const { Rijndael, RijndaelError } = await freshPackage();
    const cipher = new Rijndael(key);
    expect(cipher.engine).toBe('js');
    expect(toHex(cipher.encryptBlock(block))).toBe(expected);
    expect(() => new Rijndael(key, 256, { engine: 'wasm' })).toThrow(RijndaelError);
  });

  it('falls back to JS when synchronous compilation is refused, then uses the background compile', async () => {
    const real = WebAssembly;
    const expected = toHex(new (await freshPackage()).Rijndael(key, 256, { engine: 'js' }).encryptBlock(block));
    vi.stubGlobal('WebAssembly', {
      ...real,
      compile: real.compile,
      Instance: real.Instance,
      Module: function refuse() {
        throw new RangeError('WebAssembly.Compile is disallowed on the main thread');
      },
    });
    const { Rijndael } = await freshPackage();
    const first = new Rijndael(key);
    expect(first.engine).toBe('js');
    expect(toHex(first.encryptBlock(block))).toBe(expected);
    await vi.waitFor(() => expect(new Rijndael(key).engine).toBe('wasm'));
    expect(toHex(new Rijndael(key).encryptBlock(block))).toBe(expected);
  });

  it('stays on JS when WebAssembly is refused entirely (CSP)', async () => {
    const real = WebAssembly;
    vi.stubGlobal('WebAssembly', {
      ...real,
      compile: () => Promise.reject(new Error('CSP: wasm-unsafe-eval not allowed')),
      Module: function refuse() {
        throw new Error('CSP: wasm-unsafe-eval not allowed');
      },
    });
    const { Rijndael } = await freshPackage();
    expect(new Rijndael(key, 128).engine).toBe('js');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(new Rijndael(key, 128).engine).toBe('js');
    expect(new Rijndael(key, 256).engine).toBe('js');
  });
});
