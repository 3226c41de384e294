import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import wabtFactory from 'wabt';
import { RIJNDAEL_WASM_BASE64 } from '../src/wasm/rijndael-wasm-bytes.js';

// The embedded bytes must be exactly the committed WAT sources compiled (scripts/build-wasm.ts).
describe('embedded WebAssembly', () => {
  it('equals the committed .wat sources compiled with wabt, each module under 4 KiB', async () => {
    const wabt = await wabtFactory();
    for (const nb of [4, 5, 6, 7, 8]) {
      const text = readFileSync(new URL(`../src/wasm/rijndael-nb${nb}.wat`, import.meta.url), 'utf8');
      const module = wabt.parseWat(`rijndael-nb${nb}.wat`, text);
      module.validate();
      const { buffer } = module.toBinary({});
      module.destroy();
      const embedded = Uint8Array.from(atob(RIJNDAEL_WASM_BASE64[nb]!), (c) => c.charCodeAt(0));
      expect(Array.from(embedded)).toEqual(Array.from(buffer));
      expect(buffer.length).toBeLessThan(4096);
    }
  });
});
