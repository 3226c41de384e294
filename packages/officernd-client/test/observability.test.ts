/**
 * Observability (issue 17.3): the client takes a `logger` and `hooks`, passes them to the
 * request core for the API and the token endpoint alike, and no secret reaches either — not the
 * client secret, not an access token, not a sign-in password, even from a server that echoes
 * them in its headers and bodies. Without a logger the client writes nothing to the console.
 * Errors carry the vendor's request id.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  type ClientHooks,
  isOfficeRnDError,
  type Logger,
  OfficeRnDClient,
  type OfficeRnDClientOptions,
  SCOPES,
} from '@vendorkit/officernd-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejection } from './helpers.js';

const SECRET = 'observability-client-secret-7f3a';
const PASSWORD = 'member-password-Zq9!';

let server: Server | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/**
 * A hostile OfficeRnD: it echoes whatever credentials it receives — the client secret, the
 * bearer token, the sign-in password — in `x-request-id` and in its error messages.
 */
async function echoingOfficeRnD(api: (req: IncomingMessage, res: ServerResponse, echo: string, hit: number) => void) {
  const tokens: string[] = [];
  let hits = 0;
  server = createServer(async (req, res) => {
    const text = await body(req);
    if (req.url === '/oauth/token') {
      const token = `echoed-access-token-${tokens.length + 1}-${'x'.repeat(12)}`;
      tokens.push(token);
      const sent = new URLSearchParams(text).get('client_secret') ?? '';
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `token-${sent}` });
      res.end(JSON.stringify({ access_token: token, expires_in: 3599 }));
      return;
    }
    api(req, res, `${req.headers.authorization ?? ''} ${text}`, ++hits);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (options: Partial<OfficeRnDClientOptions> = {}) =>
    new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      baseUrl: url,
      identityUrl: url,
      scopes: Object.values(SCOPES),
      tokenFailureCooldownMs: 0,
      ...options,
    });
  return { client, tokens };
}

/** A logger and hooks that record every call, and the whole record as text. */
function recorders() {
  const records: unknown[] = [];
  const record =
    (kind: string) =>
    (...args: unknown[]) =>
      records.push([kind, ...args]);
  const logger: Required<Logger> = {
    debug: vi.fn(record('debug')),
    info: vi.fn(record('info')),
    warn: vi.fn(record('warn')),
    error: vi.fn(record('error')),
  };
  const hooks: Required<ClientHooks> = {
    onRequest: vi.fn(record('onRequest')),
    onResponse: vi.fn(record('onResponse')),
    onRetry: vi.fn(record('onRetry')),
    onError: vi.fn(record('onError')),
  };
  const text = () =>
    records.map((r) => `${JSON.stringify(r)} ${inspect(r, { depth: 20, showHidden: true })}`).join('\n');
  return { logger, hooks, records, text };
}

const everything = (error: unknown) =>
  `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 20, showHidden: true })} ${(error as Error).stack}`;

describe('logger and hooks', () => {
  it('see every request, answer, retry and failure, token requests included, and never a secret', async () => {
    const { client, tokens } = await echoingOfficeRnD((req, res, echo, hit) => {
      if (req.url?.includes('/auth/signin')) {
        res.writeHead(401, { 'content-type': 'application/json', 'x-request-id': echo.slice(0, 150) });
        res.end(JSON.stringify({ statusCode: 401, message: `bad credentials: ${echo}`, error: 'Unauthorized' }));
        return;
      }
      if (hit === 1) {
        // The first token "expired": the client renews it once.
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ statusCode: 401 }));
        return;
      }
      if (hit === 2) {
        res.writeHead(503, { 'retry-after': '0', 'x-request-id': echo }).end();
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json', 'x-request-id': `req-${echo}` });
      res.end(JSON.stringify({ statusCode: 404, message: `no member for ${echo}`, error: 'Not Found' }));
    });
    const { logger, hooks, records, text } = recorders();
    const c = client({ logger, hooks });
    const notFound = await rejection(c.members.get('65a1b2c3d4e5f60718293a4b'));
    expect(notFound).toMatchObject({ code: 'not_found', status: 404 });
    const refused = await rejection(c.auth.signIn({ email: 'a@b.c', password: PASSWORD }));
    expect(refused).toMatchObject({ code: 'unauthorized', status: 401 });
    const stalled = await rejection(c.plans.page({}, { timeoutMs: 1 }));
    expect(isOfficeRnDError(stalled, 'timeout')).toBe(true);

    // Token request, 401, renewal, 503, retry → 404; sign-in; the timed-out page.
    expect(hooks.onRequest).toHaveBeenCalledTimes(c.stats.requests + c.stats.tokenRequests);
    expect(c.stats).toMatchObject({ tokenRequests: 2 });
    expect(hooks.onRetry).toHaveBeenCalledWith(expect.objectContaining({ reason: 'status 503', attempt: 1 }));
    expect(hooks.onResponse).toHaveBeenCalledWith(
      expect.objectContaining({ status: 404, requestId: expect.any(String) }),
    );
    expect(hooks.onError).toHaveBeenCalledWith(expect.objectContaining({ error: stalled }));
    expect(logger.debug).toHaveBeenCalled();
    expect(records.length).toBeGreaterThan(10);

    const shown = `${text()}\n${everything(notFound)}\n${everything(refused)}\n${everything(stalled)}`;
    expect(tokens).toHaveLength(2);
    for (const secret of [SECRET, PASSWORD, ...tokens]) expect(shown).not.toContain(secret);
    expect(shown).toContain('[REDACTED]');
  });

  it('a hook that throws breaks nothing and is reported to the logger only', async () => {
    const { client } = await echoingOfficeRnD((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ results: [], cursorNext: null, cursorPrev: null }));
    });
    const warn = vi.fn();
    const c = client({
      logger: { warn },
      hooks: {
        onRequest() {
          throw new Error('hook bug');
        },
      },
    });
    await expect(c.members.page()).resolves.toMatchObject({ results: [] });
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/onRequest hook threw/), expect.anything());
  });

  it('hooks given as a class instance keep their this', async () => {
    const { client } = await echoingOfficeRnD((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ results: [], cursorNext: null, cursorPrev: null }));
    });
    class Metrics implements ClientHooks {
      statuses: number[] = [];
      onResponse(info: { status: number }) {
        this.statuses.push(info.status);
      }
    }
    const metrics = new Metrics();
    await client({ hooks: metrics }).members.page();
    expect(metrics.statuses).toEqual([200, 200]);
  });

  it('refuses a logger or hooks that are not objects', () => {
    for (const options of [{ logger: 'console' }, { hooks: () => undefined }]) {
      expect(
        () => new OfficeRnDClient({ orgSlug: 'acme', clientId: 'id', clientSecret: SECRET, ...(options as object) }),
      ).toThrow(/logger|hooks/);
    }
  });
});

describe('without a logger the client is silent', () => {
  it('writes nothing to the console: failures, retries, renewals, throwing hooks, aborts', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((name) =>
      vi.spyOn(console, name).mockImplementation(() => undefined),
    );
    const { client } = await echoingOfficeRnD((_req, res, _echo, hit) => {
      if (hit === 1) res.writeHead(401).end();
      else if (hit <= 3) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.writeHead(500, { 'content-type': 'application/json' }).end('{"statusCode":500}');
    });
    const c = client({
      hooks: {
        onRetry() {
          throw new Error('hook bug');
        },
      },
    });
    await rejection(c.members.page());
    await rejection(c.plans.page({}, { signal: AbortSignal.abort(new Error('gone')) }));
    await rejection(c.members.get('x/..'));
    const refused = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      identityUrl: 'http://127.0.0.1:1',
      retries: 0,
    });
    await rejection(refused.getAccessToken());
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });
});

describe('request ids on errors', () => {
  it('from x-request-id by default, and from the headers named in requestIdHeaders', async () => {
    const { client } = await echoingOfficeRnD((_req, res) => {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-request-id': 'req-8c1f',
        'x-officernd-trace': 'trace-42',
      });
      res.end(JSON.stringify({ statusCode: 404, message: 'Member not found', error: 'Not Found' }));
    });
    expect(await rejection(client().members.get('m1'))).toMatchObject({ code: 'not_found', requestId: 'req-8c1f' });
    expect(
      await rejection(client({ requestIdHeaders: ['x-officernd-trace', 'x-request-id'] }).members.get('m1')),
    ).toMatchObject({ requestId: 'trace-42' });
    expect(() => client({ requestIdHeaders: ['bad header'] })).toThrow(/requestIdHeaders/);
  });

  it('a persistent 429 carries retryAfterMs (and the deprecated retryAfterSeconds)', async () => {
    const { client } = await echoingOfficeRnD((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '2', 'x-request-id': 'req-429' });
      res.end(JSON.stringify({ statusCode: 429, message: 'slow down' }));
    });
    expect(await rejection(client({ retries: 0 }).members.page())).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryAfterMs: 2000,
      retryAfterSeconds: 2,
      requestId: 'req-429',
    });
  });
});
