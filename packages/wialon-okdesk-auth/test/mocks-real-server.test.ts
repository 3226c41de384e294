import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWialonOkdeskAuth, isWialonAuthError, toNodeHandler } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { getResponse, type RequestHandler } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What the umbrella's sandbox does: serve the mocks' MSW handlers on a real localhost server,
// under base URLs chosen at run time (here with path prefixes, on a random port).
let server: Server;
let origin: string;
let handlers: RequestHandler[] = [];
let wialon: ReturnType<typeof createWialonMock>;
let okdesk: ReturnType<typeof createOkdeskMock>;

beforeAll(async () => {
  server = createServer(
    toNodeHandler(
      async (request) => (await getResponse(handlers, request)) ?? new Response('no mock', { status: 404 }),
    ),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  wialon = createWialonMock({ baseUrl: `${origin}/wialon-sandbox/`, users: ['AliceNorris'] });
  okdesk = createOkdeskMock({
    baseUrl: `${origin}/okdesk`,
    apiToken: 'sandbox-token',
    contacts: [{ login: 'AliceNorris' }],
  });
  handlers = [...wialon.handlers, ...okdesk.handlers];
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('mocks served over real HTTP under configurable base URLs', () => {
  it('speaks the Wialon wire format: create_auth_hash with a sid, use_auth_hash, logout, error codes', async () => {
    const call = async (svc: string, params: object, sid?: string) => {
      const body = new URLSearchParams({ params: JSON.stringify(params), ...(sid ? { sid } : {}) });
      const response = await fetch(`${wialon.baseUrl}/wialon/ajax.html?svc=${svc}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      return (await response.json()) as Record<string, unknown>;
    };
    const sid = wialon.openSession('AliceNorris');
    const { authHash } = (await call('core/create_auth_hash', {}, sid)) as { authHash: string };
    expect(authHash).toMatch(/^[0-9a-f]{32}$/);
    expect(await call('core/create_auth_hash', {}, 'bogus')).toEqual({ error: 1 });
    const session = await call('core/use_auth_hash', { authHash });
    expect(session.au).toBe('AliceNorris');
    expect(await call('core/logout', {}, session.eid as string)).toEqual({ error: 0 });
    // A second logout: 4, "non-authorised user" (Wialon Remote API reference, core/logout).
    expect(await call('core/logout', {}, session.eid as string)).toEqual({ error: 4 });
    expect(await call('core/nope', {})).toEqual({ error: 2 });
    expect(wialon.closedSessions).toContain(session.eid);
  });

  it('end to end: verify() and handle() against the sandbox, with an http + path trusted entry', async () => {
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [`${origin}/wialon-sandbox`],
      okdesk: { baseUrl: `${origin}/okdesk`, apiToken: 'sandbox-token', loginLink: true },
      logger: { warn() {}, info() {} },
    });
    const baseUrl = `${origin}/wialon-sandbox`;
    const openBefore = wialon.activeSessions();
    const result = await auth.verify({ user: 'AliceNorris', baseUrl, authHash: wialon.mintAuthHash('AliceNorris') });
    expect(result.contact.login).toBe('AliceNorris');
    const response = await auth.handle(
      new Request(
        `${origin}/wialonauth?user=AliceNorris&baseUrl=${encodeURIComponent(baseUrl)}&authHash=${wialon.mintAuthHash('AliceNorris')}`,
      ),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(okdesk.loginLinks.at(-1)?.url);
    expect(wialon.activeSessions()).toEqual(openBefore);
    const other = await auth
      .verify({ user: 'AliceNorris', baseUrl: `${origin}/okdesk`, authHash: 'abc' })
      .catch((e) => e);
    expect(isWialonAuthError(other, 'untrusted_base_url')).toBe(true);
  });
});
