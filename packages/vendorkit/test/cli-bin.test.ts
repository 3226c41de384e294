import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The bin users get (package.json#bin), which loads the built CLI.
const bin = fileURLToPath(new URL('../bin/vendorkit.js', import.meta.url));
const built = existsSync(fileURLToPath(new URL('../dist/cli.js', import.meta.url)));
if (!built) console.warn('\n⚠️  SKIPPING the built-CLI test: run `pnpm run build` first (dist/cli.js is missing).\n');

/** The published bin, run as a user runs it: a child process with a clean environment. */
describe.skipIf(!built)('bin/vendorkit.js (the `vendorkit` bin)', () => {
  const runBin = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(bin, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 });

  it('is executable with a node shebang and prints help and its version', () => {
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const help = runBin(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: vendorkit');
    const version = runBin(['--version']);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('exits 2 on bad usage and 1 on a runtime failure, secrets kept out of the output', () => {
    const usage = runBin(['printlounge', 'link', '--shop', 'acme']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("required option '--user <name>'");
    const passphrase = 'Hier steht die geheime Passphrase';
    const failure = runBin(['printlounge', 'link', '--shop', 'acme', '--user', 'max'], {
      PRINTLOUNGE_PASSPHRASE: passphrase,
    });
    expect(failure.status).toBe(1);
    expect(failure.stderr).toMatch(/^error \[invalid_key_size\]/);
    expect(failure.stdout + failure.stderr).not.toContain(passphrase);
    const ok = runBin(['printlounge', 'link', '--shop', 'acme', '--user', 'max'], {
      PRINTLOUNGE_PASSPHRASE: 'p'.repeat(32),
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^https:\/\/acme\.print-server\.net\/autologin\.php\?u_data=/);
  });
});
