import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { isOfficeRnDError, OfficeRnDClient } from '@vendorkit/officernd-client';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from './helpers.js';

const SECRET = 'loopback-client-secret-xyz';
type Behaviour = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A loopback server: a working token endpoint, and `data` for every API call. */
async function loopback(data: Behaviour, token: Behaviour = okToken) {
  const hits = { token: 0, data: 0 };
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/oauth/token') token(req, res, ++hits.token);
    else data(req, res, ++hits.data);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (options: { timeoutMs?: number; retries?: number; scopes?: string[] } = {}) =>
    new OfficeRnDClient({
      orgSlug: 'acme',
      clientId: 'id',
      clientSecret: SECRET,
      baseUrl: url,
      identityUrl: url,
      ...options,
    });
  return { hits, client };
}

function okToken(_req: IncomingMessage, res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ access_token: 'loopback-token', token_type: 'Bearer', expires_in: 3599 }));
}
const page = JSON.stringify({
  results: [{ _id: 'm1', name: 'A', status: 'active' }],
  cursorNext: null,
  cursorPrev: null,
});

function noLeak(error: unknown) {
  const text = `${JSON.stringify(error)} ${inspect(error, { depth: 10 })}`;
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('loopback-token');
}

describe('network faults against a loopback server', () => {
  it('a stalled response is a timeout error within timeoutMs', async () => {
    const { client } = await loopback(() => {
      /* never answers */
    });
    const c = client({ timeoutMs: 300 });
    await c.getAccessToken();
    const started = Date.now();
    const error = await rejection(c.members.page());
    const elapsed = Date.now() - started;
    expect(isOfficeRnDError(error, 'timeout')).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2000);
    noLeak(error);
  });

  it('a data answer whose body stalls after the headers is a timeout within timeoutMs', async () => {
    const { client } = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"results": [');
      // …and the rest never comes.
    });
    const c = client({ timeoutMs: 300, retries: 0 });
    await c.getAccessToken();
    const started = Date.now();
    const error = await rejection(c.members.page());
    expect(isOfficeRnDError(error, 'timeout')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    noLeak(error);
  }, 10_000);

  it('a stalled token endpoint is token_request_failed within timeoutMs', async () => {
    const { client, hits } = await loopback(
      (_q, res) => res.end(page),
      () => {},
    );
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 300 }).members.page());
    expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
    expect((error as Error).message).toMatch(/timed out/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(hits.token).toBe(1);
  });

  it('a reset connection is a network_error after the retries', async () => {
    const { client, hits } = await loopback((req) => req.socket.destroy());
    const error = await rejection(client({ retries: 2 }).members.page());
    expect(isOfficeRnDError(error, 'network_error')).toBe(true);
    expect(hits.data).toBe(3);
    noLeak(error);
  });

  it('a burst of 5xx then success: retried, succeeds', async () => {
    const { client, hits } = await loopback((_req, res, hit) => {
      if (hit <= 2) {
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
        res.end(JSON.stringify({ statusCode: 503, message: 'Service Unavailable' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(page);
    });
    const result = await client({ retries: 2 }).members.page();
    expect(result.results.map((m) => m._id)).toEqual(['m1']);
    expect(hits.data).toBe(3);
  });

  it('5xx that persists is a server_error with the vendor message', async () => {
    const { client, hits } = await loopback((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' }));
    });
    const error = await rejection(client({ retries: 1 }).members.page());
    expect(error).toMatchObject({ code: 'server_error', status: 500, vendorMessage: 'Internal server error' });
    expect(hits.data).toBe(2);
  });

  it('POST is not retried on 5xx (not idempotent)', async () => {
    const { client, hits } = await loopback((_req, res) => {
      res.writeHead(502);
      res.end();
    });
    const error = await rejection(
      client({ retries: 2, scopes: ['flex.community.members.create'] }).members.create({
        name: 'a',
        location: 'l',
        startDate: '2024-01-01',
      }),
    );
    expect(error).toMatchObject({ code: 'server_error', status: 502 });
    expect(hits.data).toBe(1);
  });

  it('malformed JSON is invalid_response', async () => {
    const { client } = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"results": [');
    });
    const error = await rejection(client().members.page());
    expect(isOfficeRnDError(error, 'invalid_response')).toBe(true);
    noLeak(error);
  });

  it('a body of the wrong shape is invalid_response naming the field', async () => {
    const { client } = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ results: [{ name: 'no id' }], cursorNext: null }));
    });
    const error = await rejection(client().members.page());
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect((error as Error).message).toMatch(/results\.0\._id/);
  });

  it('a cursor that never ends is caught as invalid_response, not an endless loop', async () => {
    const { client } = await loopback((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ results: [{ _id: 'm1' }], cursorNext: 'same' }));
    });
    let count = 0;
    const error = await rejection(
      (async () => {
        for await (const _ of client().members.list()) count++;
      })(),
    );
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect(count).toBe(2);
  });

  it('connection refused is a network_error', async () => {
    const { client } = await loopback((_req, res) => res.end(page));
    const c = client({ retries: 0 });
    await c.getAccessToken();
    server!.closeAllConnections();
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = await rejection(c.members.page());
    expect(isOfficeRnDError(error, 'network_error')).toBe(true);
    // The pooled keep-alive socket to the closed server fails first ("other side closed",
    // UND_ERR_SOCKET); a fresh connection is refused (ECONNREFUSED). The message names the code.
    expect((error as Error).message).toMatch(/could not connect \((ECONNREFUSED|UND_ERR_SOCKET)\)/);
    expect((error as Error).cause).toMatchObject({ code: expect.stringMatching(/^(ECONNREFUSED|UND_ERR_SOCKET)$/) });
  });
});
