/**
 * Issue 17 item 3: `logger` and `hooks` see every request with secrets already redacted, the
 * package never writes to the console by itself, requests carry
 * `User-Agent: vendorkit-mcparken-session/<version>` (in front of the caller's own), and errors
 * carry the request id of the answer. A real loopback server records what arrives.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientHooks, Logger } from '@vendorkit/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { USER_AGENT } from '../src/version.js';
import { caught, leakedSecrets } from './helpers.js';

// Characters that change under every encoding, so encoded leaks are caught too.
const SECRETS = { apiKey: 'Obs+apikey/Value=9', username: 'obs.user@example.com', password: "Obs p@ss&=?#w'o(r)d~" };
const TOKEN = 'obs-access-token-value';

let server: Server;
let baseUrl: string;
let received: Array<{ url: string; headers: IncomingHttpHeaders }>;
/** How the next protected answers go: 'ok', 'expired' (once, then ok), 'busy' (503 once), 'echo' (error body echoing the request). */
let mode: 'ok' | 'expired' | 'busy' | 'echo';

beforeAll(async () => {
  let logins = 0;
  server = createServer((req, res) => {
    received.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/api/session/getsession')) {
      logins += 1;
      const password = new URL(req.url, 'http://x').searchParams.get('password');
      if (password !== SECRETS.password) {
        // McParken's refusal (VENDORS.md §4 [C]), echoing what it received as some upstreams do.
        res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': 'req-login-refused' });
        res.end(JSON.stringify({ errormessage: `Wrong password for ${req.url}`, errorcode: '401.2' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `${TOKEN}-${logins}`,
          expires_in: '1640557975',
          issued: '2021-12-26 23:31:55 +01:00',
          expires: '2021-12-26 23:32:55 +01:00',
        }),
      );
      return;
    }
    if (mode === 'expired') {
      mode = 'ok';
      // The expired-token answer, with a success status (VENDORS.md §4 [C]).
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"errormessage":"Your access token has expired...","errorcode":401}');
      return;
    }
    if (mode === 'busy') {
      mode = 'ok';
      res.writeHead(503, { 'retry-after': '0' });
      res.end();
      return;
    }
    if (mode === 'echo') {
      res.writeHead(409, { 'content-type': 'application/json', 'x-request-id': 'req-409-echo' });
      res.end(
        JSON.stringify({
          errormessage: `Refused ${req.url} with ${req.headers.authorization} and ${req.headers.apikey}`,
          errorcode: 'E409',
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req-ok-1' });
    res.end('[{"zoneId":1}]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
beforeEach(() => {
  received = [];
  mode = 'ok';
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Every form of a secret the check looks for. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), new URLSearchParams([['', secret]]).toString().slice(1)];
}

describe('logger and hooks', () => {
  it('see logins, requests, retries, renewals and failures — with no form of any secret', async () => {
    const seen: unknown[] = [];
    const logger: Logger = {
      debug: (message, fields) => seen.push(['debug', message, fields]),
      info: (message, fields) => seen.push(['info', message, fields]),
      warn: (message, fields) => seen.push(['warn', message, fields]),
      error: (message, fields) => seen.push(['error', message, fields]),
    };
    const calls: Record<string, number> = { onRequest: 0, onResponse: 0, onRetry: 0, onError: 0 };
    const hooks: ClientHooks = {};
    for (const name of ['onRequest', 'onResponse', 'onRetry', 'onError'] as const) {
      hooks[name] = (info: unknown) => {
        calls[name] = (calls[name] ?? 0) + 1;
        seen.push([name, info]);
      };
    }
    const s = new McParkenSession({ ...SECRETS, baseUrl, logger, hooks });
    await s.http.get('parking/zones', { searchParams: { note: SECRETS.password } }).json();
    mode = 'busy';
    await s.http.get('parking/zones').json();
    mode = 'expired';
    await s.http.get('parking/zones').json();
    mode = 'echo';
    const echoed = await caught(s.http.put('parking/zones/1', { json: { secret: SECRETS.password } }));
    expect(isMcParkenError(echoed, 'E409')).toBe(true);
    const refused = new McParkenSession({ ...SECRETS, password: `${SECRETS.password}-wrong`, baseUrl, logger, hooks });
    expect(isMcParkenError(await caught(refused.getAccessToken()), '401.2')).toBe(true);
    const closed = new McParkenSession({ ...SECRETS, baseUrl: 'http://127.0.0.1:9/api', retries: 0, logger, hooks });
    expect(isMcParkenError(await caught(closed.http.get('parking/zones')), 'network_error')).toBe(true);

    expect(calls.onRequest).toBeGreaterThanOrEqual(8);
    expect(calls.onResponse).toBeGreaterThanOrEqual(7);
    expect(calls.onRetry).toBeGreaterThanOrEqual(1);
    expect(calls.onError).toBeGreaterThanOrEqual(1);
    expect(seen.some((entry) => JSON.stringify(entry).includes('expired'))).toBe(true);
    const text = JSON.stringify(seen, (_key, value) =>
      value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
    );
    const tokens = received.flatMap(({ headers }) =>
      /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1] ? [headers.authorization!.slice(7)] : [],
    );
    expect(tokens.length).toBeGreaterThan(0);
    for (const secret of [SECRETS.password, `${SECRETS.password}-wrong`, SECRETS.apiKey, ...tokens]) {
      for (const form of forms(secret)) expect(text).not.toContain(form);
    }
    // The vendor message echoed the bearer token and the apikey: the error keeps neither.
    expect(leakedSecrets(echoed, [SECRETS.apiKey, SECRETS.password, ...tokens])).toEqual([]);
    expect((echoed as { vendorMessage?: string }).vendorMessage).toContain('[REDACTED]');
  });

  it('a hook that throws does not break the call', async () => {
    const s = new McParkenSession({
      ...SECRETS,
      baseUrl,
      hooks: {
        onRequest: () => {
          throw new Error('broken hook');
        },
      },
    });
    expect(await s.http.get('parking/zones').json()).toEqual([{ zoneId: 1 }]);
  });
});

describe('silence', () => {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  let spies: Array<ReturnType<typeof vi.spyOn>>;
  beforeEach(() => {
    spies = methods.map((method) => vi.spyOn(console, method).mockImplementation(() => undefined));
  });
  afterEach(() => {
    for (const spy of spies) spy.mockRestore();
  });

  it('no console write without a logger: successes, retries, renewals, refusals, network failures', async () => {
    const s = new McParkenSession({ ...SECRETS, baseUrl });
    await s.http.get('parking/zones').json();
    mode = 'busy';
    await s.http.get('parking/zones').json();
    mode = 'expired';
    await s.http.get('parking/zones').json();
    mode = 'echo';
    await caught(s.http.delete('parking/zones/1'));
    await caught(new McParkenSession({ ...SECRETS, password: 'wrong', baseUrl }).getAccessToken());
    await caught(new McParkenSession({ ...SECRETS, baseUrl: 'http://127.0.0.1:9/api', retries: 0 }).getSession());
    await caught(s.http.get('../outside'));
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe('User-Agent, headers and request ids', () => {
  it('the login and every request carry vendorkit-mcparken-session/<version>', async () => {
    const s = new McParkenSession({ ...SECRETS, baseUrl });
    await s.http.get('parking/zones').json();
    expect(USER_AGENT).toMatch(/^vendorkit-mcparken-session\/\S+$/);
    expect(received.map(({ headers }) => headers['user-agent'])).toEqual([USER_AGENT, USER_AGENT]);
  });

  it("the caller's User-Agent and headers are merged; apikey and authorization stay the session's", async () => {
    const s = new McParkenSession({ ...SECRETS, baseUrl });
    await s.http
      .get('parking/zones', {
        headers: { 'user-agent': 'parking-app/2.1', 'x-trace': 't-1', authorization: 'Bearer forged', apikey: 'x' },
      })
      .json();
    const call = received.at(-1)!;
    expect(call.headers['user-agent']).toBe(`${USER_AGENT} parking-app/2.1`);
    expect(call.headers['x-trace']).toBe('t-1');
    expect(call.headers.authorization).toMatch(new RegExp(`^Bearer ${TOKEN}-\\d+$`));
    expect(call.headers.apikey).toBe(SECRETS.apiKey);
  });

  it('answers and errors carry the request id; errors the status and the vendor code', async () => {
    const s = new McParkenSession({ ...SECRETS, baseUrl });
    const answer = await s.http.get('parking/zones');
    expect(answer.status).toBe(200);
    expect(answer.requestId).toBe('req-ok-1');
    expect(answer.json()).toEqual([{ zoneId: 1 }]);
    mode = 'echo';
    const error = await caught(s.http.get('parking/zones'));
    expect(isMcParkenError(error, 'E409')).toBe(true);
    expect(error).toMatchObject({ status: 409, requestId: 'req-409-echo' });
    const refused = await caught(new McParkenSession({ ...SECRETS, password: 'nope', baseUrl }).getAccessToken());
    expect(refused).toMatchObject({ code: '401.2', status: 401, requestId: 'req-login-refused' });
  });
});
