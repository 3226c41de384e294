import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createOkdeskClient,
  createWialonAppLink,
  createWialonOkdeskAuth,
  isWialonAuthError,
  toNodeHandler,
} from '@vendorkit/wialon-okdesk-auth';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_TOKEN, recordingLogger, rejectionOf } from './helpers.js';

// Issue 17: every public async call takes { signal, timeoutMs, headers }; an abort rejects within
// 100 ms with the signal's reason and leaves no timer or socket behind. The upstreams here are
// real loopback servers that answer what each test says, or never answer.

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

/**
 * A loopback server; `route` answers, or not (a stalled upstream). `requests.open` counts requests
 * received whose connection is still open without an answer: what a cancelled call must not leave.
 * (Idle keep-alive connections undici opens or keeps in its pool are not counted: they carry no request.)
 */
async function upstream(route: Route = () => {}) {
  const requests = { received: 0, open: 0 };
  const paths: string[] = [];
  const server = createServer((req, res) => {
    requests.received++;
    requests.open++;
    let pending = true;
    const done = () => {
      if (pending) requests.open--;
      pending = false;
    };
    res.on('finish', done);
    res.on('close', done);
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      paths.push(req.url ?? '');
      route(req, res, body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, requests, paths };
}

const HASH = 'c0ffee'.repeat(6);
const SESSION = 'sess-5ecret-0123456789';
const wialonAnswers: Route = (req, res) => {
  // No keep-alive: an idle pooled connection would keep fetch's own timers alive and blur the count.
  res.setHeader('connection', 'close');
  res.setHeader('content-type', 'application/json');
  if (req.url?.includes('core/logout')) res.end('{"error":0}');
  else res.end(JSON.stringify({ eid: SESSION, au: 'Carol', user: { nm: 'Carol', id: 5 } }));
};

const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;

/**
 * Aborts `start(signal)` once `ready()` holds (the upstream request is in flight), and checks: the
 * call rejects with the very reason within 100 ms, no upstream request stays open, no timer is left.
 */
async function expectPromptAbort(
  start: (signal: AbortSignal) => Promise<unknown>,
  ready: () => boolean,
  requests: { open: number },
) {
  const timersBefore = timers();
  const controller = new AbortController();
  const pending = start(controller.signal);
  pending.catch(() => undefined);
  await vi.waitFor(() => expect(ready()).toBe(true), { timeout: 5_000 });
  const reason = new Error('the user went away');
  const abortedAt = performance.now();
  controller.abort(reason);
  const error = await rejectionOf(pending);
  expect(performance.now() - abortedAt).toBeLessThan(100);
  expect(error).toBe(reason);
  await vi.waitFor(() => expect(requests.open).toBe(0));
  await vi.waitFor(() => expect(timers()).toBeLessThanOrEqual(timersBefore));
}

describe('verify(url, { signal })', () => {
  it('a Wialon that never answers: rejects with the reason at once; the hash stays used', async () => {
    const wialon = await upstream();
    const log = recordingLogger();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      timeoutMs: 60_000,
      logger: log.logger,
    });
    const params = { user: 'Carol', baseUrl: wialon.base, authHash: HASH };
    await expectPromptAbort(
      (signal) => auth.verify(params, { signal }),
      () => wialon.requests.received === 1,
      wialon.requests,
    );
    expect(log.lines.at(-1)).toMatchObject({
      level: 'info',
      message: 'wialon-okdesk-auth: cancelled by the caller',
      details: { user: 'Carol', hashUsed: true },
    });
    // The hash was claimed before Wialon was asked: a cancelled check never frees it.
    const again = await rejectionOf(auth.verify(params));
    expect(isWialonAuthError(again, 'replayed')).toBe(true);
    expect(wialon.paths).toHaveLength(1);
  });

  it('an Okdesk that never answers: rejects at once, and the Wialon session is still logged out', async () => {
    const wialon = await upstream(wialonAnswers);
    const okdesk = await upstream();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: { baseUrl: okdesk.base, apiToken: API_TOKEN },
      timeoutMs: 60_000,
    });
    await expectPromptAbort(
      (signal) => auth.verify({ user: 'Carol', baseUrl: wialon.base, authHash: HASH }, { signal }),
      () => okdesk.requests.received === 1,
      okdesk.requests,
    );
    await vi.waitFor(() => expect(wialon.paths.some((path) => path.includes('core/logout'))).toBe(true));
  });

  it('an abort while the contact directory or the replay store hangs: rejects at once', async () => {
    const wialon = await upstream(wialonAnswers);
    let lookups = 0;
    const hangingDirectory = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: {
        findContactByLogin: () => {
          lookups++;
          return new Promise(() => {});
        },
      },
      timeoutMs: 60_000,
    });
    await expectPromptAbort(
      (signal) => hangingDirectory.verify({ user: 'Carol', baseUrl: wialon.base, authHash: HASH }, { signal }),
      () => lookups === 1,
      wialon.requests,
    );
    let claims = 0;
    const never = () => new Promise<never>(() => {});
    const hangingStore = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      replayStore: {
        get: never,
        set: never,
        delete: never,
        deleteIfEquals: never,
        setIfAbsent: () => {
          claims++;
          return never();
        },
      },
      timeoutMs: 60_000,
    });
    await expectPromptAbort(
      (signal) => hangingStore.verify({ user: 'Carol', baseUrl: wialon.base, authHash: HASH }, { signal }),
      () => claims === 1,
      wialon.requests,
    );
  });

  it('an already aborted signal sends nothing and claims nothing', async () => {
    const wialon = await upstream(wialonAnswers);
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
    });
    const params = { user: 'Carol', baseUrl: wialon.base, authHash: HASH };
    const reason = new Error('no');
    expect(await rejectionOf(auth.verify(params, { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(wialon.requests.received).toBe(0);
    expect((await auth.verify(params)).wialonUser.name).toBe('Carol');
  });

  it('timeoutMs bounds the whole check: upstream_unavailable, whatever the client timeoutMs', async () => {
    const wialon = await upstream();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      timeoutMs: 60_000,
    });
    const started = performance.now();
    const error = await rejectionOf(
      auth.verify({ user: 'Carol', baseUrl: wialon.base, authHash: HASH }, { timeoutMs: 150 }),
    );
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/timeout/);
    expect(performance.now() - started).toBeLessThan(1_000);
    await vi.waitFor(() => expect(wialon.requests.open).toBe(0));
  });

  it('refuses nonsensical per-call options with a ConfigurationError', async () => {
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
    });
    const params = { user: 'Carol', baseUrl: 'https://hst-api.wialon.com', authHash: HASH };
    for (const options of [{ timeoutMs: 0 }, { signal: 'stop' }, { headers: { 'x-a': 1 } }, 'fast']) {
      const error = await rejectionOf(auth.verify(params, options as never));
      expect(error).toMatchObject({ code: 'invalid_configuration' });
    }
  });
});

describe('handle(request) follows request.signal', () => {
  it('an aborted request rejects handle() with the reason at once and closes the upstream socket', async () => {
    const wialon = await upstream();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      onSuccess: () => new Response('ok'),
      timeoutMs: 60_000,
    });
    const search = new URLSearchParams({ user: 'Carol', baseUrl: wialon.base, authHash: HASH });
    await expectPromptAbort(
      (signal) => auth.handle(new Request(`https://portal.example/wialonauth?${search}`, { signal })),
      () => wialon.requests.received === 1,
      wialon.requests,
    );
  });

  it('behind toNodeHandler, a browser that disconnects aborts the upstream calls; nothing is answered or thrown', async () => {
    const wialon = await upstream();
    const next = vi.fn();
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [wialon.base],
      okdesk: { findContactByLogin: async (login) => ({ id: 1, login }) },
      onSuccess: () => new Response('ok'),
      timeoutMs: 60_000,
    });
    const handler = toNodeHandler(auth.handle);
    let settled: Promise<void> | undefined;
    const receiver = createServer((req, res) => {
      settled = handler(req, res, next);
    });
    servers.push(receiver);
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    const search = new URLSearchParams({ user: 'Carol', baseUrl: wialon.base, authHash: HASH });
    const browser = httpRequest({ host: '127.0.0.1', port, path: `/wialonauth?${search}` });
    browser.on('error', () => undefined);
    browser.end();
    await vi.waitFor(() => expect(wialon.requests.received).toBe(1));
    const closedAt = performance.now();
    browser.destroy();
    await vi.waitFor(() => expect(wialon.requests.open).toBe(0), { interval: 5 });
    expect(performance.now() - closedAt).toBeLessThan(100);
    await settled;
    expect(next).not.toHaveBeenCalled();
  });
});

describe('the Okdesk client and createWialonAppLink take { signal } too', () => {
  it('findContactByLogin and createLoginLink: an abort rejects at once and closes the socket', async () => {
    const okdesk = await upstream();
    const client = createOkdeskClient({ baseUrl: okdesk.base, apiToken: API_TOKEN, timeoutMs: 60_000 });
    await expectPromptAbort(
      (signal) => client.findContactByLogin('Carol', { signal }),
      () => okdesk.requests.received === 1,
      okdesk.requests,
    );
    await expectPromptAbort(
      (signal) => client.findContactByLogin('Carol', { signal, headers: { 'x-trace': 't1' } }),
      () => okdesk.requests.received === 2,
      okdesk.requests,
    );
    await expectPromptAbort(
      (signal) => client.createLoginLink({ id: 1, login: 'Carol' }, { signal }),
      () => okdesk.requests.received === 3,
      okdesk.requests,
    );
  });

  it('a shared lookup goes on while one caller waits, and stops when the last caller aborts', async () => {
    const okdesk = await upstream();
    const client = createOkdeskClient({ baseUrl: okdesk.base, apiToken: API_TOKEN, timeoutMs: 60_000 });
    const first = new AbortController();
    const second = new AbortController();
    const one = client.findContactByLogin('Carol', { signal: first.signal });
    const two = client.findContactByLogin('Carol', { signal: second.signal });
    await vi.waitFor(() => expect(okdesk.requests.received).toBe(1));
    first.abort(new Error('first gone'));
    await expect(one).rejects.toThrow('first gone');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(okdesk.requests.open).toBe(1);
    second.abort(new Error('second gone'));
    await expect(two).rejects.toThrow('second gone');
    await vi.waitFor(() => expect(okdesk.requests.open).toBe(0));
    expect(okdesk.paths).toHaveLength(1);
  });

  it('a per-call timeoutMs bounds a lookup: upstream_unavailable', async () => {
    const okdesk = await upstream();
    const client = createOkdeskClient({ baseUrl: okdesk.base, apiToken: API_TOKEN, timeoutMs: 60_000 });
    const started = performance.now();
    const error = await rejectionOf(client.findContactByLogin('Carol', { timeoutMs: 150 }));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    await vi.waitFor(() => expect(okdesk.requests.open).toBe(0));
  });

  it('createWialonAppLink: an abort rejects at once and closes the socket', async () => {
    const wialon = await upstream();
    await expectPromptAbort(
      (signal) =>
        createWialonAppLink(
          {
            wialonBaseUrl: wialon.base,
            token: 'a'.repeat(72),
            appUrl: 'https://acme.okdesk.ru/wialonauth',
            timeoutMs: 60_000,
          },
          { signal },
        ),
      () => wialon.requests.received === 1,
      wialon.requests,
    );
  });
});
