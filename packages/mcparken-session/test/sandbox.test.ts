import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcParkenMock, MCPARKEN_MOCK_ZONES } from '@vendorkit/mcparken-session/mocks';
import { getResponse, HttpResponse, http } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McParkenSession } from '../src/index.js';
import { CREDENTIALS } from './helpers.js';

// The umbrella's `vendorkit sandbox` serves mock handlers on a real localhost server; this does the
// same with msw's getResponse, so the session talks to the mock over real sockets, without interception.
let server: Server;
let origin: string;
let handlers: Parameters<typeof getResponse>[0] = [];

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const request = new Request(`${origin}${req.url}`, {
      method: req.method,
      headers,
      ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
    });
    const response = (await getResponse(handlers, request)) ?? new Response('no handler', { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('mock served on a localhost base URL (sandbox)', () => {
  it('issues tokens, serves the protected endpoint and renews after revocation over real HTTP', async () => {
    const baseUrl = `${origin}/mcparken/api`;
    const mock = createMcParkenMock({ baseUrl, expiredTokenStatus: 401 });
    handlers = mock.handlers;
    const session = new McParkenSession({ ...CREDENTIALS, baseUrl });
    expect(await session.http.get('parking/zones').json()).toEqual(MCPARKEN_MOCK_ZONES);
    mock.revokeAll();
    expect(await session.http.get('parking/zones').json()).toEqual(MCPARKEN_MOCK_ZONES);
    expect(mock.stats.sessionRequests).toBe(2);
    expect((await session.getSession()).userId).toBe('72');
  });

  it('replays a POST body on the renewal retry', async () => {
    const baseUrl = `${origin}/api`;
    const mock = createMcParkenMock({ baseUrl });
    const bodies: unknown[] = [];
    const start = http.post(`${baseUrl}/parking/start`, async ({ request }) => {
      const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1] ?? '';
      const body = await request.json();
      bodies.push(body);
      if (!mock.activeTokens().includes(token)) {
        return HttpResponse.json({ errormessage: 'Your access token has expired...', errorcode: 401 });
      }
      return HttpResponse.json({ started: body });
    });
    handlers = [...mock.handlers, start];
    const session = new McParkenSession({ ...CREDENTIALS, baseUrl });
    await session.getAccessToken();
    mock.revokeAll();
    const result = await session.http.post('parking/start', { json: { zoneId: 2, plate: 'ABC123' } }).json();
    expect(result).toEqual({ started: { zoneId: 2, plate: 'ABC123' } });
    expect(bodies).toEqual([
      { zoneId: 2, plate: 'ABC123' },
      { zoneId: 2, plate: 'ABC123' },
    ]);
    expect(mock.stats.sessionRequests).toBe(2);
  });
});
