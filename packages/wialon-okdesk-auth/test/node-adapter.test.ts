import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWialonOkdeskAuth, toNodeHandler } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { getResponse } from 'msw';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_TOKEN, link, OKDESK, WIALON } from './helpers.js';

describe('toNodeHandler() on a real loopback server', () => {
  let httpServer: Server;
  let origin: string;
  beforeAll(async () => {
    httpServer = createServer(
      toNodeHandler(async (request) => {
        const url = new URL(request.url);
        if (url.pathname === '/boom') throw new Error('handler failed');
        if (url.pathname === '/cookies') {
          const headers = new Headers({ 'content-type': 'text/plain' });
          headers.append('set-cookie', 'a=1; HttpOnly');
          headers.append('set-cookie', 'b=2; HttpOnly');
          return new Response(`${request.method} ${url.search} ${await request.text()}`, { status: 201, headers });
        }
        return nodeAuth.handle(request);
      }),
    );
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    httpServer.closeAllConnections();
    await new Promise((resolve) => httpServer.close(resolve));
  });

  // No MSW interception in this file: the loopback socket is real, and upstream calls are
  // answered by the mocks' handlers through the injected fetch.
  let nodeWialon = createWialonMock({ baseUrl: WIALON, users: ['Carol'] });
  let nodeOkdesk = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: [{ login: 'Carol' }] });
  const mockFetch: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await getResponse([...nodeWialon.handlers, ...nodeOkdesk.handlers], request);
    return response ?? new Response('unhandled', { status: 599 });
  };
  let nodeAuth = createWialonOkdeskAuth({
    trustedWialonBaseUrls: [WIALON],
    okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN, loginLink: true },
    fetch: mockFetch,
    logger: { warn() {}, info() {} },
  });
  beforeEach(() => {
    nodeWialon = createWialonMock({ baseUrl: WIALON, users: ['Carol'] });
    nodeOkdesk = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: [{ login: 'Carol' }] });
    nodeAuth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [WIALON],
      okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN, loginLink: true },
      fetch: mockFetch,
      logger: { warn() {}, info() {} },
    });
  });

  it('redirects on success and serves the refusal page on failure', async () => {
    const hash = nodeWialon.mintAuthHash('Carol');
    const ok = await fetch(link({ user: 'Carol', baseUrl: WIALON, authHash: hash }, origin), { redirect: 'manual' });
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(nodeOkdesk.loginLinks[0]?.url);
    const replay = await fetch(link({ user: 'Carol', baseUrl: WIALON, authHash: hash }, origin), {
      redirect: 'manual',
    });
    expect(replay.status).toBe(403);
    const body = await replay.text();
    expect(body).toContain('Reference: replayed');
    expect(body).not.toContain(hash);
  });

  it('answers 413 to a body over the limit without calling the handler or reading it all', async () => {
    let handlerCalls = 0;
    const small = createServer(
      toNodeHandler(
        async () => {
          handlerCalls += 1;
          return new Response('ok');
        },
        { maxBodyBytes: 1024 },
      ),
    );
    await new Promise<void>((resolve) => small.listen(0, '127.0.0.1', resolve));
    const smallOrigin = `http://127.0.0.1:${(small.address() as AddressInfo).port}`;
    try {
      const atLimit = await fetch(`${smallOrigin}/wialonauth`, { method: 'POST', body: 'x'.repeat(1024) });
      expect(atLimit.status).toBe(200);
      const tooLarge = await fetch(`${smallOrigin}/wialonauth`, { method: 'POST', body: 'x'.repeat(1025) });
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.text()).toBe('Payload Too Large');
      expect(handlerCalls).toBe(1);
    } finally {
      small.closeAllConnections();
      await new Promise((resolve) => small.close(resolve));
    }
  });

  it('passes method, query, body and several Set-Cookie headers through; a throwing handler gives a bare 500', async () => {
    const response = await fetch(`${origin}/cookies?x=1`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('POST ?x=1 payload');
    expect(response.headers.getSetCookie()).toEqual(['a=1; HttpOnly', 'b=2; HttpOnly']);
    const boom = await fetch(`${origin}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).toBe('Internal Server Error');
  });
});
