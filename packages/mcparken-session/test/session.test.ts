import { isVendorkitError } from '@vendorkit/core';
import { MCPARKEN_MOCK_ZONES } from '@vendorkit/mcparken-session/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isMcParkenError, McParkenSession } from '../src/index.js';
import { CREDENTIALS, caught, manualClock, mockedSession } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('getAccessToken', () => {
  it('makes one session request for 100 concurrent callers and returns the same token to all', async () => {
    const { mock, session } = mockedSession(server);
    const tokens = await Promise.all(Array.from({ length: 100 }, () => session.getAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(mock.activeTokens()).toEqual([tokens[0]]);
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('sends the apikey header and credentials the vendor way (mock accepts only the right ones)', async () => {
    const { mock, session } = mockedSession(server, {}, {});
    await session.getAccessToken();
    expect(mock.stats.tokensIssued).toBe(1);
  });

  it('reuses the token until refreshMarginMs before expiry, then renews', async () => {
    const clock = manualClock();
    const { mock, session } = mockedSession(server, { now: clock.now }, { now: clock.now, refreshMarginMs: 10_000 });
    const first = await session.getAccessToken();
    clock.advance(49_000);
    expect(await session.getAccessToken()).toBe(first);
    expect(mock.stats.sessionRequests).toBe(1);
    clock.advance(2_000); // 51 s: inside the 10 s margin of a 60 s token
    const second = await session.getAccessToken();
    expect(second).not.toBe(first);
    expect(mock.stats.sessionRequests).toBe(2);
  });

  it('clamps the margin to a quarter of a short lifetime so a short token is not renewed on every call', async () => {
    const clock = manualClock();
    const { mock, session } = mockedSession(
      server,
      { now: clock.now, tokenLifetimeMs: 20_000 },
      { now: clock.now, refreshMarginMs: 30_000 },
    );
    const first = await session.getAccessToken();
    clock.advance(14_000); // margin min(30, 20/4) = 5 s → fresh until 15 s
    expect(await session.getAccessToken()).toBe(first);
    expect(mock.stats.sessionRequests).toBe(1);
    clock.advance(2_000);
    expect(await session.getAccessToken()).not.toBe(first);
    expect(mock.stats.sessionRequests).toBe(2);
  });

  it('measures the lifetime from the server fields, so a local clock hours off neither reuses a dead token nor renews each call', async () => {
    for (const skewMs of [3 * 3600_000, -3 * 3600_000]) {
      server.resetHandlers();
      const serverClock = manualClock();
      const clientNow = () => serverClock.now() + skewMs;
      const { mock, session } = mockedSession(server, { now: serverClock.now }, { now: clientNow });
      const first = await session.getAccessToken();
      const info = await session.getSession();
      expect(info.lifetimeMs).toBe(60_000);
      expect(info.expiresAt.getTime()).toBe(clientNow() + 60_000);
      serverClock.advance(30_000);
      expect(await session.getAccessToken()).toBe(first);
      expect(mock.stats.sessionRequests).toBe(1);
      serverClock.advance(30_001); // the token is dead on the server
      const second = await session.getAccessToken();
      expect(second).not.toBe(first);
      expect(mock.activeTokens()).toContain(second);
      expect(mock.stats.sessionRequests).toBe(2);
    }
  });

  it('getSession reports the user id and expiry for the CLI', async () => {
    const clock = manualClock();
    const { session } = mockedSession(server, { now: clock.now }, { now: clock.now });
    const info = await session.getSession();
    expect(info.userId).toBe('72');
    expect(info.tokenType).toBe('bearer');
    expect(info.expiresAt.toISOString()).toBe(new Date(clock.now() + 60_000).toISOString());
    expect(info.issued).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+01:00$/);
    expect(info.accessToken).toBe(await session.getAccessToken());
  });

  it('shares one token between two sessions on one store (two processes)', async () => {
    const { createMemoryStore } = await import('@vendorkit/core');
    const store = createMemoryStore();
    const { mock, session } = mockedSession(server, {}, { store });
    const other = new McParkenSession({ ...CREDENTIALS, store });
    const [a, b] = await Promise.all([session.getAccessToken(), other.getAccessToken()]);
    expect(a).toBe(b);
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('keeps tokens for different accounts apart on one store', async () => {
    const { createMemoryStore } = await import('@vendorkit/core');
    const store = createMemoryStore();
    const users = [
      { username: 'a@example.com', password: 'pw-a-secret', userId: '1' },
      { username: 'b@example.com', password: 'pw-b-secret', userId: '2' },
    ];
    const { session: a } = mockedSession(
      server,
      { users },
      { store, username: 'a@example.com', password: 'pw-a-secret' },
    );
    const b = new McParkenSession({ ...CREDENTIALS, store, username: 'b@example.com', password: 'pw-b-secret' });
    expect((await a.getSession()).userId).toBe('1');
    expect((await b.getSession()).userId).toBe('2');
  });
});

describe('session errors by vendor code', () => {
  const cases = [
    { code: '401.1', status: 401, options: { apiKey: 'wrong-apikey-value' }, hint: /90-day/ },
    {
      code: '405.0',
      status: 405,
      options: { password: 'x' },
      users: [{ username: CREDENTIALS.username, password: 'x' }],
      blank: true,
      hint: /username.*password/,
    },
    { code: '401.2', status: 401, options: { password: 'not-the-password' }, hint: /administrator/ },
  ] as const;

  for (const c of cases) {
    it(`${c.code}: typed McParkenError with status and advice`, async () => {
      const { session } = mockedSession(server, {}, c.options);
      if ('blank' in c) {
        // The options check refuses an empty password up front; reach the vendor's 405.0 through a fetch that blanks it.
        const blanking = new McParkenSession({
          ...CREDENTIALS,
          fetch: (input, init) => {
            const url = new URL(String(input));
            url.searchParams.set('password', '');
            return fetch(url, init);
          },
        });
        const error = await caught(blanking.getAccessToken());
        expect(isMcParkenError(error, c.code)).toBe(true);
        expect((error as { status?: number }).status).toBe(c.status);
        expect((error as Error).message).toMatch(c.hint);
        return;
      }
      const error = await caught(session.getAccessToken());
      expect(isMcParkenError(error, c.code)).toBe(true);
      expect(isVendorkitError(error)).toBe(true);
      expect((error as { status?: number }).status).toBe(c.status);
      expect((error as Error).message).toMatch(c.hint);
      expect((error as { url?: string }).url).toBe(
        'https://mcparken.se/api/session/getsession?username=[REDACTED]&password=[REDACTED]',
      );
    });
  }

  it('403.0: a request without the apikey header (e.g. stripped by a proxy)', async () => {
    mockedSession(server);
    const stripping = new McParkenSession({
      ...CREDENTIALS,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.delete('apikey');
        return fetch(input, { ...init, headers });
      },
    });
    const error = await caught(stripping.getAccessToken());
    expect(isMcParkenError(error, '403.0')).toBe(true);
    expect((error as { status?: number }).status).toBe(403);
    expect((error as Error).message).toMatch(/apikey/);
  });

  it('an error is not cached as a token: after the refusal cooldown the next call asks again', async () => {
    const clock = manualClock();
    const { mock, session } = mockedSession(
      server,
      { now: clock.now },
      { password: 'wrong-password', now: clock.now, refusedLoginCooldownMs: 1_000 },
    );
    await caught(session.getAccessToken());
    clock.advance(1_000);
    await caught(session.getAccessToken());
    expect(mock.stats.sessionRequests).toBe(2);
  });
});

describe('http', () => {
  it('resolves paths against baseUrl with or without a trailing slash and sends token and apikey', async () => {
    for (const baseUrl of ['http://127.0.0.1:4010/mcparken/api', 'http://127.0.0.1:4010/mcparken/api/']) {
      server.resetHandlers();
      const { mock, session } = mockedSession(server, { baseUrl }, { baseUrl });
      expect(await session.http.get('parking/zones').json()).toEqual(MCPARKEN_MOCK_ZONES);
      expect(mock.stats.protectedRequests).toBe(1);
      expect(mock.stats.expiredTokenAnswers).toBe(0);
    }
  });

  it('1,000 concurrent requests make one session request', async () => {
    const { mock, session } = mockedSession(server);
    await Promise.all(Array.from({ length: 1000 }, () => session.http.get('parking/zones').json()));
    expect(mock.stats.sessionRequests).toBe(1);
    expect(mock.stats.protectedRequests).toBe(1000);
  });

  for (const expiredTokenStatus of [200, 401]) {
    it(`expired token answered with HTTP ${expiredTokenStatus}: one renewal for 50 concurrent callers, all succeed`, async () => {
      const { mock, session } = mockedSession(server, { expiredTokenStatus });
      const before = await session.getAccessToken();
      mock.revokeAll();
      const results = await Promise.all(Array.from({ length: 50 }, () => session.http.get('parking/zones').json()));
      for (const result of results) expect(result).toEqual(MCPARKEN_MOCK_ZONES);
      expect(mock.stats.sessionRequests).toBe(2);
      expect(mock.stats.expiredTokenAnswers).toBe(50);
      const after = await session.getAccessToken();
      expect(after).not.toBe(before);
      expect(mock.activeTokens()).toEqual([after]);
    });

    it(`expired token (HTTP ${expiredTokenStatus}) refused again after renewal → McParkenError 401, one renewal`, async () => {
      const { mock, session } = mockedSession(server, { expiredTokenStatus });
      await session.getAccessToken();
      mock.refuseAllTokens(true);
      const errors = await Promise.all(
        Array.from({ length: 10 }, () => caught(session.http.get('parking/zones').json())),
      );
      for (const error of errors) {
        expect(isMcParkenError(error, '401')).toBe(true);
        expect((error as { status?: number }).status).toBe(expiredTokenStatus);
        expect((error as { url?: string }).url).toBe('https://mcparken.se/api/parking/zones');
      }
      expect(mock.stats.sessionRequests).toBe(2);
      expect(mock.stats.expiredTokenAnswers).toBe(20);
    });
  }

  it('a token expiring by time (not revocation) on the server is renewed transparently', async () => {
    const clock = manualClock();
    // The client believes its token lives longer than it does: margin 0 and its clock runs slow.
    let slow = clock.now();
    const { mock, session } = mockedSession(server, { now: clock.now }, { now: () => slow, refreshMarginMs: 0 });
    await session.http.get('parking/zones').json();
    clock.advance(61_000);
    slow += 30_000;
    expect(await session.http.get('parking/zones').json()).toEqual(MCPARKEN_MOCK_ZONES);
    expect(mock.stats.sessionRequests).toBe(2);
    expect(mock.stats.expiredTokenAnswers).toBe(1);
  });

  it('turns non-vendor HTTP failures into McParkenError http_error with status and redacted URL', async () => {
    const { http, HttpResponse } = await import('msw');
    const { session } = mockedSession(server);
    server.use(http.get('https://mcparken.se/api/parking/missing', () => new HttpResponse('nope', { status: 404 })));
    const error = await caught(session.http.get('parking/missing', { searchParams: { apikey: CREDENTIALS.apiKey } }));
    expect(isMcParkenError(error, 'http_error')).toBe(true);
    expect((error as { status?: number }).status).toBe(404);
    expect((error as { url?: string }).url).toBe('https://mcparken.se/api/parking/missing?apikey=[REDACTED]');
  });

  it('reports a vendor error code (not the expiry) from a protected call as that code, with no renewal', async () => {
    const { http } = await import('msw');
    const { mock, session } = mockedSession(server);
    server.use(
      http.get(
        'https://mcparken.se/api/parking/zones',
        () =>
          new Response('{"errormessage":"apikey is not approved","errorcode":401.1}', {
            status: 401,
            headers: { 'content-type': 'application/json' },
          }),
      ),
    );
    const error = await caught(session.http.get('parking/zones').json());
    expect(isMcParkenError(error, '401.1')).toBe(true);
    expect((error as { status?: number }).status).toBe(401);
    expect((error as { vendorMessage?: string }).vendorMessage).toBe('apikey is not approved');
    expect(mock.stats.sessionRequests).toBe(1);
  });
});

describe('http: vendor error bodies and retry options', () => {
  it('a 2xx answer carrying a McParken error body (not expiry) throws that code, without renewal', async () => {
    const { http } = await import('msw');
    const { mock, session } = mockedSession(server);
    server.use(
      http.get('https://mcparken.se/api/parking/zones', () =>
        Response.json({ errormessage: 'Zone closed', errorcode: 'Z12' }),
      ),
    );
    const error = await caught(session.http.get('parking/zones').json());
    expect(isMcParkenError(error, 'Z12')).toBe(true);
    expect((error as { status?: number }).status).toBe(200);
    expect((error as Error).message).toContain('Zone closed');
    expect(mock.stats.sessionRequests).toBe(1);
  });

  it('retry: true does not make a final answer (404) repeat', async () => {
    const { http, HttpResponse } = await import('msw');
    const { session } = mockedSession(server);
    let hits = 0;
    server.use(
      http.get('https://mcparken.se/api/parking/gone', () => {
        hits += 1;
        return new HttpResponse('gone', { status: 404 });
      }),
    );
    const error = await caught(session.http.get('parking/gone', { retry: true }));
    expect(isMcParkenError(error, 'http_error')).toBe(true);
    expect(hits).toBe(1);
  });
});

describe('http: large answers', () => {
  it('passes a large streamed answer through intact (the error sniffing stops at 64 KiB)', async () => {
    const { http } = await import('msw');
    const { session } = mockedSession(server);
    const big = Array.from({ length: 5000 }, (_, i) => ({
      zoneId: i,
      name: `Zone ${i} error-free`,
      note: 'x'.repeat(20),
    }));
    const text = JSON.stringify(big);
    expect(text.length).toBeGreaterThan(64 * 1024);
    server.use(
      http.get('https://mcparken.se/api/parking/all', () => {
        const bytes = new TextEncoder().encode(text);
        const stream = new ReadableStream({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
            controller.close();
          },
        });
        return new Response(stream, { headers: { 'content-type': 'application/json' } });
      }),
    );
    expect(await session.http.get('parking/all').json()).toEqual(big);
  });
});
