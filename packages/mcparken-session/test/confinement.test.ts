/**
 * Issue 15 item 4: `session.http` sends the bearer token and the apikey, so it must send nothing
 * to any address outside `baseUrl` — refused with a typed error before anything (not even the
 * login) goes out. A counting fetch sees every request; a real second server plays the attacker
 * for redirects.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { caught, leakedSecrets } from './helpers.js';

const SECRETS = { apiKey: 'confined-apikey-42', username: 'confined@example.com', password: 'confined-password' };
const BASE = 'https://mcparken.se/api';
// McParken's documented session answer (VENDORS.md §4 [C], seed 004).
const SESSION_BODY = JSON.stringify({
  access_token: 'confined-token-value',
  expires_in: '1640557975',
  token_type: 'bearer',
  userid: '72',
  issued: '2021-12-26 23:31:55 +01:00',
  expires: '2021-12-26 23:32:55 +01:00',
});

let sent: string[];
const countingFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  sent.push(request.url);
  if (request.url.startsWith(`${BASE}/session/getsession`)) {
    return new Response(SESSION_BODY, { headers: { 'content-type': 'application/json' } });
  }
  return Response.json([]);
};
beforeEach(() => {
  sent = [];
});
const session = () => new McParkenSession({ ...SECRETS, fetch: countingFetch });

async function expectRefused(promise: () => Promise<unknown>) {
  let error: unknown;
  try {
    await promise();
  } catch (e) {
    error = e;
  }
  expect(isMcParkenError(error, 'outside_base_url'), String(error)).toBe(true);
  expect((error as Error).message).toContain('nothing was sent');
  expect(leakedSecrets(error, [SECRETS.apiKey, SECRETS.password, 'confined-token-value'])).toEqual([]);
  expect(sent).toEqual([]);
}

describe('session.http refuses every address outside baseUrl, before anything is sent', () => {
  const outside: Array<[string, (s: McParkenSession) => Promise<unknown>]> = [
    ['a URL object elsewhere', (s) => s.http.get(new URL('https://evil.example/steal'))],
    ['a URL object on the same host outside the base path', (s) => s.http.get(new URL('https://mcparken.se/other'))],
    // Plain JavaScript callers may pass anything: a Request is neither a path nor a URL.
    ['a Request object elsewhere', (s) => s.http.get(new Request('https://evil.example/steal') as unknown as string)],
    [
      'a Request object (POST) inside baseUrl',
      (s) => s.http.post(new Request(`${BASE}/parking/zones`, { method: 'POST' }) as unknown as string),
    ],
    ["'../../evil'", (s) => s.http.get('../../evil')],
    ["'parking/../../evil'", (s) => s.http.get('parking/../../evil')],
    ["'//evil.example/x'", (s) => s.http.get('//evil.example/x')],
    ["'/parking/zones' (leading slash)", (s) => s.http.get('/parking/zones')],
    ["'https://evil.example/x' (absolute URL string)", (s) => s.http.get('https://evil.example/x')],
    ["'https://evil.example/x' with PUT", (s) => s.http.put('https://evil.example/x', { json: {} })],
    [
      "'https://mcparken.se/api/../evil' (absolute, with a dot segment)",
      (s) => s.http.get('https://mcparken.se/api/../evil'),
    ],
    ["'parking/./zones' (a dot segment, refused even where harmless)", (s) => s.http.get('parking/./zones')],
    ["'%2e%2e/%2e%2e/evil' (encoded dot segments)", (s) => s.http.get('%2e%2e/%2e%2e/evil')],
    ["'..%2f..%2fevil' (encoded slash)", (s) => s.http.get('..%2f..%2fevil')],
    ["'a/%252e%252e/b' (double encoding)", (s) => s.http.get('a/%252e%252e/b')],
    ["'..%5c..%5cevil' (encoded backslash)", (s) => s.http.get('..%5c..%5cevil')],
    ['an http: downgrade of the base', (s) => s.http.get(new URL('http://mcparken.se/api/parking/zones'))],
  ];
  for (const [name, call] of outside) {
    it(name, async () => {
      await expectRefused(() => call(session()));
    });
  }

  it('paths inside baseUrl still work, and reach only baseUrl', async () => {
    const s = session();
    for (const path of [
      'parking/zones',
      'parking/zones?from=2026-01-01&to=..',
      'parking/zones/a%20b',
      'parking/zones/100%25',
    ]) {
      expect(await s.http.get(path).json()).toEqual([]);
    }
    await s.http.get(new URL(`${BASE}/parking/zones`)).json();
    await s.http.get(`${BASE}/parking/zones`).json();
    expect(sent.every((url) => url.startsWith(`${BASE}/`))).toBe(true);
    expect(sent.filter((url) => url.includes('getsession'))).toHaveLength(1);
  });
});

describe('redirects are not followed (the apikey header would go along)', () => {
  let evil: Server;
  let evilHits: Array<string | undefined>;
  let base: Server;
  let baseUrl: string;
  let evilUrl: string;
  beforeAll(async () => {
    evil = createServer((req, res) => {
      evilHits.push(req.headers.apikey as string | undefined);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(SESSION_BODY);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/steal`;
    base = createServer((req, res) => {
      if (req.url?.startsWith('/api/session/getsession') && !req.url.includes('redirect-login')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(SESSION_BODY);
        return;
      }
      res.writeHead(302, { location: `${evilUrl}?password=${SECRETS.password}` });
      res.end();
    });
    await new Promise<void>((resolve) => base.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(base.address() as AddressInfo).port}/api`;
  });
  beforeEach(() => {
    evilHits = [];
  });
  afterAll(async () => {
    for (const server of [evil, base]) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a protected call answered with a redirect elsewhere: http_error 302, nothing reaches the other server', async () => {
    const s = new McParkenSession({ ...SECRETS, baseUrl });
    const error = await caught(s.http.get('parking/zones'));
    expect(isMcParkenError(error, 'http_error')).toBe(true);
    expect((error as { status?: number }).status).toBe(302);
    expect((error as Error).message).toMatch(/redirect/i);
    expect((error as Error).message).toContain(evilUrl);
    expect(leakedSecrets(error, [SECRETS.apiKey, SECRETS.password])).toEqual([]);
    expect(evilHits).toEqual([]);
  });

  it('the login answered with a redirect: http_error 302, neither apikey nor password goes elsewhere', async () => {
    const s = new McParkenSession({ ...SECRETS, username: 'redirect-login', baseUrl, retries: 0 });
    const error = await caught(s.getAccessToken());
    expect(isMcParkenError(error, 'http_error')).toBe(true);
    expect((error as { status?: number }).status).toBe(302);
    expect(leakedSecrets(error, [SECRETS.apiKey, SECRETS.password])).toEqual([]);
    expect(evilHits).toEqual([]);
  });
});
