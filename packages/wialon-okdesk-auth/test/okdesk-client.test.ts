import { isVendorkitError } from '@vendorkit/core';
import { createOkdeskClient, isWialonAuthError } from '@vendorkit/wialon-okdesk-auth';
import { createOkdeskMock } from '@vendorkit/wialon-okdesk-auth/mocks';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API_TOKEN, expectNoSecrets, OKDESK, rejectionOf } from './helpers.js';

const server = setupServer();
const urls: string[] = [];
server.events.on('request:start', ({ request }) => {
  urls.push(request.url);
});
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  server.resetHandlers();
  urls.length = 0;
});
afterAll(() => server.close());

const manyContacts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ login: `user${i + 1}`, first_name: `U${i + 1}` }));

/** Contacts user1…user<count> (ids 1…count) and a client that tries the login filter first. */
function setup(loginFilter: 'supported' | 'ignored' | 'rejected', count = 250) {
  const mock = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: manyContacts(count), loginFilter });
  server.use(...mock.handlers);
  const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN, loginFilter: true });
  return { mock, client };
}

describe('createOkdeskClient().findContactByLogin', () => {
  it('uses the login filter when the API honours it: one request', async () => {
    const { mock, client } = setup('supported');
    const contact = await client.findContactByLogin('user200');
    expect(contact?.login).toBe('user200');
    expect(mock.stats).toMatchObject({ search: 1, list: 0 });
  });

  it('falls back to listing when the filter is ignored, and stops using the filter afterwards', async () => {
    const { mock, client } = setup('ignored');
    expect((await client.findContactByLogin('user150'))?.login).toBe('user150');
    expect(mock.stats).toMatchObject({ search: 1, list: 2 }); // pages 250–151, 150–51: stops at the match
    expect((await client.findContactByLogin('user5'))?.login).toBe('user5');
    expect(mock.stats).toMatchObject({ search: 1, list: 5 });
  });

  it('falls back to listing when the filter is rejected (400)', async () => {
    const { mock, client } = setup('rejected');
    expect((await client.findContactByLogin('user1'))?.login).toBe('user1');
    expect(mock.stats).toMatchObject({ search: 1, list: 3 });
    expect(await client.findContactByLogin('nobody')).toBeNull();
    expect(mock.stats).toMatchObject({ search: 1, list: 7 }); // three pages, then an empty one below id 1
  });

  it('a contact whose login differs only in case does not switch the filter off', async () => {
    const mock = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN, contacts: [{ login: 'Alice' }] });
    server.use(
      http.get(`${OKDESK}/api/v1/contacts/`, () => HttpResponse.json(mock.contacts[0])),
      ...mock.handlers,
    );
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN, loginFilter: true });
    expect(await client.findContactByLogin('alice')).toBeNull();
    expect(await client.findContactByLogin('Alice')).toMatchObject({ login: 'Alice' });
    expect(urls.filter((u) => u.includes('/contacts/?')).length).toBe(2);
  });

  it("pages backwards like Okdesk: page[size]=100, no direction, page[from_id] = the page's smallest id", async () => {
    const { client } = setup('rejected', 150);
    await client.findContactByLogin('missing');
    const lists = urls.filter((u) => u.includes('/contacts/list')).map((u) => new URL(u).searchParams);
    expect(lists.map((p) => [p.get('page[size]'), p.get('page[from_id]'), p.get('page[direction]')])).toEqual([
      ['100', null, null],
      ['100', '51', null],
      ['100', '1', null],
    ]);
  });

  it('matches case-sensitively: "USER1" is not "user1"', async () => {
    const { client } = setup('supported', 3);
    expect(await client.findContactByLogin('USER1')).toBeNull();
  });

  it('terminates when the server ignores page[from_id] (the cursor does not go down)', async () => {
    let calls = 0;
    server.use(
      http.get(`${OKDESK}/api/v1/contacts/list`, () => {
        calls++;
        return HttpResponse.json(Array.from({ length: 100 }, (_, i) => ({ id: 300 - i, login: `x${i}` })));
      }),
    );
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN });
    expect(await client.findContactByLogin('nobody')).toBeNull();
    expect(calls).toBe(2);
  });

  it('terminates against a server that pages forward (ascending ids) whatever it is asked', async () => {
    let calls = 0;
    server.use(
      http.get(`${OKDESK}/api/v1/contacts/list`, ({ request }) => {
        calls++;
        const from = Number(new URL(request.url).searchParams.get('page[from_id]') ?? 0);
        return HttpResponse.json(Array.from({ length: 100 }, (_, i) => ({ id: from + i + 1, login: `x${i}` })));
      }),
    );
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN });
    expect(await client.findContactByLogin('nobody')).toBeNull();
    expect(calls).toBe(2);
  });

  it('gives up with upstream_unavailable after maxPages', async () => {
    const { client: _unused } = setup('rejected', 350);
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN, maxPages: 2, loginFilter: false });
    const error = await rejectionOf(client.findContactByLogin('user1'));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/maxPages/);
  });

  it('shares one scan between concurrent lookups of the same login', async () => {
    const { mock, client } = setup('rejected', 250);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.findContactByLogin('user10')));
    expect(results.every((c) => c?.login === 'user10')).toBe(true);
    expect(mock.stats.list).toBe(3);
  });

  it('401 → upstream_unavailable that names the option, not the token', async () => {
    const mock = createOkdeskMock({ baseUrl: OKDESK, apiToken: API_TOKEN });
    server.use(...mock.handlers);
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: 'not-the-right-token-xyz' });
    const error = await rejectionOf(client.findContactByLogin('user1'));
    expect(isWialonAuthError(error, 'upstream_unavailable')).toBe(true);
    expect((error as Error).message).toMatch(/okdesk\.apiToken/);
    expectNoSecrets(error, ['not-the-right-token-xyz']);
    expect(mock.stats.unauthorized).toBe(1);
  });

  it('createLoginLink posts {user_type:"contact", user_id, one_time:true} and returns the URL', async () => {
    const { mock, client } = setup('supported', 3);
    let body: unknown;
    server.events.on('request:start', async ({ request }) => {
      if (request.url.includes('/login_link')) body = await request.clone().json();
    });
    const contact = await client.findContactByLogin('user2');
    const url = await client.createLoginLink(contact!);
    expect(url).toBe(mock.loginLinks[0]?.url);
    expect(body).toEqual({ user_type: 'contact', user_id: contact?.id, one_time: true });
    server.events.removeAllListeners('request:start');
    server.events.on('request:start', ({ request }) => {
      urls.push(request.url);
    });
  });

  it.each([
    [{ baseUrl: 'acme.okdesk.ru', apiToken: 't' }, /okdesk\.baseUrl/],
    [{ baseUrl: `${OKDESK}?api_token=x`, apiToken: 't' }, /okdesk\.baseUrl/],
    [{ baseUrl: OKDESK, apiToken: '  ' }, /okdesk\.apiToken/],
    [{ baseUrl: OKDESK, apiToken: 't', pageSize: 101 }, /pageSize/],
    [{ baseUrl: OKDESK, apiToken: 't', maxPages: 0 }, /maxPages/],
  ])('rejects bad options %j with a ConfigurationError', (options, message) => {
    let error: unknown;
    try {
      createOkdeskClient(options);
    } catch (caught) {
      error = caught;
    }
    expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('contact ids are plain ids, safe to put in a URL path (issue 15.5)', () => {
  it.each(['.', '..', '%2e%2e', '../admin', 'a/b', 'a\\b', '?x=1', '#top', ' 1', ''])(
    'an Okdesk contact with id %j is not a usable contact',
    async (id) => {
      server.use(
        http.get(`${OKDESK}/api/v1/contacts/list`, ({ request }) =>
          HttpResponse.json(new URL(request.url).searchParams.has('page[from_id]') ? [] : [{ id, login: 'Carol' }]),
        ),
      );
      const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN });
      expect(await client.findContactByLogin('Carol')).toBeNull();
    },
  );

  it.each([7, '7', 'c-42_x'])('id %j is accepted', async (id) => {
    server.use(http.get(`${OKDESK}/api/v1/contacts/list`, () => HttpResponse.json([{ id, login: 'Carol' }])));
    const client = createOkdeskClient({ baseUrl: OKDESK, apiToken: API_TOKEN });
    expect(await client.findContactByLogin('Carol')).toMatchObject({ id });
  });
});
