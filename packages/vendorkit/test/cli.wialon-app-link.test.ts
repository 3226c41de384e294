import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox.js';
import { type CliResult, runCli } from './support/cli.js';

// `vendorkit wialon verify` succeeding from the shell against the sandbox (issue 16.6): the
// sandbox's Wialon signs in with a token (token/login) and makes auth hashes in that session
// (core/create_auth_hash); `vendorkit wialon app-link` does both and prints the application link.

let sandbox: Sandbox;
const transcripts: CliResult[] = [];
const cli = async (...args: Parameters<typeof runCli>) => {
  const result = await runCli(...args);
  transcripts.push(result);
  return result;
};

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
  for (const { stdout, stderr } of transcripts) {
    for (const secret of [sandbox.credentials.wialon.token, sandbox.credentials.okdesk.apiToken]) {
      expect(stdout + stderr).not.toContain(secret);
      expect(stdout + stderr).not.toContain(encodeURIComponent(secret));
    }
  }
});

const env = () => ({
  WIALON_BASE_URL: sandbox.urls.wialon,
  WIALON_TOKEN: sandbox.credentials.wialon.token,
  WIALON_TRUSTED_BASE_URLS: sandbox.urls.wialon,
  OKDESK_URL: sandbox.urls.okdesk,
  OKDESK_API_TOKEN: sandbox.credentials.okdesk.apiToken,
});

describe('vendorkit wialon app-link', () => {
  it('prints a fresh application link that `wialon verify` accepts', async () => {
    const appUrl = `${sandbox.urls.okdesk}/wialonauth`;
    const made = await cli(['wialon', 'app-link', '--app-url', appUrl], env());
    expect(made.code).toBe(0);
    const link = made.stdout.trim();
    expect(link.startsWith(`${appUrl}?authHash=`)).toBe(true);
    expect(new URL(link).searchParams.get('user')).toBe(sandbox.credentials.wialon.user);
    expect(new URL(link).searchParams.get('baseUrl')).toBe(sandbox.urls.wialon);

    const verified = await cli(['wialon', 'verify', link], env());
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`"${sandbox.credentials.wialon.user}"`);
    // Each run makes a new hash: two links, two different hashes.
    const second = await cli(['wialon', 'app-link', '--app-url', appUrl], env());
    expect(new URL(second.stdout.trim()).searchParams.get('authHash')).not.toBe(
      new URL(link).searchParams.get('authHash'),
    );
  });

  it('names the missing environment variable, and refuses the token as a flag', async () => {
    const missing = await cli(['wialon', 'app-link', '--app-url', 'https://acme.okdesk.ru/wialonauth'], {
      WIALON_BASE_URL: sandbox.urls.wialon,
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/WIALON_TOKEN/);
    const flag = await cli(['wialon', 'app-link', '--token', 'x'.repeat(72), '--app-url', 'https://a.example/']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/secrets never come from flags/);
  });

  it('a refused token is a failure with Wialon error and the hint, never the token', async () => {
    const wrong = 'f0'.repeat(36);
    const refused = await cli(['wialon', 'app-link', '--app-url', 'https://acme.okdesk.ru/wialonauth'], {
      ...env(),
      WIALON_TOKEN: wrong,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^error \[wialon_auth_upstream_unavailable\]: Wialon refused token\/login \(error 8\)/,
    );
    expect(refused.stderr).not.toContain(wrong);
  });

  it('--help documents the variables', async () => {
    const help = await cli(['wialon', 'app-link', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: vendorkit wialon app-link');
    expect(help.stdout).toContain('WIALON_BASE_URL');
    expect(help.stdout).toContain('WIALON_TOKEN');
  });
});
