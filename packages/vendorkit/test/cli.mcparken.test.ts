/**
 * `vendorkit mcparken token` against real loopback servers: what a shell user sees when McParken
 * refuses, echoes the request, or cannot be reached (issue 15 items 3 and 7, issue 16 item 5).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

const utf8 = new TextEncoder();
/** PHP's urlencode(), written independently of the code under test. */
function phpUrlencode(text: string): string {
  return Array.from(utf8.encode(text), (byte) => {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9._-]/.test(char)) return char;
    return char === ' ' ? '+' : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}
const base64 = (text: string) => btoa(Array.from(utf8.encode(text), (b) => String.fromCharCode(b)).join(''));
const forms = (secret: string) => [
  secret,
  encodeURIComponent(secret),
  new URLSearchParams([['', secret]]).toString().slice(1),
  phpUrlencode(secret),
  base64(secret),
  base64(secret).replace(/=+$/, ''),
];

let server: Server;
let baseUrl: string;
let logins: number;

beforeAll(async () => {
  // An upstream that refuses every login (McParken's 401.2, VENDORS.md §4 [C]) and echoes what it
  // received, as some servers and proxies do.
  server = createServer((req, res) => {
    logins += 1;
    const url = `http://${req.headers.host}${req.url}`;
    const query = new URL(url).searchParams;
    const password = query.get('password') ?? '';
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        errormessage: `Bad request ${url} key=${req.headers.apikey} pw=${phpUrlencode(password)} ${base64(password)}`,
        // A code outside McParken's list puts the vendor's message into the error message itself.
        errorcode: query.get('username') === 'unlisted-code@example.com' ? 'E42' : '401.2',
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
beforeEach(() => {
  logins = 0;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const env = (password: string, apiKey = 'cli-echo-apikey-0001') => ({
  MCPARKEN_BASE_URL: baseUrl,
  MCPARKEN_APIKEY: apiKey,
  MCPARKEN_USERNAME: 'cli@example.com',
  MCPARKEN_PASSWORD: password,
});

describe('mcparken token: a refused login', () => {
  it("one login per run, exit 1 with McParken's code, and no form of the password in the output", async () => {
    const special = fc.constantFrom('!', "'", '(', ')', '~', '*', ' ', '+', '%', '&', '=');
    const password = fc
      .array(fc.oneof(special, fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })), {
        minLength: 3,
        maxLength: 8,
      })
      .map((parts) => `Zq${parts.join('')}x7`)
      .filter((text) => text.trim() !== '');
    await fc.assert(
      fc.asyncProperty(password, fc.boolean(), async (pw, listed) => {
        logins = 0;
        const { code, stdout, stderr } = await runCli(['mcparken', 'token'], {
          ...env(pw),
          MCPARKEN_USERNAME: listed ? 'cli@example.com' : 'unlisted-code@example.com',
        });
        expect(code).toBe(1);
        expect(stderr).toMatch(listed ? /^error \[401\.2\]: / : /^error \[E42\]: .*Bad request/);
        expect(logins).toBe(1);
        const leaked = [...forms(pw), ...forms('cli-echo-apikey-0001')].filter((form) =>
          `${stdout}${stderr}`.includes(form),
        );
        expect(leaked).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("the issue's example password s3cr3t!pa'ss(word)~ is not shown form-encoded", async () => {
    const { stderr } = await runCli(['mcparken', 'token'], {
      ...env("s3cr3t!pa'ss(word)~"),
      MCPARKEN_USERNAME: 'unlisted-code@example.com',
    });
    expect(stderr).toMatch(/^error \[E42\]: McParken answered with error code E42: Bad request /);
    expect(stderr).not.toContain('s3cr3t%21pa%27ss%28word%29%7E');
    expect(stderr).toContain('[REDACTED]');
    expect(logins).toBe(1);
  });
});

describe('mcparken token: McParken out of reach names the system error', () => {
  it('a closed loopback port: network_error (ECONNREFUSED), exit 1', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const { code, stderr } = await runCli(['mcparken', 'token'], {
      ...env('some-password'),
      MCPARKEN_BASE_URL: `http://127.0.0.1:${port}/api`,
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error \[network_error\]: Could not reach McParken \(ECONNREFUSED\)/);
    expect(stderr).not.toContain('TypeError');
    expect(stderr).not.toContain('some-password');
  });

  it('a port fetch refuses (9): "bad port", not TypeError', async () => {
    const { code, stderr } = await runCli(['mcparken', 'token'], {
      ...env('some-password'),
      MCPARKEN_BASE_URL: 'http://127.0.0.1:9/api',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('(bad port)');
  });
});

describe('mcparken token --verbose and --timeout (issue 17: logger, hooks, per-call timeoutMs)', () => {
  it('--verbose prints the login request, its status and the refusal to stderr, with no form of a secret', async () => {
    const password = "Zq v3rb0se!p'a(s)s~x7";
    const { code, stdout, stderr } = await runCli(['mcparken', 'token', '--verbose'], {
      ...env(password),
      MCPARKEN_USERNAME: 'unlisted-code@example.com',
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`debug: GET ${baseUrl}/session/getsession?username=[REDACTED]&password=[REDACTED]`);
    expect(stderr).toMatch(/→ 401 in \d+ ms/);
    expect(stderr).toMatch(/^warn: McParken refused the login \(E42\)/m);
    expect(stderr).toMatch(/^error \[E42\]: /m);
    const leaked = [...forms(password), ...forms('cli-echo-apikey-0001')].filter((form) =>
      `${stdout}${stderr}`.includes(form),
    );
    expect(leaked).toEqual([]);
    expect(logins).toBe(1);
  });

  it('without --verbose nothing but the error reaches stderr', async () => {
    const { stderr } = await runCli(['mcparken', 'token'], env('some-password'));
    expect(stderr).toMatch(/^error \[401\.2\]: [^\n]*\nhint: [^\n]*\n$/);
  });

  it('--timeout gives up on a McParken that never answers: exit 1 with [timeout]', async () => {
    const stalled = createServer(() => {
      /* never answers */
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    try {
      const started = performance.now();
      const { code, stderr } = await runCli(['mcparken', 'token', '--timeout', '300'], {
        ...env('some-password'),
        MCPARKEN_BASE_URL: `http://127.0.0.1:${(stalled.address() as AddressInfo).port}/api`,
      });
      expect(code).toBe(1);
      expect(stderr).toMatch(/^error \[timeout\]: /);
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      stalled.closeAllConnections();
      await new Promise((resolve) => stalled.close(resolve));
    }
  });

  it('--timeout takes a whole number of milliseconds', async () => {
    const { code, stderr } = await runCli(['mcparken', 'token', '--timeout', 'soon'], env('some-password'));
    expect(code).toBe(2);
    expect(stderr).toContain('whole number');
  });
});
