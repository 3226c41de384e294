import { isVendorkitError } from '@vendorkit/core';
import { createWialonOkdeskAuth } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API_TOKEN, link, OKDESK, recordingLogger, rejectionOf, WIALON } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

let wialon: ReturnType<typeof createWialonMock>;
let okdesk: ReturnType<typeof createOkdeskMock>;
let log: ReturnType<typeof recordingLogger>;
beforeEach(() => {
  wialon = createWialonMock({ baseUrl: WIALON, users: ['Carol', 'bob'] });
  okdesk = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: [{ login: 'Carol' }] });
  log = recordingLogger();
  server.use(...wialon.handlers, ...okdesk.handlers);
});

const auth = (extra: Partial<Parameters<typeof createWialonOkdeskAuth>[0]> = {}) =>
  createWialonOkdeskAuth({
    trustedWialonBaseUrls: [WIALON],
    okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN, loginLink: true },
    logger: log.logger,
    ...extra,
  });

async function expectPage(response: Response, status: number, secrets: string[]) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  const body = await response.text();
  expect(body).toMatch(/^<!doctype html>/);
  for (const secret of [API_TOKEN, ...secrets, ...wialon.openedSessions]) expect(body).not.toContain(secret);
  return body;
}

describe('handle()', () => {
  it("does not count on Okdesk's undocumented login_link: without onSuccess, portalLoginLink or okdesk.loginLink it is a ConfigurationError", async () => {
    // VENDORS.md §3 [G]: no public evidence of a login_link endpoint. A default that calls it would
    // answer 502 after every successful check on an account without one.
    const plain = auth({ okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN } });
    const error = await rejectionOf(
      plain.handle(new Request(link({ user: 'Carol', baseUrl: WIALON, authHash: wialon.mintAuthHash('Carol') }))),
    );
    expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toMatch(/okdesk\.loginLink/);
    expect(wialon.stats.requests).toBe(0);
    expect(okdesk.stats).toMatchObject({ list: 0, loginLink: 0 });
  });

  it('success with okdesk.loginLink: true and no onSuccess: 302 to the Okdesk one-time login link', async () => {
    const authHash = wialon.mintAuthHash('Carol');
    const response = await auth().handle(new Request(link({ user: 'Carol', baseUrl: WIALON, authHash })));
    expect(response.status).toBe(302);
    expect(okdesk.loginLinks).toHaveLength(1);
    expect(response.headers.get('location')).toBe(okdesk.loginLinks[0]?.url);
    expect(okdesk.loginLinks[0]?.contactId).toBe(okdesk.contacts[0]?.id);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('success with onSuccess: its Response, given the result and the request', async () => {
    const authHash = wialon.mintAuthHash('Carol');
    const request = new Request(link({ user: 'Carol', baseUrl: WIALON, authHash }));
    const response = await auth({
      onSuccess: (result, req) =>
        new Response(`hello ${result.contact.login} via ${new URL(req.url).pathname}`, { status: 200 }),
    }).handle(request);
    expect(await response.text()).toBe('hello Carol via /wialonauth');
    expect(okdesk.stats.loginLink).toBe(0);
  });

  it('success with portalLoginLink: 302 there', async () => {
    const authHash = wialon.mintAuthHash('Carol');
    const response = await auth({ portalLoginLink: (r) => `https://portal.example/${r.contact.id}` }).handle(
      new Request(link({ user: 'Carol', baseUrl: WIALON, authHash })),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`https://portal.example/${okdesk.contacts[0]?.id}`);
  });

  it('rejects with a ConfigurationError naming what to set when no success answer is possible; verify() still works', async () => {
    const custom = auth({ okdesk: { findContactByLogin: async (login) => ({ id: 9, login }) } });
    const error = await rejectionOf(
      custom.handle(new Request(link({ user: 'Carol', baseUrl: WIALON, authHash: 'x1' }))),
    );
    expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toMatch(/onSuccess/);
    expect((error as Error).message).toMatch(/portalLoginLink/);
    expect(wialon.stats.requests).toBe(0); // the hash was not burnt
    const result = await custom.verify({ user: 'Carol', baseUrl: WIALON, authHash: wialon.mintAuthHash('Carol') });
    expect(result.contact.id).toBe(9);
  });

  it('answers every refusal with an HTML page and the right status, revealing no secret', async () => {
    const handler = auth();
    const carolHash = () => wialon.mintAuthHash('Carol');
    const cases: Array<{
      params: Record<string, string | undefined>;
      status: number;
      reason: string;
      before?: () => void;
    }> = [
      { params: { user: 'Carol', baseUrl: WIALON }, status: 400, reason: 'missing_parameter' },
      {
        params: { user: 'Carol', baseUrl: 'https://evil.test', authHash: carolHash() },
        status: 403,
        reason: 'untrusted_base_url',
      },
      {
        params: { user: 'Carol', baseUrl: WIALON, authHash: 'deadbeef'.repeat(4) },
        status: 403,
        reason: 'invalid_auth_hash',
      },
      { params: { user: 'carol', baseUrl: WIALON, authHash: carolHash() }, status: 403, reason: 'user_mismatch' },
      {
        params: { user: 'bob', baseUrl: WIALON, authHash: wialon.mintAuthHash('bob') },
        status: 403,
        reason: 'unknown_contact',
      },
      {
        params: { user: 'Carol', baseUrl: WIALON, authHash: carolHash() },
        status: 502,
        reason: 'upstream_unavailable',
        before: () => wialon.failNext(9),
      },
    ];
    for (const c of cases) {
      c.before?.();
      const response = await handler.handle(new Request(link(c.params)));
      const body = await expectPage(response, c.status, [c.params.authHash ?? 'unused-secret']);
      expect(body).toContain(`Reference: ${c.reason}`);
      expect(body).not.toContain('<script');
    }
    // replayed: first use succeeds, second is refused
    const hash = carolHash();
    expect((await handler.handle(new Request(link({ user: 'Carol', baseUrl: WIALON, authHash: hash })))).status).toBe(
      302,
    );
    const again = await handler.handle(new Request(link({ user: 'Carol', baseUrl: WIALON, authHash: hash })));
    expect(await expectPage(again, 403, [hash])).toContain('Reference: replayed');
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.details?.reason)).toEqual([
      'missing_parameter',
      'untrusted_base_url',
      'invalid_auth_hash',
      'user_mismatch',
      'unknown_contact',
      'upstream_unavailable',
      'replayed',
    ]);
  });

  it('never echoes request input into the page (no reflected markup)', async () => {
    const response = await auth().handle(
      new Request(
        link({ user: '<img src=x onerror=alert(1)>', baseUrl: '"><script>alert(1)</script>', authHash: 'x' }),
      ),
    );
    const body = await expectPage(response, 403, []);
    expect(body).not.toContain('<img');
    expect(body).not.toContain('alert');
  });

  it('503 when the replay store is down; 502 when Okdesk cannot make a login link', async () => {
    const store = {
      get: async () => undefined,
      set: async () => {},
      delete: async () => {},
      deleteIfEquals: async () => false,
      setIfAbsent: async () => {
        throw new Error('down');
      },
    };
    const down = await auth({ replayStore: store }).handle(
      new Request(link({ user: 'Carol', baseUrl: WIALON, authHash: wialon.mintAuthHash('Carol') })),
    );
    await expectPage(down, 503, []);
    server.use(
      http.post(`${OKDESK}/api/v1/login_link`, () =>
        HttpResponse.json({ errors: { base: ['nope'] } }, { status: 422 }),
      ),
    );
    const hash = wialon.mintAuthHash('Carol');
    const noLink = await auth().handle(new Request(link({ user: 'Carol', baseUrl: WIALON, authHash: hash })));
    await expectPage(noLink, 502, [hash]);
  });

  it('only GET: HEAD/POST get 405 and do not burn the hash', async () => {
    const handler = auth();
    const hash = wialon.mintAuthHash('Carol');
    const url = link({ user: 'Carol', baseUrl: WIALON, authHash: hash });
    for (const method of ['HEAD', 'POST']) {
      const response = await handler.handle(new Request(url, { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('GET');
    }
    expect(wialon.stats.requests).toBe(0);
    expect((await handler.handle(new Request(url))).status).toBe(302);
  });
});
