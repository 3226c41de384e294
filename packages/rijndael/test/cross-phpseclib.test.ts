import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type BlockBits, encrypt, type Mode } from '../src/index.js';
import { fromHex, toHex } from './helpers.js';

// phpseclib3 is a second, independent Rijndael (pure PHP) with 128..256-bit blocks in 32-bit
// steps. Its mode names differ: its 'cfb'/'ofb' are full-block (mcrypt's ncfb/nofb), its
// 'cfb8'/'ofb8' are mcrypt's cfb/ofb.
const available =
  spawnSync('php', ['-v'], { encoding: 'utf8' }).status === 0 && existsSync('/usr/share/php/phpseclib3/autoload.php');

const modeMap: Record<Mode, string> = {
  ecb: 'ecb',
  cbc: 'cbc',
  ctr: 'ctr',
  ncfb: 'cfb',
  nofb: 'ofb',
  cfb: 'cfb8',
  ofb: 'ofb8',
};

/** Deterministic bytes from a small xorshift PRNG (no dependence on the code under test). */
function prng(seed: number): (n: number) => Uint8Array {
  let state = seed >>> 0 || 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = state & 0xff;
    }
    return out;
  };
}

describe.skipIf(!available)('cross-check against phpseclib3 Rijndael', () => {
  it('matches for every block size × key size × mode', () => {
    const bytes = prng(20261122);
    const cases: { blockBits: BlockBits; mode: Mode; key: string; iv: string; data: string; pkcs7: boolean }[] = [];
    for (const blockBits of [128, 160, 192, 224, 256] as const) {
      for (const keyBytes of [16, 20, 24, 28, 32]) {
        for (const mode of Object.keys(modeMap) as Mode[]) {
          const block = blockBits / 8;
          const blockMode = mode === 'ecb' || mode === 'cbc';
          const length = blockMode ? block * (1 + (bytes(1)[0]! % 4)) : 1 + (bytes(1)[0]! % 97);
          for (const pkcs7 of blockMode ? [false, true] : [false]) {
            cases.push({
              blockBits,
              mode,
              key: toHex(bytes(keyBytes)),
              iv: toHex(bytes(block)),
              data: toHex(bytes(pkcs7 ? length - 3 : length)),
              pkcs7,
            });
          }
        }
      }
    }
    const script = fileURLToPath(new URL('./fixtures/phpseclib-rijndael.php', import.meta.url));
    const run = spawnSync('php', [script], {
      input: JSON.stringify(cases.map((c) => ({ ...c, mode: modeMap[c.mode] }))),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const expected = JSON.parse(run.stdout) as string[];
    expect(expected).toHaveLength(cases.length);
    cases.forEach((c, i) => {
      for (const engine of ['js', 'auto'] as const) {
        const actual = encrypt(fromHex(c.data), fromHex(c.key), {
          blockBits: c.blockBits,
          mode: c.mode,
          ...(c.mode === 'ecb' ? {} : { iv: fromHex(c.iv) }),
          padding: c.pkcs7 ? 'pkcs7' : 'none',
          engine,
        });
        expect(toHex(actual), `${c.blockBits}-bit block, ${c.key.length / 2}-byte key, ${c.mode}, ${engine}`).toBe(
          expected[i],
        );
      }
    });
  });
});
