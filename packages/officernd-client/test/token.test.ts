import { inspect } from 'node:util';
import { createMemoryStore } from '@vendorkit/core';
import { isOfficeRnDError, OfficeRnDClient } from '@vendorkit/officernd-client';
import { generateMockData } from '@vendorkit/officernd-client/mocks';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, rejection, SECRET, setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});
function setup(options: Parameters<typeof setupMock>[0] = {}) {
  const ctx = setupMock(options);
  close = ctx.close;
  return ctx;
}

/** Everything an error could show: message, JSON, inspect (with cause chain), stack. */
function everything(error: unknown): string {
  return `${String(error)} ${JSON.stringify(error)} ${inspect(error, { depth: 20, showHidden: true })} ${(error as Error).stack}`;
}

describe('tokens', () => {
  it('sends client credentials form-encoded with the scopes, and caches the token', async () => {
    let seen: URLSearchParams | undefined;
    let contentType: string | null = null;
    const { server, clientFor, mock } = setup();
    server.events.on('request:start', async ({ request }) => {
      if (request.url.endsWith('/oauth/token')) {
        contentType = request.headers.get('content-type');
        seen = new URLSearchParams(await request.clone().text());
      }
    });
    const client = clientFor({ scopes: ['flex.community.members.read', 'flex.billing.plans.read'] });
    await client.members.page();
    await client.members.page();
    expect(contentType).toMatch(/application\/x-www-form-urlencoded/);
    expect(seen?.get('grant_type')).toBe('client_credentials');
    expect(seen?.get('client_id')).toBe('app-1');
    expect(seen?.get('client_secret')).toBe(SECRET);
    expect(seen?.get('scope')).toBe('flex.community.members.read flex.billing.plans.read');
    expect(mock.stats.tokenRequests).toBe(1);
  });

  it('one token request however many callers wait (single flight)', async () => {
    const { clientFor, mock } = setup({ seed: generateMockData(10) });
    const client = clientFor();
    await Promise.all(Array.from({ length: 25 }, () => client.members.page({ $limit: 5 })));
    expect(mock.stats.tokenRequests).toBe(1);
    expect(mock.stats.requests).toBe(25);
  });

  it('shares the token through the store between clients, keyed without the secret', async () => {
    const store = createMemoryStore();
    const keys: string[] = [];
    const spy = {
      ...store,
      set: (k: string, v: string, o?: { ttlMs?: number }) => {
        keys.push(k);
        return store.set(k, v, o);
      },
    };
    const { clientFor, mock } = setup();
    await clientFor({ store: spy }).members.page();
    await clientFor({ store: spy }).members.page();
    expect(mock.stats.tokenRequests).toBe(1);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain(SECRET);
  });

  it('a rejected token request is not retried in a loop (cooldown), and 5/min is never exceeded by the client', async () => {
    const { clientFor, mock } = setup();
    const client = clientFor({ clientSecret: 'wrong-secret-value-xyz' });
    const errors = [];
    for (let i = 0; i < 10; i++) errors.push(await rejection(client.members.page()));
    expect(mock.stats.tokenRequests).toBe(1);
    for (const error of errors) {
      expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
      expect(error).toMatchObject({ status: 401, vendorError: 'invalid_client' });
      expect(everything(error)).not.toContain('wrong-secret-value-xyz');
    }
    expect(mock.stats.requests).toBe(0);
  });

  it('after the cooldown a new token request is made', async () => {
    let now = 1_700_000_000_000;
    const { clientFor, mock } = setup({ now: () => now });
    const client = clientFor({ clientSecret: 'wrong-secret-value-xyz', tokenFailureCooldownMs: 1000 });
    await rejection(client.members.page());
    now += 500;
    await rejection(client.members.page());
    expect(mock.stats.tokenRequests).toBe(1);
    now += 1000;
    // The token cache uses Date.now; wait for real time to pass the 1 s cooldown.
    await new Promise((r) => setTimeout(r, 1050));
    await rejection(client.members.page());
    expect(mock.stats.tokenRequests).toBe(2);
  });

  it('the mock rate-limits the token endpoint at 5/min, failures included, with a typed 429', async () => {
    const { clientFor, mock } = setup();
    // Six separate apps (no shared cache, no cooldown sharing): the sixth request is the 6th in the minute.
    const outcomes = [];
    for (let i = 0; i < 6; i++) {
      const client = clientFor({ clientSecret: i < 3 ? 'bad-secret-000' : SECRET, tokenFailureCooldownMs: 0 });
      outcomes.push(
        await client.getAccessToken().then(
          () => 'ok',
          (e) => e,
        ),
      );
    }
    expect(mock.stats.tokenRequests).toBe(6);
    expect(outcomes.slice(3, 5)).toEqual(['ok', 'ok']);
    const limited = outcomes[5];
    expect(limited).toMatchObject({
      code: 'token_request_failed',
      status: 429,
      vendorMessage: 'Too many requests, please try again later',
    });
    expect((limited as Error).message).toMatch(/5 requests per minute/);
  });

  it('short-lived tokens are reused, not refetched on every call', async () => {
    const { clientFor, mock } = setup({ tokenLifetimeMs: 20_000 });
    const client = clientFor();
    for (let i = 0; i < 5; i++) await client.members.page();
    expect(mock.stats.tokenRequests).toBe(1);
  });

  it('a 401 on a data call renews the token once and retries once', async () => {
    const { clientFor, mock } = setup({ seed: generateMockData(3) });
    const client = clientFor();
    const first = await client.getAccessToken();
    mock.expireTokens();
    const page = await client.members.page();
    expect(page.results).toHaveLength(3);
    expect(mock.stats.tokenRequests).toBe(2);
    expect(await client.getAccessToken()).not.toBe(first);
  });

  it('a persistent 401 renews only once and then fails with unauthorized', async () => {
    const { clientFor, mock, server } = setup();
    server.use(
      http.get('https://app.officernd.com/api/v2/organizations/acme/members', () =>
        HttpResponse.json({ statusCode: 401, message: 'Unauthorized' }, { status: 401 }),
      ),
    );
    const client = clientFor();
    const error = await rejection(client.members.page());
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(mock.stats.tokenRequests).toBe(2);
    const token = await client.getAccessToken();
    expect(everything(error)).not.toContain(token);
    expect(everything(error)).not.toContain(SECRET);
  });

  it('errors from data calls never contain the secret or the access token', async () => {
    const { clientFor, server } = setup();
    const client = clientFor();
    const token = await client.getAccessToken();
    // A hostile server that echoes credentials back in its error message.
    server.use(
      http.get('https://app.officernd.com/api/v2/organizations/acme/plans', ({ request }) =>
        HttpResponse.json(
          {
            statusCode: 400,
            message: [`bad ${request.headers.get('authorization')} ${SECRET}`],
            error: `Bad ${token}`,
          },
          { status: 400 },
        ),
      ),
    );
    const error = await rejection(client.plans.page());
    expect(error).toMatchObject({ code: 'validation_failed' });
    expect(everything(error)).not.toContain(token);
    expect(everything(error)).not.toContain(SECRET);
    expect((error as Error).message).toContain('[REDACTED]');
  });

  it('429 on data calls is retried honouring Retry-After, then succeeds', async () => {
    const { clientFor, server } = setup({ seed: generateMockData(2) });
    let hits = 0;
    server.use(
      http.get('https://app.officernd.com/api/v2/organizations/acme/members', () => {
        hits++;
        if (hits === 1)
          return HttpResponse.json(
            { statusCode: 429, message: 'slow down' },
            { status: 429, headers: { 'retry-after': '1' } },
          );
        return undefined;
      }),
    );
    const started = Date.now();
    const members = await collect(clientFor().members.list());
    expect(members).toHaveLength(2);
    expect(hits).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('429 that persists is rate_limited with retryAfterSeconds', async () => {
    const { clientFor, server } = setup();
    server.use(
      http.get('https://app.officernd.com/api/v2/organizations/acme/members', () =>
        HttpResponse.json(
          { statusCode: 429, message: 'slow down', error: 'Too Many Requests' },
          { status: 429, headers: { 'retry-after': '0' } },
        ),
      ),
    );
    const error = await rejection(clientFor({ retries: 1 }).members.page());
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, vendorMessage: 'slow down' });
  });
});

describe('OfficeRnDClient construction', () => {
  it('default scopes are the read scopes; the API base is the organisation path', async () => {
    const { DEFAULT_SCOPES } = await import('@vendorkit/officernd-client');
    expect(DEFAULT_SCOPES).toEqual(
      expect.arrayContaining([
        'flex.community.members.read',
        'flex.community.memberships.read',
        'flex.billing.plans.read',
      ]),
    );
    expect(DEFAULT_SCOPES.every((scope) => scope.endsWith('.read'))).toBe(true);
    expect(new OfficeRnDClient({ orgSlug: 'x', clientId: 'a', clientSecret: 'b' }).apiBaseUrl).toBe(
      'https://app.officernd.com/api/v2/organizations/x',
    );
  });
});

describe('a fetch that fails with the secret in its message', () => {
  it('does not leak it through token_request_failed', async () => {
    let sent = '';
    const fetchImpl: typeof fetch = async (input, init) => {
      sent = input instanceof Request ? await input.text() : String(init?.body);
      throw new TypeError(`cannot send ${sent}`);
    };
    const client = new OfficeRnDClient({ orgSlug: 'acme', clientId: 'id', clientSecret: SECRET, fetch: fetchImpl });
    const error = await rejection(client.getAccessToken());
    expect(sent).toContain(SECRET); // the failure really carried the secret
    expect(isOfficeRnDError(error, 'token_request_failed')).toBe(true);
    expect(everything(error)).not.toContain(SECRET);
  });
});
