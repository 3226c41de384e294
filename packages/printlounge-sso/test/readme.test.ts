import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAutologinUrl } from '@vendorkit/printlounge-sso';
import { afterAll, describe, expect, it, vi } from 'vitest';

// The README's quick start must run as written.
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const quickStart = /## Quick start\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
const receivingSide = /## Receiving side[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
const dir = mkdtempSync(join(tmpdir(), 'printlounge-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README quick start', () => {
  it('runs and prints a link, the parsed user and the error code', async () => {
    expect(quickStart).toBeDefined();
    const file = join(dir, 'quick-start.ts');
    writeFileSync(file, quickStart!);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await import(/* @vite-ignore */ file);
      const lines = log.mock.calls.map((args) => args.join(' '));
      expect(lines[0]).toMatch(/^https:\/\/demo\.print-server\.net\/autologin\.php\?u_data=[A-Za-z0-9%]+$/);
      expect(lines[1]).toMatch(/^ERIKA \d{4}-\d\d-\d\dT/);
      expect(lines[2]).toBe('invalid_passphrase');
    } finally {
      log.mockRestore();
    }
  });

  it('receiving-side handler accepts a fresh link and rejects a stale one', async () => {
    expect(receivingSide).toBeDefined();
    const passphrase = 'readme-receiver-passphrase-32-b!';
    vi.stubEnv('PRINTLOUNGE_PASSPHRASE', passphrase);
    try {
      const file = join(dir, 'receiver.ts');
      writeFileSync(file, receivingSide!);
      const { handle } = (await import(/* @vite-ignore */ file)) as { handle: (request: Request) => Promise<Response> };
      const fresh = createAutologinUrl({ shop: 'demo', passphrase, fields: { customer_user_name: 'max' } });
      const ok = await handle(new Request(fresh));
      expect([ok.status, ok.headers.get('location')]).toEqual([302, 'https://demo.print-server.net/index.php']);
      const stale = createAutologinUrl({
        shop: 'demo',
        passphrase,
        fields: { customer_user_name: 'max' },
        now: Date.now() - 3_600_000,
      });
      const rejected = await handle(new Request(stale));
      expect([rejected.status, await rejected.text()]).toEqual([403, 'Login link rejected (expired)']);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
