import { request } from 'node:http';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningHandlerServer, serveRequestHandlers } from '../src/sandbox/http-bridge.js';

let server: RunningHandlerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serveRequestHandlers', () => {
  it('answers real HTTP requests through MSW handlers, passing method, headers, query and body', async () => {
    server = await serveRequestHandlers({
      port: 0,
      host: '127.0.0.1',
      createHandlers: (origin) => [
        http.post(`${origin}/echo`, async ({ request }) =>
          HttpResponse.json(
            {
              query: new URL(request.url).searchParams.get('q'),
              header: request.headers.get('x-test'),
              body: await request.text(),
            },
            { status: 201, headers: { 'set-cookie': 'a=1' } },
          ),
        ),
      ],
    });
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${server.origin}/echo?q=%C3%A9`, {
      method: 'POST',
      headers: { 'x-test': 'yes', 'content-type': 'text/plain' },
      body: 'raw body ✓',
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('set-cookie')).toBe('a=1');
    expect(await response.json()).toEqual({ query: 'é', header: 'yes', body: 'raw body ✓' });
  });

  it('answers 404 with the path when no handler matches, and keeps redirects as redirects', async () => {
    server = await serveRequestHandlers({
      port: 0,
      host: '127.0.0.1',
      createHandlers: (origin) => [
        http.get(`${origin}/go`, () => new HttpResponse(null, { status: 302, headers: { location: '/there' } })),
      ],
    });
    const missing = await fetch(`${server.origin}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'no_sandbox_route', path: '/nowhere' });
    const redirect = await fetch(`${server.origin}/go`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/there');
  });

  it('turns a throwing handler into a 500 instead of a hung connection', async () => {
    server = await serveRequestHandlers({
      port: 0,
      host: '127.0.0.1',
      createHandlers: (origin) => [
        http.get(`${origin}/boom`, () => {
          throw new Error('kaput');
        }),
      ],
    });
    const response = await fetch(`${server.origin}/boom`, { signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(500);
  });
});

describe('serveRequestHandlers limits', () => {
  it('answers 413 to a body over 5 MiB without calling the handlers', async () => {
    let calls = 0;
    server = await serveRequestHandlers({
      port: 0,
      host: '127.0.0.1',
      createHandlers: (origin) => [
        http.post(`${origin}/upload`, () => {
          calls++;
          return HttpResponse.text('ok');
        }),
      ],
    });
    const small = await fetch(`${server.origin}/upload`, { method: 'POST', body: 'x' });
    expect(small.status).toBe(200);
    const large = await fetch(`${server.origin}/upload`, { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024 + 1) });
    expect(large.status).toBe(413);
    expect(calls).toBe(1);
  });
});

describe('serveRequestHandlers and the Host header', () => {
  it('answers a client that names the server differently (localhost) and keeps redirects on that name', async () => {
    server = await serveRequestHandlers({
      port: 0,
      host: '127.0.0.1',
      createHandlers: (origin) => [
        http.get(
          `${origin}/start`,
          () => new HttpResponse(null, { status: 302, headers: { location: `${origin}/next?x=1` } }),
        ),
      ],
    });
    const port = server.port;
    const answer = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/start', headers: { host: `localhost:${port}` } },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, location: res.headers.location });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(answer).toEqual({ status: 302, location: `http://localhost:${port}/next?x=1` });
  });
});
