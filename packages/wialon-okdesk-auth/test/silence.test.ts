import { createWialonOkdeskAuth } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { API_TOKEN, link, OKDESK, WIALON } from './helpers.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

describe('a library is silent: nothing reaches the console unless a logger is given', () => {
  it('refusals, successes and a failing logout write nothing to console or stdout/stderr', async () => {
    const wialon = createWialonMock({ baseUrl: WIALON, users: ['AliceNorris', 'bob'] });
    const okdesk = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: [{ login: 'AliceNorris' }] });
    server.use(...wialon.handlers, ...okdesk.handlers);
    const written: unknown[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      vi.spyOn(console, method).mockImplementation((...args) => written.push(args));
    }
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(chunk) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(chunk) > 0);

    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [WIALON],
      okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN },
      onSuccess: () => new Response('ok'),
    });
    const hash = wialon.mintAuthHash('AliceNorris');
    await auth.verify(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: hash }));
    await auth.verify(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: hash })).catch(() => undefined);
    await auth
      .verify(link({ user: 'AliceNorris', baseUrl: 'https://evil.test', authHash: 'x' }))
      .catch(() => undefined);
    await auth
      .verify(link({ user: 'bob', baseUrl: WIALON, authHash: wialon.mintAuthHash('bob') }))
      .catch(() => undefined);
    wialon.overrideAnswer('core/logout', () => ({ error: 1 }));
    const page = await auth.handle(new Request(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: 'zz' })));
    expect(page.status).toBe(403);
    await auth.verify(link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') }));

    vi.restoreAllMocks();
    expect(written).toEqual([]);
  });
});
