import { createOkdeskClient, createWialonOkdeskAuth } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock, createWialonMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, link, OKDESK, recordingLogger, WIALON } from './helpers.js';

// Okdesk's contacts/list runs BACKWARDS by default (VENDORS.md §3 "Found since the first release",
// [C], from Okdesk's API doc text for GET /api/v1/contacts/list): without page[direction] it starts
// at the largest id and returns ids below page[from_id], descending; page[direction]=forward gives
// ascending ids above from_id; page[size] ≤ 100. The `login` filter of /api/v1/contacts/ is
// undocumented ([G]): expect it to be ignored. These tests make the user the OLDEST contact of
// thousands, where a client that pages forward by the largest id of a (descending) page sees only
// the newest page or two.

const server = setupServer();
const requests: URL[] = [];
server.events.on('request:start', ({ request }) => {
  requests.push(new URL(request.url));
});
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  requests.length = 0;
});
afterAll(() => server.close());

const CONTACTS = 3000;
/** Contact ids 1..CONTACTS; the user we look for is id 1, created first. */
const contacts = (oldestLogin: string) =>
  Array.from({ length: CONTACTS }, (_, i) => ({ id: i + 1, login: i === 0 ? oldestLogin : `someone${i + 1}` }));

const listRequests = () => requests.filter((url) => url.pathname.endsWith('/contacts/list'));

describe('Okdesk contact lookup over thousands of contacts (backwards paging, login filter ignored)', () => {
  it('finds the oldest contact of 3000 by paging down to it', async () => {
    const mock = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: contacts('AliceNorris') });
    server.use(...mock.handlers);
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN });
    const contact = await client.findContactByLogin('AliceNorris');
    expect(contact).toMatchObject({ id: 1, login: 'AliceNorris' });
    // 30 full pages of 100, each cursor the smallest id seen so far; nothing read twice.
    expect(listRequests()).toHaveLength(30);
    expect(listRequests().map((url) => url.searchParams.get('page[from_id]'))).toEqual([
      null,
      ...Array.from({ length: 29 }, (_, i) => String(CONTACTS - 100 * (i + 1) + 1)),
    ]);
  });

  it('does not use the undocumented login filter unless asked to', async () => {
    const mock = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: contacts('AliceNorris') });
    server.use(...mock.handlers);
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN });
    await client.findContactByLogin('AliceNorris');
    expect(mock.stats.search).toBe(0);
  });

  it('answers null for a login nobody has, after reading every contact once', async () => {
    const mock = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: contacts('AliceNorris') });
    server.use(...mock.handlers);
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN });
    expect(await client.findContactByLogin('nobody')).toBeNull();
    // 30 full pages, then one empty page below id 1 proves the end.
    expect(mock.stats.list).toBe(31);
  });

  it('verify() logs the oldest contact in through the default client', async () => {
    const wialon = createWialonMock({ baseUrl: WIALON, users: ['AliceNorris'] });
    const okdesk = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: contacts('AliceNorris') });
    server.use(...wialon.handlers, ...okdesk.handlers);
    const auth = createWialonOkdeskAuth({
      trustedWialonBaseUrls: [WIALON],
      okdesk: { baseUrl: OKDESK, apiToken: API_TOKEN },
      logger: recordingLogger().logger,
    });
    const result = await auth.verify(
      link({ user: 'AliceNorris', baseUrl: WIALON, authHash: wialon.mintAuthHash('AliceNorris') }),
    );
    expect(result.contact.id).toBe(1);
  });

  it('with the login filter switched on, a server that ignores it still ends in the right contact', async () => {
    const mock = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: contacts('AliceNorris') });
    server.use(...mock.handlers);
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN, loginFilter: true });
    expect(await client.findContactByLogin('AliceNorris')).toMatchObject({ id: 1 });
    expect(mock.stats.search).toBe(1);
  });
});

describe('the Okdesk mock pages like Okdesk (VENDORS.md §3 [C], Okdesk API doc for contacts/list)', () => {
  const ids = async (query: string) => {
    const response = await fetch(`${OKDESK}/api/v1/contacts/list?api_token=${API_TOKEN}&${query}`);
    expect(response.status).toBe(200);
    return ((await response.json()) as Array<{ id: number }>).map((c) => c.id);
  };
  const range = (from: number, to: number) =>
    Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => (from <= to ? from + i : from - i));

  it('backwards by default: the largest ids first, then ids below page[from_id], descending', async () => {
    server.use(...createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: contacts('a') }).handlers);
    expect(await ids('page[size]=5')).toEqual(range(3000, 2996));
    expect(await ids('page[size]=5&page[from_id]=2996')).toEqual(range(2995, 2991));
    expect(await ids('page[size]=5&page[from_id]=3')).toEqual([2, 1]);
    expect(await ids('page[size]=5&page[from_id]=1')).toEqual([]);
  });

  it('page[direction]=forward: ascending ids above page[from_id]', async () => {
    server.use(...createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: contacts('a') }).handlers);
    expect(await ids('page[size]=3&page[direction]=forward')).toEqual([1, 2, 3]);
    expect(await ids('page[size]=3&page[direction]=forward&page[from_id]=3')).toEqual([4, 5, 6]);
    expect(await ids('page[size]=3&page[direction]=forward&page[from_id]=2999')).toEqual([3000]);
  });

  it('page[size] above 100 is refused with an Okdesk-shaped error', async () => {
    server.use(...createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN }).handlers);
    const response = await fetch(`${OKDESK}/api/v1/contacts/list?api_token=${API_TOKEN}&page[size]=101`);
    expect(response.status).toBe(400);
    expect(await response.json()).toHaveProperty('errors');
  });

  it('ignores the undocumented login filter by default; honours it only when told to', async () => {
    const list = [{ login: 'first' }, { login: 'second', email: 'second@example.com' }];
    server.use(...createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: list }).handlers);
    const search = (query: string) => fetch(`${OKDESK}/api/v1/contacts/?api_token=${API_TOKEN}&${query}`);
    // `login` ignored: the documented filter decides alone, and without one there is no search.
    expect(await (await search('login=first&email=second%40example.com')).json()).toMatchObject({ login: 'second' });
    expect((await search('login=second')).status).toBe(400);

    server.resetHandlers();
    server.use(
      ...createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: list, loginFilter: 'supported' }).handlers,
    );
    expect(await (await search('login=second')).json()).toMatchObject({ login: 'second' });
  });
});
