import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ConfigurationError,
  checkRequestOptions,
  createRequester,
  type RequesterOptions,
  type RequestFailure,
  redactSecrets,
  settleWithin,
} from '../src/index.js';

class TestFailure extends Error {
  constructor(readonly failure: RequestFailure) {
    super(failure.message);
  }
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((resolve) => s.close(resolve));
    }),
  );
});

async function loopback(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const sockets = { open: 0, closed: 0 };
  const server = createServer(handler);
  server.on('connection', (socket) => {
    sockets.open++;
    socket.on('close', () => sockets.closed++);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}/api/`, sockets, server };
}

const make = (overrides: Partial<RequesterOptions> & { baseUrl: string }) =>
  createRequester({
    userAgent: 'vendorkit-test/1.2.3',
    toError: (failure) => new TestFailure(failure),
    retryBaseMs: 1,
    retryMaxDelayMs: 5,
    ...overrides,
  });

async function failureOf(promise: Promise<unknown>): Promise<RequestFailure> {
  const error = await promise.then(
    () => expect.unreachable('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TestFailure);
  return (error as TestFailure).failure;
}

describe('base-URL confinement', () => {
  const escapes = [
    '../../evil',
    '../other/x',
    '//evil.example/x',
    'https://evil.example/api/x',
    'http://127.0.0.1:1/api/x',
    '%2e%2e/x',
    'members/%2E%2E',
    'members/..',
    'members/.',
    'a%2fb',
    '%252e%252e/x',
    'members/%25252E%25252e',
    'a\\b',
    'a\nb',
    '/absolute-root',
  ];
  it.each(escapes)('refuses %j before anything is sent', async (path) => {
    const fetchImpl = vi.fn(async () => new Response('{}'));
    const requester = make({ baseUrl: 'https://api.test/api/v2/', fetch: fetchImpl });
    const failure = await failureOf(requester.request({ method: 'GET', path }));
    expect(failure.kind).toBe('outside_base_url');
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('property: any path either resolves under the base URL or is refused without a request', async () => {
    const fetchImpl = vi.fn(async () => new Response('{}'));
    const requester = make({ baseUrl: 'https://api.test/api/v2/', fetch: fetchImpl });
    const segment = fc.oneof(
      fc.constantFrom('.', '..', '%2e', '%2E%2e', '', 'members', 'x?y=1', '#h', '//evil', 'http:', '@evil', '\\'),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { maxLength: 5 }), async (segments) => {
        fetchImpl.mockClear();
        const path = segments.join('/');
        try {
          await requester.request({ method: 'GET', path });
        } catch (error) {
          expect((error as TestFailure).failure.kind).toBe('outside_base_url');
          expect(fetchImpl).not.toHaveBeenCalled();
          return;
        }
        const sent = new URL(String((fetchImpl.mock.calls[0] as unknown[])[0]));
        expect(sent.origin).toBe('https://api.test');
        expect(sent.pathname.startsWith('/api/v2/')).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps query strings, and sends paths below the base', async () => {
    const fetchImpl = vi.fn(async (_input: URL | RequestInfo) => new Response('{}'));
    const requester = make({ baseUrl: 'https://api.test/api/v2', fetch: fetchImpl });
    await requester.request({ method: 'GET', path: 'members', query: new URLSearchParams({ $limit: '50' }) });
    expect(String(fetchImpl.mock.calls[0]?.[0])).toBe('https://api.test/api/v2/members?%24limit=50');
  });
});

describe('cancellation against a server that never answers', () => {
  it('rejects within 100 ms of the abort with the signal reason, and leaves no timer or open request', async () => {
    // After an abort undici may open a spare keep-alive connection: what must close is the
    // connection that carried the stalled request.
    let requestClosed = false;
    let received = 0;
    const { baseUrl } = await loopback((req) => {
      received++;
      req.socket.on('close', () => {
        requestClosed = true;
      });
    });
    const requester = make({ baseUrl, timeoutMs: 60_000, retries: 3 });
    const controller = new AbortController();
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const pending = requester.request({ method: 'GET', path: 'stall' }, { signal: controller.signal });
    await vi.waitFor(() => expect(received).toBe(1));
    const reason = new Error('user went away');
    const abortedAt = Date.now();
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(Date.now() - abortedAt).toBeLessThan(100);
    await vi.waitFor(() => expect(requestClosed).toBe(true));
    expect(received).toBe(1);
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    expect(timersAfter).toBeLessThanOrEqual(timersBefore);
  });

  it('an already aborted signal sends nothing', async () => {
    const fetchImpl = vi.fn(async () => new Response('{}'));
    const requester = make({ baseUrl: 'https://api.test/', fetch: fetchImpl });
    await expect(
      requester.request({ method: 'GET', path: 'x' }, { signal: AbortSignal.abort(new Error('no')) }),
    ).rejects.toThrow('no');
    expect(fetchImpl).not.toHaveBeenCalled();
  });

  it('an abort during a backoff wait stops the retries at once', async () => {
    let hits = 0;
    const { baseUrl } = await loopback((_req, res) => {
      hits++;
      res.writeHead(503, { 'retry-after': '30' }).end();
    });
    const requester = make({ baseUrl, retries: 3, maxRetryAfterMs: 60_000, totalTimeoutMs: 120_000 });
    const controller = new AbortController();
    const pending = requester.request({ method: 'GET', path: 'busy' }, { signal: controller.signal });
    await vi.waitFor(() => expect(hits).toBe(1));
    await new Promise((r) => setTimeout(r, 20));
    const abortedAt = Date.now();
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(hits).toBe(1);
  });
});

describe('deadlines', () => {
  it('a stalled attempt is a timeout failure, retried for GET until the total deadline', async () => {
    let hits = 0;
    const { baseUrl } = await loopback(() => {
      hits++;
    });
    const requester = make({ baseUrl, timeoutMs: 100, retries: 2 });
    const started = Date.now();
    const failure = await failureOf(requester.request({ method: 'GET', path: 'stall' }));
    expect(failure.kind).toBe('timeout');
    expect(hits).toBe(3);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a body that stalls after the headers times out too', async () => {
    const { baseUrl } = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const requester = make({ baseUrl, timeoutMs: 100, retries: 0 });
    expect((await failureOf(requester.request({ method: 'GET', path: 'x' }))).kind).toBe('timeout');
  });

  it('the per-call timeoutMs bounds the whole call', async () => {
    const { baseUrl } = await loopback(() => {});
    const requester = make({ baseUrl, timeoutMs: 10_000, retries: 5 });
    const started = Date.now();
    await failureOf(requester.request({ method: 'GET', path: 'x' }, { timeoutMs: 150 }));
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('retries', () => {
  it('retries 503 for GET honouring Retry-After, with hooks told why and how long', async () => {
    let hits = 0;
    const { baseUrl } = await loopback((_req, res) => {
      hits++;
      if (hits < 3) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.writeHead(200, { 'x-request-id': 'req-42' }).end('ok');
    });
    const onRetry = vi.fn();
    const requester = make({ baseUrl, hooks: { onRetry } });
    const answer = await requester.request({ method: 'GET', path: 'x' });
    expect(answer).toMatchObject({ status: 200, text: 'ok', requestId: 'req-42' });
    expect(hits).toBe(3);
    expect(onRetry.mock.calls.map(([info]) => [info.reason, info.delayMs, info.attempt])).toEqual([
      ['status 503', 0, 1],
      ['status 503', 0, 2],
    ]);
  });

  it('never retries a POST that reached the server, but retries one that was refused', async () => {
    let hits = 0;
    const { baseUrl } = await loopback((_req, res) => {
      hits++;
      res.writeHead(503).end();
    });
    const requester = make({ baseUrl });
    expect((await requester.request({ method: 'POST', path: 'x', body: 'a=1' })).status).toBe(503);
    expect(hits).toBe(1);

    const closed = await loopback(() => {});
    await new Promise((resolve) => closed.server.close(resolve));
    const onRetry = vi.fn();
    const refused = make({ baseUrl: closed.baseUrl, retries: 2, hooks: { onRetry } });
    const failure = await failureOf(refused.request({ method: 'POST', path: 'x', body: 'a=1' }));
    expect(failure).toMatchObject({ kind: 'network', reason: 'ECONNREFUSED' });
    expect(failure.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(onRetry).toHaveBeenCalledTimes(2);
  });

  it('uses full jitter: waits are random up to base × 2^retry, capped', async () => {
    const { baseUrl } = await loopback((_req, res) => res.writeHead(500).end());
    const delays: number[] = [];
    const requester = make({
      baseUrl,
      retries: 4,
      retryBaseMs: 8,
      retryMaxDelayMs: 20,
      random: () => 0.999,
      hooks: { onRetry: (info) => delays.push(info.delayMs) },
    });
    expect((await requester.request({ method: 'GET', path: 'x' })).status).toBe(500);
    expect(delays).toEqual([7, 15, 19, 19]);
    const none: number[] = [];
    const zero = make({ baseUrl, retries: 2, random: () => 0, hooks: { onRetry: (i) => none.push(i.delayMs) } });
    await zero.request({ method: 'GET', path: 'x' });
    expect(none).toEqual([0, 0]);
  });

  it('a Retry-After beyond the limit ends the retries and returns the answer', async () => {
    let hits = 0;
    const { baseUrl } = await loopback((_req, res) => {
      hits++;
      res.writeHead(429, { 'retry-after': '3600' }).end('slow down');
    });
    const answer = await make({ baseUrl }).request({ method: 'GET', path: 'x' });
    expect(answer.status).toBe(429);
    expect(hits).toBe(1);
  });
});

describe('bodies, redirects, headers, hooks', () => {
  it('refuses a body above maxBodyBytes', async () => {
    const { baseUrl } = await loopback((_req, res) => res.end('x'.repeat(2_000)));
    const failure = await failureOf(make({ baseUrl, maxBodyBytes: 1_000 }).request({ method: 'GET', path: 'x' }));
    expect(failure.kind).toBe('too_large');
  });

  it('does not follow redirects (credentials would go elsewhere)', async () => {
    let followed = false;
    const { baseUrl } = await loopback((req, res) => {
      if (req.url?.includes('elsewhere')) followed = true;
      res.writeHead(302, { location: '/elsewhere' }).end();
    });
    expect((await failureOf(make({ baseUrl }).request({ method: 'GET', path: 'x' }))).kind).toBe('redirect');
    expect(followed).toBe(false);
  });

  it('sends vendorkit-<package>/<version> in front of the caller’s User-Agent, and per-call headers', async () => {
    const seen: Array<string | undefined> = [];
    const { baseUrl } = await loopback((req, res) => {
      seen.push(req.headers['user-agent'], req.headers['x-trace'] as string | undefined);
      res.end();
    });
    await make({ baseUrl }).request(
      { method: 'GET', path: 'x', headers: { 'user-agent': 'my-app/2' } },
      { headers: { 'x-trace': 't1' } },
    );
    expect(seen).toEqual(['vendorkit-test/1.2.3 my-app/2', 't1']);
  });

  it('hooks see redacted URLs; a throwing hook breaks nothing and is logged; no logger means silence', async () => {
    const { baseUrl } = await loopback((_req, res) => res.end('fine'));
    const secret = 'pa55-w0rd!';
    const seen: string[] = [];
    const warn = vi.fn();
    const requester = make({
      baseUrl,
      redact: (text) => redactSecrets(text, [secret]),
      logger: { warn },
      hooks: {
        onRequest: (info) => {
          seen.push(info.url);
          throw new Error('hook bug');
        },
        onResponse: (info) => seen.push(`${info.status}`),
      },
    });
    const answer = await requester.request({
      method: 'GET',
      path: 'x',
      query: new URLSearchParams({ password: secret }),
    });
    expect(answer.text).toBe('fine');
    expect(seen.join(' ')).not.toContain('pa55');
    expect(seen).toContain('200');
    expect(warn).toHaveBeenCalledTimes(1);
    const log = vi.spyOn(console, 'log');
    const error = vi.spyOn(console, 'error');
    await make({ baseUrl }).request({ method: 'GET', path: 'x' });
    expect(log).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('refuses nonsensical options with a typed error', () => {
    expect(() => make({ baseUrl: 'ftp://x' })).toThrow(/http or https/);
    expect(() => make({ baseUrl: 'https://u:p@x.test' })).toThrow(/user name or password/);
    expect(() => make({ baseUrl: 'https://x.test', timeoutMs: 0 })).toThrow(/timeoutMs/);
    expect(() => make({ baseUrl: 'https://x.test', retries: 1.5 })).toThrow(/retries/);
  });
});

describe('settleWithin', () => {
  it('passes the result through, rejects on abort with the reason or at the deadline, leaves no timer', async () => {
    expect(await settleWithin(Promise.resolve(1), { timeoutMs: 1_000 })).toBe(1);
    const never = new Promise<never>(() => {});
    const controller = new AbortController();
    const giveUps: unknown[] = [];
    const pending = settleWithin(never, { signal: controller.signal, onGiveUp: (r) => giveUps.push(r) });
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(giveUps).toEqual([reason]);
    await expect(settleWithin(never, { timeoutMs: 10, onTimeout: () => new Error('too slow') })).rejects.toThrow(
      'too slow',
    );
    await expect(settleWithin(never, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    const before = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    await settleWithin(Promise.resolve(2), { timeoutMs: 60_000 });
    expect(process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length).toBeLessThanOrEqual(before);
  });
});

describe('checkRequestOptions', () => {
  it('accepts the per-call options and gives the time left of the deadline', () => {
    expect(checkRequestOptions(undefined).remaining()).toBeUndefined();
    const checked = checkRequestOptions({
      signal: new AbortController().signal,
      timeoutMs: 5_000,
      headers: { a: 'b' },
    });
    expect(checked.timeoutMs).toBe(5_000);
    expect(checked.headers).toEqual({ a: 'b' });
    expect(checked.remaining()).toBeGreaterThan(4_000);
    expect(checked.remaining()).toBeLessThanOrEqual(5_000);
  });

  it.each([
    ['a string', 'x'],
    ['null', null],
    ['a signal look-alike', { signal: { aborted: false, addEventListener: () => {} } }],
    ['a zero timeout', { timeoutMs: 0 }],
    ['an infinite timeout', { timeoutMs: Number.POSITIVE_INFINITY }],
    ['a timeout beyond what a timer takes', { timeoutMs: 2 ** 31 }],
    ['a non-string header', { headers: { a: 1 } }],
    ['headers that are not an object', { headers: 'a: b' }],
  ])('refuses %s with a ConfigurationError', (_, options) => {
    expect(() => checkRequestOptions(options)).toThrow(ConfigurationError);
  });
});
