/**
 * Issue 17 item 1: `session.http` is this package's own small client on core's request core (no
 * ky type in the public signature): `get/post/put/patch/delete(path, options)` resolving to an
 * answer with `status`, `headers`, `requestId`, `json()` and `text()`, or chained
 * `.json()`/`.text()` as before.
 */
import { MCPARKEN_MOCK_ZONES } from '@vendorkit/mcparken-session/mocks';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { isMcParkenError, type McParkenHttp, type McParkenResponse } from '../src/index.js';
import { caught, mockedSession } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const BASE = 'https://mcparken.se/api';

describe('session.http', () => {
  it('resolves to an answer: status, headers, request id, json() and text()', async () => {
    const { session } = mockedSession(server);
    const answer = await session.http.get('parking/zones');
    expectTypeOf(answer).toEqualTypeOf<McParkenResponse>();
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/json/);
    expect(answer.url).toBe(`${BASE}/parking/zones`);
    expect(answer.json()).toEqual(MCPARKEN_MOCK_ZONES);
    expect(JSON.parse(answer.text())).toEqual(MCPARKEN_MOCK_ZONES);
    expect(await session.http.get('parking/zones').json<typeof MCPARKEN_MOCK_ZONES>()).toEqual(MCPARKEN_MOCK_ZONES);
    expect(JSON.parse(await session.http.get('parking/zones').text())).toEqual(MCPARKEN_MOCK_ZONES);
  });

  it('sends searchParams (object, URLSearchParams, string or pairs), json and text bodies', async () => {
    const { session } = mockedSession(server);
    const seen: Array<{ method: string; search: string; type: string | null; body: string }> = [];
    server.use(
      http.all(`${BASE}/parking/echo`, async ({ request }) => {
        seen.push({
          method: request.method,
          search: new URL(request.url).search,
          type: request.headers.get('content-type'),
          body: await request.text(),
        });
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await session.http.get('parking/echo', { searchParams: { zone: 2, open: true, skipped: undefined } });
    await session.http.get('parking/echo', { searchParams: new URLSearchParams([['a', '1']]) });
    await session.http.get('parking/echo', { searchParams: 'b=2&c=3' });
    await session.http.get('parking/echo?d=4', { searchParams: [['e', '5']] });
    await session.http.post('parking/echo', { json: { plate: 'ABC123' } });
    await session.http.put('parking/echo', { body: 'plain text', headers: { 'content-type': 'text/plain' } });
    await session.http.patch('parking/echo', { body: new URLSearchParams({ f: '6' }) });
    const answer = await session.http.delete('parking/echo');
    expect(answer.status).toBe(204);
    expect(answer.text()).toBe('');
    expect(answer.json()).toBeUndefined();
    expect(seen).toEqual([
      { method: 'GET', search: '?zone=2&open=true', type: null, body: '' },
      { method: 'GET', search: '?a=1', type: null, body: '' },
      { method: 'GET', search: '?b=2&c=3', type: null, body: '' },
      { method: 'GET', search: '?d=4&e=5', type: null, body: '' },
      { method: 'POST', search: '', type: 'application/json', body: '{"plate":"ABC123"}' },
      { method: 'PUT', search: '', type: 'text/plain', body: 'plain text' },
      { method: 'PATCH', search: '', type: 'application/x-www-form-urlencoded;charset=UTF-8', body: 'f=6' },
      { method: 'DELETE', search: '', type: null, body: '' },
    ]);
  });

  it('json() of a body that is not JSON: invalid_response with status and URL', async () => {
    const { session } = mockedSession(server);
    server.use(http.get(`${BASE}/parking/html`, () => new HttpResponse('<html>', { status: 200 })));
    const answer = await session.http.get('parking/html');
    expect(answer.text()).toBe('<html>');
    const error = await caught(session.http.get('parking/html').json());
    expect(isMcParkenError(error, 'invalid_response')).toBe(true);
    expect(error).toMatchObject({ status: 200, url: `${BASE}/parking/html` });
  });

  it('retry: GET, PUT and DELETE are retried by default; POST and PATCH only with retry: true; retry: false turns it off', async () => {
    const { session } = mockedSession(server);
    let hits = 0;
    server.use(
      http.all(`${BASE}/parking/flaky`, () => {
        hits += 1;
        return hits % 2 === 1
          ? new HttpResponse(null, { status: 503, headers: { 'retry-after': '0' } })
          : Response.json({});
      }),
    );
    const attempts = async (call: () => Promise<unknown>) => {
      hits = 0;
      await caught(call().then(() => Promise.reject(new Error('resolved'))));
      return hits;
    };
    expect(await attempts(() => session.http.get('parking/flaky'))).toBe(2);
    expect(await attempts(() => session.http.put('parking/flaky', { json: {} }))).toBe(2);
    expect(await attempts(() => session.http.post('parking/flaky', { json: {} }))).toBe(1);
    expect(await attempts(() => session.http.post('parking/flaky', { json: {}, retry: true }))).toBe(2);
    expect(await attempts(() => session.http.get('parking/flaky', { retry: false }))).toBe(1);
  });

  it('ky-era options a plain JavaScript caller may still pass are refused, before anything is sent', async () => {
    const { mock, session } = mockedSession(server);
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['retry', () => session.http.get('parking/zones', { retry: 5 } as never)],
      ['body', () => session.http.post('parking/zones', { body: new Blob(['x']) } as never)],
      ['json', () => session.http.post('parking/zones', { json: {}, body: 'x' })],
    ];
    for (const [name, call] of cases) {
      const error = await caught(call());
      expect(isMcParkenError(error, 'invalid_configuration'), name).toBe(true);
      expect((error as Error).message).toContain(`\`${name}\``);
    }
    expect(mock.stats.sessionRequests).toBe(0);
  });

  it('exposes no HTTP library: five methods, nothing else', () => {
    const { session } = mockedSession(server);
    expectTypeOf(session.http).toEqualTypeOf<McParkenHttp>();
    expect(Object.keys(session.http).sort()).toEqual(['delete', 'get', 'patch', 'post', 'put']);
    expect(typeof (session.http as unknown as { extend?: unknown }).extend).toBe('undefined');
  });
});
