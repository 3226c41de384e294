import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BlockBits, Rijndael } from '../src/index.js';
import { fromHex, toHex } from './helpers.js';

function readVectors(name: string): string[][] {
  return readFileSync(new URL(`./vectors/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/));
}

const engines = ['js', 'auto'] as const;

describe('Gladman vectors: every block size × every key size', () => {
  const vectors = readVectors('gladman-all-sizes.txt');

  it('has all 25 combinations', () => {
    expect(new Set(vectors.map(([block, key]) => `${block}/${key!.length / 2}`)).size).toBe(25);
  });

  for (const [blockBytes, key, plain, cipher] of vectors) {
    for (const engine of engines) {
      it(`block ${blockBytes} bytes, key ${key!.length / 2} bytes (${engine})`, () => {
        const rijndael = new Rijndael(fromHex(key!), (Number(blockBytes) * 8) as BlockBits, { engine });
        expect(rijndael.rounds).toBe(Math.max(key!.length / 8, Number(blockBytes) / 4) + 6);
        expect(toHex(rijndael.encryptBlock(fromHex(plain!)))).toBe(cipher);
        expect(toHex(rijndael.decryptBlock(fromHex(cipher!)))).toBe(plain);
      });
    }
  }
});

describe('Rijndael reference KATs (ecb_tbl, ecb_vk), 128-bit block', () => {
  for (const [key, plain, cipher] of readVectors('rijndael-reference-ecb.txt')) {
    for (const engine of engines) {
      it(`key ${key} (${engine})`, () => {
        const rijndael = new Rijndael(fromHex(key!), 128, { engine });
        expect(toHex(rijndael.encryptBlock(fromHex(plain!)))).toBe(cipher!.toLowerCase());
        expect(toHex(rijndael.decryptBlock(fromHex(cipher!)))).toBe(plain!.toLowerCase());
      });
    }
  }
});
