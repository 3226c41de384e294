import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The README's quick start must run as written (only the package import is pointed at src/).
describe('README quick start', () => {
  it('runs and prints what PHP mcrypt prints', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const source = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    const dir = mkdtempSync(join(tmpdir(), 'rijndael-readme-'));
    try {
      const file = join(dir, 'quick-start.ts');
      writeFileSync(file, code!.replace("'@vendorkit/rijndael'", JSON.stringify(source)));
      const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
      const run = spawnSync(tsx, [file], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout.trim().split('\n');
      // PHP 8.2 + mcrypt: base64_encode(mcrypt_encrypt(MCRYPT_RIJNDAEL_256, "a 32-byte passphrase for mcrypt!",
      //   "customer_user_name=max&valid_to=1700000000", MCRYPT_MODE_ECB))
      expect(lines[0]).toBe('oul3zv564rHyD4aGWRdbZlv3s7HBCd2dHkAGKCotVWBdN2qqgFVwFj4s/wGVeExAoOhHhzRJdilcDkUbqwYdvg==');
      expect(lines.slice(1)).toEqual(['customer_user_name=max&valid_to=1700000000', 'hello', '32 32']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
