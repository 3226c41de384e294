/**
 * Issue 15 item 3: the password travels form-encoded in the session call's query string
 * (VENDORS.md §4 [C]: `getsession?username=…&password=…`), and a server that echoes the request
 * URL put `password=s3cr3t%21pa%27ss%28word%29%7E` into `vendorMessage`. Secrets are drawn from
 * all of Unicode (plus the characters form encoding treats differently), and every way an
 * upstream might echo them is tried; no form of a secret may reach any rendering of the error.
 */
import fc from 'fast-check';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { caught, everyRendering } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

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
const formEncoded = (text: string) => new URLSearchParams([['', text]]).toString().slice(1);

/** Every form of `secret` the check looks for. */
function forms(secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    formEncoded(secret),
    phpUrlencode(secret),
    phpUrlencode(secret).replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
    base64(secret),
    base64(secret).replace(/=+$/, ''),
  ];
}

// Characters form encoding treats unlike encodeURIComponent, plus random code points from all of Unicode.
const special = fc.constantFrom('!', "'", '(', ')', '~', '*', ' ', '+', '%', '&', '=', '#', '"', '\\');
const secretText = (unit: 'binary' | 'binary-ascii') =>
  fc
    .array(fc.oneof(special, fc.string({ unit, minLength: 1, maxLength: 4 })), { minLength: 3, maxLength: 10 })
    // A marker no message of this package contains, so a hit is a real leak, not a common word.
    .map((parts) => `Zq${parts.join('')}x7`);
const password = secretText('binary').filter((s) => s.trim() !== '');
// Header values are Latin-1 without control characters (the options refuse anything else).
const apiKey = secretText('binary-ascii')
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
  .map((s) => s.replace(/[\u0000-\u001f\u007f]/g, ''))
  .filter((s) => s.trim() !== '');

type Echo = (request: Request, secrets: { password: string; apiKey: string }) => string;
/** How an upstream might echo what it received. */
const ECHOES: Record<string, Echo> = {
  'the request URL': (request) => `Bad request: ${request.url}`,
  'the decoded password': (_request, s) => `Wrong password ${s.password}`,
  'the apikey header': (request) => `Unknown key ${request.headers.get('apikey')}`,
  'PHP urlencode of the password': (_request, s) => `pw=${phpUrlencode(s.password)}`,
  'base64 of the password': (_request, s) => `auth=${base64(s.password)}`,
  'base64 of the apikey': (_request, s) => `key=${base64(s.apiKey)}`,
  'the query string twice encoded': (request) => `next=${encodeURIComponent(new URL(request.url).search)}`,
};

function leaks(error: unknown, secrets: string[]): string[] {
  const text = everyRendering(error);
  return secrets.flatMap((secret) => forms(secret).filter((form) => text.includes(form)));
}

describe('no form of a secret from all of Unicode reaches an error', () => {
  for (const [name, echo] of Object.entries(ECHOES)) {
    it(`an upstream echoing ${name} into errormessage (and errorcode) of the login`, async () => {
      await fc.assert(
        fc.asyncProperty(password, apiKey, fc.boolean(), async (pw, key, inCode) => {
          server.resetHandlers(
            http.get('https://mcparken.se/api/session/getsession', ({ request }) => {
              const text = echo(request, { password: pw, apiKey: key });
              return HttpResponse.json(
                inCode ? { errormessage: text, errorcode: text } : { errormessage: text, errorcode: '401.2' },
                { status: 401 },
              );
            }),
          );
          const session = new McParkenSession({
            apiKey: key,
            username: 'echo@example.com',
            password: pw,
            refusedLoginCooldownMs: 0,
          });
          const error = await caught(session.getAccessToken());
          expect(isMcParkenError(error)).toBe(true);
          expect(leaks(error, [pw, key])).toEqual([]);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('a protected call answered with an error body echoing the URL and the apikey', async () => {
    await fc.assert(
      fc.asyncProperty(password, apiKey, async (pw, key) => {
        server.resetHandlers(
          http.get('https://mcparken.se/api/session/getsession', () =>
            HttpResponse.json({
              access_token: 'echo-token-value',
              issued: '2021-12-26 23:31:55 +01:00',
              expires: '2021-12-26 23:32:55 +01:00',
            }),
          ),
          http.get('https://mcparken.se/api/parking/zones', ({ request }) =>
            HttpResponse.json({
              errormessage: `${request.url} ${request.headers.get('apikey')} ${base64(key)}`,
              errorcode: 'E1',
            }),
          ),
        );
        const session = new McParkenSession({ apiKey: key, username: 'echo@example.com', password: pw });
        // The caller's own query carries the password too, as a careless caller might.
        const error = await caught(session.http.get('parking/zones', { searchParams: { note: pw } }));
        expect(isMcParkenError(error, 'E1')).toBe(true);
        expect(leaks(error, [pw, key, 'echo-token-value'])).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it("the issue's example: password s3cr3t!pa'ss(word)~ echoed in the URL", async () => {
    const pw = "s3cr3t!pa'ss(word)~";
    server.resetHandlers(
      http.get('https://mcparken.se/api/session/getsession', ({ request }) =>
        HttpResponse.json({ errormessage: `Bad request: ${request.url}`, errorcode: '401.2' }, { status: 401 }),
      ),
    );
    const error = await caught(
      new McParkenSession({ apiKey: 'example-apikey', username: 'u@example.com', password: pw }).getAccessToken(),
    );
    expect((error as { vendorMessage?: string }).vendorMessage).not.toContain('s3cr3t%21pa%27ss%28word%29%7E');
    expect(leaks(error, [pw])).toEqual([]);
  });
});
