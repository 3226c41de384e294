/**
 * Hostile input to the CLI's parsers of outside data (links to decode, --field, --valid-for,
 * --status, unknown flags) and to the sandbox's HTTP bridge: every run ends with exit 1 or 2 and
 * an `error` line (or succeeds), nothing throws or hangs, and the passphrase never shows.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox.js';
import { runCli } from './support/cli.js';

const PASSPHRASE = 'fuzz-passphrase-of-exactly-32-by';
const env = { PRINTLOUNGE_PASSPHRASE: PASSPHRASE };

function expectCleanOutcome(result: { code: number; stdout: string; stderr: string }, { helpIsAnAnswer = false } = {}) {
  expect([0, 1, 2]).toContain(result.code);
  // A command group without its subcommand (or no command at all) answers with its usage.
  if (result.code !== 0) expect(result.stderr).toMatch(helpIsAnAnswer ? /^(error|Usage: vendorkit)/m : /^error/m);
  expect(result.stdout + result.stderr).not.toContain(PASSPHRASE);
}

describe('CLI parsers under hostile input', () => {
  it('printlounge decode: any string, URL or base64-ish text fails cleanly', async () => {
    const base64ish = fc.stringMatching(/^[A-Za-z0-9+/=%]{0,200}$/);
    const input = fc.oneof(
      fc.string({ maxLength: 300 }),
      base64ish,
      base64ish.map((b) => `https://acme.print-server.net/autologin.php?u_data=${b}`),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
    );
    await fc.assert(
      fc.asyncProperty(input, async (value) => {
        const result = await runCli(['printlounge', 'decode', '--', value], env);
        expectCleanOutcome(result);
        // Random data is never a valid link for this passphrase.
        expect(result.code).not.toBe(0);
      }),
      { numRuns: 600 },
    );
  });

  it('printlounge link: random users, fields and lifetimes give a link or a typed error', async () => {
    const arbitraryField = fc.tuple(
      fc.oneof(
        fc.constantFrom('customer_longname', 'customfield1', 'customer_user_zip', 'qty', 'sprache'),
        fc.string({ maxLength: 20 }),
      ),
      fc.string({ maxLength: 220 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.array(arbitraryField, { maxLength: 4 }),
        fc.oneof(fc.string({ maxLength: 12 }), fc.integer({ min: -5, max: 40_000_000 }).map(String)),
        async (user, fields, validFor) => {
          const argv = ['printlounge', 'link', '--shop', 'acme', '--user', user, '--valid-for', validFor];
          for (const [key, value] of fields) argv.push('--field', `${key}=${value}`);
          const result = await runCli(argv, env);
          expectCleanOutcome(result);
          if (result.code === 0)
            expect(result.stdout).toMatch(/^https:\/\/acme\.print-server\.net\/autologin\.php\?u_data=\S+\n$/);
          else expect(result.stderr).toMatch(/^error( \[[a-z_]+\])?: /m);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('arbitrary argv never crashes the program', async () => {
    const token = fc.oneof(
      fc.constantFrom(
        'printlounge',
        'link',
        'decode',
        'mcparken',
        'token',
        'officernd',
        'members',
        'sync',
        'wialon',
        'verify',
        'sandbox',
      ),
      fc.constantFrom('--help', '--status', '--json', '--dry-run', '--port', '--field', '--shop', '--user', '-V', '--'),
      fc.string({ maxLength: 15 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 6 }), async (argv) => {
        // Keep it offline: no credentials for the vendor commands, no sandbox server started.
        if (argv.includes('sandbox') && !argv.includes('--help')) return;
        const result = await runCli(argv, env);
        expectCleanOutcome(result, { helpIsAnAnswer: true });
      }),
      { numRuns: 500 },
    );
  });
});

describe('sandbox HTTP bridge under hostile requests', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  const send = (method: string, path: string, body: Uint8Array) =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(sandbox.origin);
      const req = request({ host: url.hostname, port: url.port, method, path, timeout: 5000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(method === 'GET' || method === 'HEAD' ? undefined : body);
    });

  it('answers every request with a status, never hangs', async () => {
    const prefix = fc.constantFrom(
      '/',
      '/printlounge/demo/',
      '/mcparken/api/',
      '/officernd/api/v2/organizations/sandbox-org/',
      '/identity/',
      '/wialon/wialon/',
      '/okdesk/api/v1/',
    );
    const tail = fc.stringMatching(/^[A-Za-z0-9._~%/?&=+-]{0,80}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
        prefix,
        tail,
        fc.uint8Array({ maxLength: 300 }),
        async (method, start, rest, body) => {
          const status = await send(method, `${start}${rest}`, body);
          expect(status).toBeGreaterThanOrEqual(200);
          expect(status).toBeLessThan(600);
        },
      ),
      { numRuns: 400 },
    );
  });
});
