/**
 * Per-call options (issue 17.2): every public async call takes `{ signal, timeoutMs, headers }`
 * last. Against a loopback server that never answers, an abort rejects the call within 100 ms
 * with the signal's reason, and leaves no socket and no timer behind — whether the call was
 * waiting for its token or for the API.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isOfficeRnDError, OfficeRnDClient, type RequestOptions, SCOPES } from '@vendorkit/officernd-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejection } from './helpers.js';

const SECRET = 'cancellation-client-secret';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/**
 * A loopback OfficeRnD whose token endpoint answers (or stalls, with `stallToken`) and whose API
 * never answers. `open` holds the connections that carry a request still unanswered. (Node's
 * fetch opens a spare connection after an abort, with no request on it, and closes it when its
 * keep-alive timeout ends: that one is the platform's pool, not a request left running.)
 */
async function stalledOfficeRnD(options: { stallToken: boolean }) {
  const seen: string[] = [];
  const open = new Set<unknown>();
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/oauth/token' && !options.stallToken) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'cancellation-token', expires_in: 3599 }));
      return;
    }
    // Anything else: no answer, ever.
    const { socket } = req;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new OfficeRnDClient({
    orgSlug: 'acme',
    clientId: 'id',
    clientSecret: SECRET,
    baseUrl: url,
    identityUrl: url,
    scopes: Object.values(SCOPES),
    // Long deadlines and several retries: only the abort can end these calls quickly.
    timeoutMs: 60_000,
    retries: 3,
  });
  return { client, seen, open };
}

const ID = '65a1b2c3d4e5f60718293a4b';
type Call = (client: OfficeRnDClient, options: RequestOptions) => Promise<unknown>;
/** Steps an iterator once: the first page request. */
const firstOf = (iterable: AsyncIterable<unknown>) => iterable[Symbol.asyncIterator]().next();

/** Every public async call of the client, with its per-call options last. */
const CALLS: Array<[string, Call]> = [
  ['getAccessToken', (c, o) => c.getAccessToken(o)],
  ['members.list', (c, o) => firstOf(c.members.list({ status: 'active' }, o))],
  ['members.page', (c, o) => c.members.page({}, o)],
  ['members.get', (c, o) => c.members.get(ID, o)],
  ['members.create', (c, o) => c.members.create({ name: 'A', location: 'l1', startDate: '2024-01-01' }, o)],
  ['members.update', (c, o) => c.members.update(ID, { name: 'B' }, o)],
  ['members.delete', (c, o) => c.members.delete(ID, o)],
  ['members.setPortalAccess', (c, o) => c.members.setPortalAccess(ID, { isPortalAccessEnabled: true }, o)],
  ['companies.list', (c, o) => firstOf(c.companies.list({}, o))],
  ['companies.page', (c, o) => c.companies.page({}, o)],
  ['companies.get', (c, o) => c.companies.get(ID, o)],
  ['plans.list', (c, o) => firstOf(c.plans.list({}, o))],
  ['plans.page', (c, o) => c.plans.page({}, o)],
  ['plans.get', (c, o) => c.plans.get(ID, o)],
  ['memberships.list', (c, o) => firstOf(c.memberships.list({ member: ID }, o))],
  ['memberships.page', (c, o) => c.memberships.page({}, o)],
  ['memberships.get', (c, o) => c.memberships.get(ID, o)],
  ['webhooks.list', (c, o) => firstOf(c.webhooks.list({}, o))],
  ['webhooks.page', (c, o) => c.webhooks.page({}, o)],
  ['webhooks.get', (c, o) => c.webhooks.get(ID, o)],
  ['webhooks.create', (c, o) => c.webhooks.create({ url: 'https://example.com/h', eventTypes: ['member.created'] }, o)],
  ['webhooks.delete', (c, o) => c.webhooks.delete(ID, o)],
  ['auth.signIn', (c, o) => c.auth.signIn({ email: 'a@b.c', password: 'pw-123456' }, o)],
];

const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

async function abortsPromptly(stallToken: boolean, call: Call, name: string) {
  const { client, seen, open } = await stalledOfficeRnD({ stallToken });
  if (!stallToken && name !== 'getAccessToken') await client.getAccessToken();
  const requestsBefore = seen.length;
  const timersBefore = timers();
  const controller = new AbortController();
  const pending = call(client, { signal: controller.signal });
  pending.catch(() => undefined);
  // The request is on the wire (the token request, or the API request after a cached token).
  await vi.waitFor(() => expect(seen.length).toBe(requestsBefore + 1), { timeout: 5_000, interval: 5 });
  const reason = new Error(`user cancelled ${name}`);
  const abortedAt = Date.now();
  controller.abort(reason);
  expect(await rejection(pending)).toBe(reason);
  expect(Date.now() - abortedAt).toBeLessThan(100);
  // Nothing left running: the stalled connection is closed and no timer of the call survives.
  await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 2_000, interval: 5 });
  expect(timers()).toBeLessThanOrEqual(timersBefore);
  // No retry was sent after the abort.
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(seen.length).toBe(requestsBefore + 1);
}

describe('an abort against a server that never answers', () => {
  it.each(CALLS)('%s: the API stalls → rejects within 100 ms with the reason, nothing left', async (name, call) => {
    await abortsPromptly(false, call, name);
  });

  it.each(CALLS)(
    '%s: the token endpoint stalls → rejects within 100 ms, the token request is cancelled',
    async (name, call) => {
      await abortsPromptly(true, call, name);
    },
  );

  it.each(CALLS)('%s: an already aborted signal sends nothing', async (_name, call) => {
    const { client, seen } = await stalledOfficeRnD({ stallToken: false });
    const reason = new Error('too late');
    expect(await rejection(call(client, { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(seen).toEqual([]);
  });
});

describe('the shared token request', () => {
  it('goes on while another caller still waits for it, and is cancelled when the last one gives up', async () => {
    const { client, seen, open } = await stalledOfficeRnD({ stallToken: true });
    const first = new AbortController();
    const second = new AbortController();
    const a = client.getAccessToken({ signal: first.signal });
    const b = client.members.page({}, { signal: second.signal });
    await vi.waitFor(() => expect(seen).toEqual(['POST /oauth/token']));
    first.abort(new Error('a gave up'));
    await expect(a).rejects.toThrow('a gave up');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(open.size).toBe(1); // b still waits: the request goes on
    second.abort(new Error('b gave up'));
    await expect(b).rejects.toThrow('b gave up');
    await vi.waitFor(() => expect(open.size).toBe(0));
    expect(seen).toEqual(['POST /oauth/token']);
  });

  it('a cancelled token request is not remembered as a failure: the next call asks again', async () => {
    let stall = true;
    const seen: string[] = [];
    server = createServer((req, res) => {
      req.resume();
      seen.push(`${req.method} ${req.url}`);
      if (stall) return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.url === '/oauth/token'
          ? JSON.stringify({ access_token: 'second-token', expires_in: 3599 })
          : JSON.stringify({ results: [], cursorNext: null, cursorPrev: null }),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      baseUrl: url,
      identityUrl: url,
    });
    const controller = new AbortController();
    const pending = client.members.page({}, { signal: controller.signal });
    await vi.waitFor(() => expect(seen).toHaveLength(1));
    controller.abort(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
    stall = false;
    // Within the 12 s failure cooldown: the abort was no token failure.
    await expect(client.members.page()).resolves.toMatchObject({ results: [] });
    expect(client.stats.tokenRequests).toBe(2);
  });
});

describe('pagination and retries stop at the abort', () => {
  it('list(): an abort between pages rejects the next step and asks for no other page', async () => {
    const pages: string[] = [];
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/oauth/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'pages-token', expires_in: 3599 }));
        return;
      }
      pages.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          results: [{ _id: `m${pages.length}a` }, { _id: `m${pages.length}b` }],
          cursorNext: `c${pages.length}`,
          cursorPrev: null,
        }),
      );
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      baseUrl: url,
      identityUrl: url,
    });
    const controller = new AbortController();
    const reason = new Error('enough');
    const ids: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const member of client.members.list({}, { signal: controller.signal })) {
          ids.push(member._id);
          if (ids.length === 3) controller.abort(reason);
        }
      })(),
    );
    expect(error).toBe(reason);
    expect(ids).toEqual(['m1a', 'm1b', 'm2a']);
    expect(pages).toHaveLength(2);
  });

  it('an abort during a Retry-After wait stops the retries at once', async () => {
    let hits = 0;
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/oauth/token') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'retry-token', expires_in: 3599 }));
        return;
      }
      hits++;
      res.writeHead(503, { 'retry-after': '30', 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 503, message: 'busy' }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      baseUrl: url,
      identityUrl: url,
      retries: 3,
      totalTimeoutMs: 120_000,
    });
    const controller = new AbortController();
    const pending = client.plans.page({}, { signal: controller.signal });
    await vi.waitFor(() => expect(hits).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const abortedAt = Date.now();
    controller.abort(new Error('stop waiting'));
    await expect(pending).rejects.toThrow('stop waiting');
    expect(Date.now() - abortedAt).toBeLessThan(100);
    expect(hits).toBe(1);
  });
});

describe('per-call timeoutMs and headers', () => {
  it('timeoutMs bounds the whole call (token and API), whatever the client deadline', async () => {
    const { client } = await stalledOfficeRnD({ stallToken: false });
    const started = Date.now();
    const error = await rejection(client.members.page({}, { timeoutMs: 200 }));
    expect(isOfficeRnDError(error, 'timeout')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('timeoutMs bounds the wait for a stalled token: a timeout error, nothing left running', async () => {
    const { client, open } = await stalledOfficeRnD({ stallToken: true });
    const started = Date.now();
    const error = await rejection(client.getAccessToken({ timeoutMs: 150 }));
    expect(isOfficeRnDError(error, 'timeout')).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
    await vi.waitFor(() => expect(open.size).toBe(0));
  });

  it('headers reach the API request (a caller may add tracing headers); the bearer token stays the client’s', async () => {
    const seen: Array<string | undefined> = [];
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.url === '/oauth/token') {
        seen.push(`token ${req.headers['x-trace']}`);
        res.end(JSON.stringify({ access_token: 'headers-token', expires_in: 3599 }));
        return;
      }
      seen.push(`api ${req.headers['x-trace']} ${req.headers['user-agent']} ${req.headers.authorization}`);
      res.end(JSON.stringify({ results: [], cursorNext: null, cursorPrev: null }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      baseUrl: url,
      identityUrl: url,
    });
    await client.members.page(
      {},
      { headers: { 'x-trace': 'trace-1', 'user-agent': 'my-app/3', Authorization: 'Bearer not-the-client-token' } },
    );
    expect(seen[0]).toBe('token undefined');
    expect(seen[1]).toMatch(/^api trace-1 vendorkit-officernd-client\/\S+ my-app\/3 Bearer headers-token$/);
  });

  it.each([
    [{ timeoutMs: 0 }, /timeoutMs/],
    [{ timeoutMs: -5 }, /timeoutMs/],
    [{ timeoutMs: Number.NaN }, /timeoutMs/],
    [{ signal: 'nope' }, /signal/],
  ])('refuses %o with invalid_configuration, before any request', async (options, message) => {
    const { client, seen } = await stalledOfficeRnD({ stallToken: false });
    const error = await rejection(client.members.page({}, options as never));
    expect(isOfficeRnDError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect(() => client.members.list({}, options as never)).toThrow(message);
    expect(seen).toEqual([]);
  });
});
