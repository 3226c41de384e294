/**
 * OfficeRnD details found since the first release (issue 16.3). Evidence, VENDORS.md §1
 * "Found since the first release": [C] `$limit` above 50 is capped at 50, not refused, and
 * `rangeStart` counts from 1 ("Querying data": `"rangeStart": 1, "rangeEnd": 50`); [C] the token
 * endpoint's 429 message is "Too many requests, please try again later", no `Retry-After` is
 * documented; [C] `POST {v2}/auth/signin` answers with an OAuth token (the sign-up-as-a-member
 * guide: the answer "should contain the OAuth 2.0 token"), and "Sign in a user" lists the profile.
 */
import { SCOPES } from '@vendorkit/officernd-client';
import { createOfficeRnDMock, generateMockData } from '@vendorkit/officernd-client/mocks';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeQuery } from '../src/pagination.js';
import { rejection, SECRET, setupMock } from './helpers.js';

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

const API = 'https://app.officernd.com/api/v2/organizations/acme';
const TOKEN_URL = 'https://identity.officernd.com/oauth/token';
const SIGN_IN = `${API}/auth/signin`;
const TOO_MANY = 'Too many requests, please try again later';

describe('$limit above 50', () => {
  it('is capped at 50 by the client, not refused', () => {
    expect(serializeQuery({ $limit: 80 }).get('$limit')).toBe('50');
    expect(serializeQuery({ $limit: 50 }).get('$limit')).toBe('50');
    expect(serializeQuery({ $limit: 7 }).get('$limit')).toBe('7');
  });

  it('is capped at 50 by the mock, not refused', async () => {
    const mock = createOfficeRnDMock({ orgSlug: 'acme', seed: generateMockData(120) });
    const server = setupServer(...mock.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    close = () => server.close();
    const { access_token } = (await (
      await fetch(TOKEN_URL, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: mock.credentials.clientId,
          client_secret: mock.credentials.clientSecret,
          scope: 'flex.community.members.read',
        }),
      })
    ).json()) as { access_token: string };
    const response = await fetch(`${API}/members?$limit=80`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(50);
  });

  it('a client page of $limit 80 returns 50 members', async () => {
    const { clientFor } = setup({ seed: generateMockData(120) });
    expect((await clientFor().members.page({ $limit: 80 })).results).toHaveLength(50);
  });
});

describe('rangeStart', () => {
  it('counts from 1 in the mock: pages of 50 are 1–50, 51–100, 101–120', async () => {
    const { clientFor } = setup({ seed: generateMockData(120) });
    const client = clientFor();
    const ranges: Array<[unknown, unknown]> = [];
    let cursor: string | null | undefined;
    do {
      const page = await client.members.page(cursor ? { $cursorNext: cursor } : {});
      ranges.push([page.rangeStart, page.rangeEnd]);
      cursor = page.cursorNext;
    } while (cursor);
    expect(ranges).toEqual([
      [1, 50],
      [51, 100],
      [101, 120],
    ]);
  });
});

describe('the token endpoint at its rate limit', () => {
  it('the mock answers 429 "Too many requests, please try again later" without Retry-After', async () => {
    const { mock } = setup({ tokenRateLimitPerMinute: 1 });
    const ask = () =>
      fetch(TOKEN_URL, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'app-1',
          client_secret: SECRET,
          scope: 'flex.community.members.read',
        }),
      });
    expect((await ask()).status).toBe(200);
    const limited = await ask();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(JSON.stringify(await limited.json())).toContain(TOO_MANY);
    expect(mock.stats.tokenRequests).toBe(2);
  });

  it('the client reports it with the vendor text and the 5-a-minute explanation', async () => {
    const { clientFor } = setup({ tokenRateLimitPerMinute: 0 });
    const error = await rejection(clientFor().getAccessToken());
    expect(error).toMatchObject({ code: 'token_request_failed', status: 429, vendorMessage: TOO_MANY });
    expect(error).not.toHaveProperty('retryAfterSeconds');
    expect((error as Error).message).toMatch(/5 requests per minute/);
  });

  it('a Retry-After the endpoint does send is kept and honoured, and a plain-text body is the vendor message', async () => {
    const { clientFor, server } = setup();
    server.use(
      http.post(TOKEN_URL, () => new HttpResponse(TOO_MANY, { status: 429, headers: { 'retry-after': '42' } })),
    );
    const client = clientFor({ tokenFailureCooldownMs: 0 });
    const error = await rejection(client.getAccessToken());
    expect(error).toMatchObject({ status: 429, vendorMessage: TOO_MANY, retryAfterSeconds: 42 });
    expect((error as Error).message).toMatch(/42 s/);
    // Honoured: no second request within those 42 s, even without a failure cooldown.
    expect(await rejection(client.getAccessToken())).toBe(error);
    expect(client.stats.tokenRequests).toBe(1);
  });
});

describe('auth.signIn', () => {
  const scopes = [SCOPES.membersRead, SCOPES.userSignIn];

  it('returns the user token the mock answers with', async () => {
    const { clientFor } = setup({ seed: { users: [{ email: 'bea@x.io', password: 'Hunter2-pass' }] } });
    const result = await clientFor({ scopes }).auth.signIn({ email: 'bea@x.io', password: 'Hunter2-pass' });
    expect(result.token).toMatchObject({ token_type: 'Bearer', expires_in: expect.any(Number) });
    expect(result.token?.access_token).toMatch(/\S{16,}/);
    expect(result.profile).toBeUndefined();
  });

  it('returns the token and the profile when the answer carries both', async () => {
    const { clientFor, server } = setup();
    server.use(
      http.post(SIGN_IN, () =>
        HttpResponse.json({
          access_token: 'user-token-1',
          token_type: 'Bearer',
          expires_in: 3600,
          refresh_token: 'refresh-1',
          user: { _id: 'u1', email: 'bea@x.io', name: 'Bea', image: null },
        }),
      ),
    );
    const result = await clientFor({ scopes }).auth.signIn({ email: 'bea@x.io', password: 'pw-123456' });
    expect(result).toEqual({
      token: { access_token: 'user-token-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'refresh-1' },
      profile: { _id: 'u1', email: 'bea@x.io', name: 'Bea', image: null },
    });
  });

  it('reads a token answer whose profile fields sit beside the token', async () => {
    const { clientFor, server } = setup();
    server.use(
      http.post(SIGN_IN, () =>
        HttpResponse.json({ access_token: 'user-token-2', token_type: 'Bearer', _id: 'u2', email: 'c@x.io' }),
      ),
    );
    const result = await clientFor({ scopes }).auth.signIn({ email: 'c@x.io', password: 'pw-123456' });
    expect(result).toEqual({
      token: { access_token: 'user-token-2', token_type: 'Bearer' },
      profile: { _id: 'u2', email: 'c@x.io' },
    });
  });

  it('still accepts a profile-only answer', async () => {
    const { clientFor, server } = setup();
    server.use(http.post(SIGN_IN, () => HttpResponse.json({ _id: 'u3', email: 'd@x.io', name: 'D', image: null })));
    const result = await clientFor({ scopes }).auth.signIn({ email: 'd@x.io', password: 'pw-123456' });
    expect(result).toEqual({ profile: { _id: 'u3', email: 'd@x.io', name: 'D', image: null } });
  });

  it('an answer with neither a token nor a profile is invalid_response', async () => {
    const { clientFor, server } = setup();
    server.use(http.post(SIGN_IN, () => HttpResponse.json({ ok: true })));
    const error = await rejection(clientFor({ scopes }).auth.signIn({ email: 'd@x.io', password: 'pw-123456' }));
    expect(error).toMatchObject({ code: 'invalid_response' });
    expect((error as Error).message).toMatch(/access_token/);
  });
});
