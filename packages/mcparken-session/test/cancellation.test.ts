/**
 * Issue 17 item 2: every public async call takes `{ signal?, timeoutMs? }`; an abort rejects
 * within 100 ms with the signal's reason and leaves nothing running — no timer, and the server
 * sees the socket closed. A real loopback server that never answers plays the stalled McParken.
 * A login is shared between callers (single flight): one caller giving up must not cancel it for
 * the others, but when every caller gave up it is abandoned.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { caught } from './helpers.js';

const CREDENTIALS = { apiKey: 'abort-apikey-0001', username: 'abort@example.com', password: 'abort-password' };
type Behaviour = (req: IncomingMessage, res: ServerResponse) => void;

// McParken's documented session answer (VENDORS.md §4 [C], seed 004).
const answerLogin: Behaviour = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      access_token: `abort-token-${hits.login}`,
      expires_in: '1640557975',
      token_type: 'bearer',
      userid: '72',
      issued: '2021-12-26 23:31:55 +01:00',
      expires: '2021-12-26 23:32:55 +01:00',
    }),
  );
};
/** Never answers; counts the request's socket as closed when the client goes away. */
const stall: Behaviour = (_req, res) => {
  stalled.open += 1;
  res.on('close', () => {
    stalled.closed += 1;
  });
  pending.add(res);
};

let server: Server;
let baseUrl: string;
let behaviour: { login: Behaviour; api: Behaviour };
let hits: { login: number; api: number };
let stalled: { open: number; closed: number };
const pending = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url?.startsWith('/api/session/getsession')) {
      hits.login += 1;
      behaviour.login(req, res);
    } else {
      hits.api += 1;
      behaviour.api(req, res);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
beforeEach(() => {
  for (const res of pending) res.destroy();
  pending.clear();
  behaviour = { login: answerLogin, api: stall };
  hits = { login: 0, api: 0 };
  stalled = { open: 0, closed: 0 };
});
afterAll(async () => {
  for (const res of pending) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// Long deadlines: only the abort may end these calls.
const session = () => new McParkenSession({ ...CREDENTIALS, baseUrl, timeoutMs: 60_000, retries: 3 });
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

/** Starts `call` with a fresh signal, aborts once the server holds the request, and checks everything stopped. */
async function expectPromptAbort(call: (signal: AbortSignal) => Promise<unknown>) {
  const timersBefore = timers();
  const controller = new AbortController();
  const result = caught(call(controller.signal));
  await vi.waitFor(() => expect(stalled.open).toBe(1));
  const reason = new Error('the user went away');
  const abortedAt = performance.now();
  controller.abort(reason);
  expect(await result).toBe(reason);
  expect(performance.now() - abortedAt).toBeLessThan(100);
  await vi.waitFor(() => expect(stalled.closed).toBe(1));
  expect(timers()).toBeLessThanOrEqual(timersBefore);
}

describe('an abort against a server that never answers: rejects within 100 ms, nothing left running', () => {
  it('getAccessToken({ signal }) during the login', async () => {
    behaviour.login = stall;
    const s = session();
    await expectPromptAbort((signal) => s.getAccessToken({ signal }));
  });

  it('getSession({ signal }) during the login', async () => {
    behaviour.login = stall;
    const s = session();
    await expectPromptAbort((signal) => s.getSession({ signal }));
  });

  it('http.get({ signal }) while it waits for the login', async () => {
    behaviour.login = stall;
    const s = session();
    await expectPromptAbort((signal) => s.http.get('parking/zones', { signal }));
    expect(hits.api).toBe(0);
  });

  for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
    it(`http.${method}({ signal }) during the request itself`, async () => {
      const s = session();
      await s.getAccessToken();
      await expectPromptAbort((signal) =>
        method === 'get'
          ? s.http.get('parking/zones', { signal })
          : s.http[method]('parking/zones/1', { json: { open: false }, signal }),
      );
      expect(hits.api).toBe(1);
    });
  }

  it('http.get(…).json() with a signal: the chained form rejects with the reason too', async () => {
    const s = session();
    await s.getAccessToken();
    await expectPromptAbort((signal) => s.http.get('parking/zones', { signal }).json());
  });

  it('an abort during a Retry-After wait stops the retries at once', async () => {
    behaviour.api = (_req, res) => {
      res.writeHead(503, { 'retry-after': '30' });
      res.end();
    };
    const s = session();
    await s.getAccessToken();
    const controller = new AbortController();
    const result = caught(s.http.get('parking/zones', { signal: controller.signal }));
    await vi.waitFor(() => expect(hits.api).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = performance.now();
    controller.abort(new Error('stop'));
    expect(((await result) as Error).message).toBe('stop');
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(hits.api).toBe(1);
  });

  it('an already aborted signal sends nothing, not even the login', async () => {
    const s = session();
    const reason = new Error('already gone');
    const signal = AbortSignal.abort(reason);
    expect(await caught(s.getAccessToken({ signal }))).toBe(reason);
    expect(await caught(s.getSession({ signal }))).toBe(reason);
    expect(await caught(s.http.get('parking/zones', { signal }))).toBe(reason);
    expect(await caught(s.http.post('parking/zones', { json: {}, signal }))).toBe(reason);
    expect(await caught(s.invalidate('some-token', { signal }))).toBe(reason);
    expect(hits).toEqual({ login: 0, api: 0 });
  });
});

describe('a shared login and its callers', () => {
  it('one caller aborting does not cancel the login for another caller: one login, the other gets its token', async () => {
    let release: (() => void) | undefined;
    behaviour.login = (req, res) => {
      release = () => answerLogin(req, res);
    };
    const s = session();
    const controller = new AbortController();
    const patient = s.getAccessToken();
    const impatient = caught(s.getAccessToken({ signal: controller.signal }));
    const viaHttp = caught(s.http.get('parking/zones', { signal: controller.signal }));
    await vi.waitFor(() => expect(release).toBeDefined());
    const reason = new Error('one caller gave up');
    controller.abort(reason);
    expect(await impatient).toBe(reason);
    expect(await viaHttp).toBe(reason);
    release?.();
    expect(await patient).toBe('abort-token-1');
    expect(hits.login).toBe(1);
    expect(hits.api).toBe(0);
  });

  it('when every caller gave up, the login is abandoned (socket closed); the next caller logs in afresh', async () => {
    behaviour.login = stall;
    const s = session();
    const timersBefore = timers();
    const a = new AbortController();
    const b = new AbortController();
    const first = caught(s.getAccessToken({ signal: a.signal }));
    const second = caught(s.http.get('parking/zones', { signal: b.signal }));
    await vi.waitFor(() => expect(stalled.open).toBe(1));
    a.abort(new Error('a'));
    await first;
    expect(stalled.closed).toBe(0); // b still waits
    b.abort(new Error('b'));
    await second;
    await vi.waitFor(() => expect(stalled.closed).toBe(1));
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    behaviour.login = answerLogin;
    expect(await s.getAccessToken()).toBe('abort-token-2');
    expect(hits.login).toBe(2);
  });

  it('a caller arriving just after the others gave up gets a token, not their abort', async () => {
    behaviour.login = stall;
    const s = session();
    const controller = new AbortController();
    const gaveUp = caught(s.getAccessToken({ signal: controller.signal }));
    await vi.waitFor(() => expect(stalled.open).toBe(1));
    controller.abort(new Error('gone'));
    await gaveUp;
    // The abandoned login is still settling (lock release in the store): the next caller may join it.
    behaviour.login = answerLogin;
    expect(await s.getAccessToken()).toBe('abort-token-2');
    expect(hits.login).toBe(2);
  });

  it('a caller joining before the last one gave up keeps the login going', async () => {
    let release: (() => void) | undefined;
    behaviour.login = (req, res) => {
      release = () => answerLogin(req, res);
    };
    const s = session();
    const controller = new AbortController();
    const gaveUp = caught(s.getAccessToken({ signal: controller.signal }));
    await vi.waitFor(() => expect(release).toBeDefined());
    controller.abort(new Error('gone'));
    const joined = s.getAccessToken(); // in the same tick: the login still has a caller
    await gaveUp;
    release?.();
    expect(await joined).toBe('abort-token-1');
    expect(hits.login).toBe(1);
  });
});

describe('per-call timeoutMs', () => {
  it('getAccessToken({ timeoutMs }) against a stalled login: typed timeout, the abandoned login closed', async () => {
    behaviour.login = stall;
    const s = session();
    const started = performance.now();
    const error = await caught(s.getAccessToken({ timeoutMs: 150 }));
    expect(isMcParkenError(error, 'timeout'), String(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    await vi.waitFor(() => expect(stalled.closed).toBe(1));
  });

  it('http.get({ timeoutMs }) covers the login and the request together', async () => {
    const s = session();
    const started = performance.now();
    const error = await caught(s.http.get('parking/zones', { timeoutMs: 200 }));
    expect(isMcParkenError(error, 'timeout'), String(error)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(hits).toEqual({ login: 1, api: 1 });
    await vi.waitFor(() => expect(stalled.closed).toBe(1));
  });

  it('a bad per-call option is a ConfigurationError, before anything is sent', async () => {
    const s = session();
    for (const options of [{ timeoutMs: 0 }, { timeoutMs: Number.NaN }, { signal: 'soon' }]) {
      const error = await caught(s.getAccessToken(options as never));
      expect(isMcParkenError(error, 'invalid_configuration'), String(error)).toBe(true);
      const viaHttp = await caught(s.http.get('parking/zones', options as never));
      expect(isMcParkenError(viaHttp, 'invalid_configuration'), String(viaHttp)).toBe(true);
    }
    expect(hits).toEqual({ login: 0, api: 0 });
  });
});
