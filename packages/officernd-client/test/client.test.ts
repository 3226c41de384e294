import { inspect } from 'node:util';
import { isVendorkitError } from '@vendorkit/core';
import { isOfficeRnDError, OfficeRnDClient, OfficeRnDError, SCOPES } from '@vendorkit/officernd-client';
import { generateMockData } from '@vendorkit/officernd-client/mocks';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeQuery } from '../src/pagination.js';
import { collect, rejection, SECRET, serveHandlers, setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

/** Every scope the client knows: for tests of calls beyond the (read-only) defaults. */
const ALL_SCOPES = Object.values(SCOPES);

function setup(options: Parameters<typeof setupMock>[0] = {}) {
  const ctx = setupMock(options);
  close = ctx.close;
  return ctx;
}

describe('query serialisation', () => {
  it('writes operators as OfficeRnD expects', () => {
    const params = serializeQuery({
      status: { $in: ['active', 'pending'] },
      modifiedAt: { $gte: new Date('2024-05-01T00:00:00Z') },
      company: 'c1',
      $select: ['name', 'email'],
      $sort: '-modifiedAt',
      $limit: 10,
    });
    expect(decodeURIComponent(params.toString())).toBe(
      'status[$in]=active,pending&modifiedAt[$gte]=2024-05-01T00:00:00.000Z&company=c1&$select=name,email&$sort=-modifiedAt&$limit=10',
    );
    expect(serializeQuery({ status: ['active', 'lead'] }).get('status[$in]')).toBe('active,lead');
  });

  it.each([
    [{ $limit: 0 }, /\$limit/],
    [{ $limit: -3 }, /\$limit/],
    [{ $limit: 2.5 }, /\$limit/],
    [{ status: { $regex: 'x' } }, /unknown operator/],
    [{ status: { $in: [] } }, /empty list/],
    [{ status: { $in: ['a,b'] } }, /comma/],
    [{ 'bad field': 'x' }, /Unsupported query field/],
    [{ modifiedAt: { $gte: new Date('nope') } }, /invalid Date/],
  ])('rejects %o with invalid_query', (query, message) => {
    let error: unknown;
    try {
      serializeQuery(query as object);
    } catch (e) {
      error = e;
    }
    expect(isOfficeRnDError(error, 'invalid_query')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('resources against the mock', () => {
  it('lists every member across cursor pages of 50 with one token', async () => {
    const data = generateMockData(123, { seed: 7 });
    const { mock, clientFor } = setup({ seed: data });
    const client = clientFor();
    const members = await collect(client.members.list());
    expect(members.map((m) => m._id)).toEqual(data.members.map((m) => m._id));
    expect(mock.stats.requests).toBe(3); // 50 + 50 + 23
    expect(mock.stats.tokenRequests).toBe(1);
    expect(client.stats).toEqual({ requests: 3, tokenRequests: 1 });
  });

  it('filters with $in and date operators, server side', async () => {
    const data = generateMockData(200, { seed: 3 });
    data.members[5]!.modifiedAt = '2025-06-01T00:00:00.000Z';
    data.members[9]!.modifiedAt = '2025-07-01T00:00:00.000Z';
    const { clientFor } = setup({ seed: data });
    const client = clientFor();
    const wanted = data.members.filter((m) => m.status === 'pending' || m.status === 'lead').map((m) => m._id);
    const got = await collect(client.members.list({ status: { $in: ['pending', 'lead'] } }));
    expect(got.map((m) => m._id)).toEqual(wanted);
    expect(got.length).toBeGreaterThan(0);
    const recent = await collect(client.members.list({ modifiedAt: { $gte: '2025-06-15T00:00:00.000Z' } }));
    expect(recent.map((m) => m._id)).toEqual([data.members[9]!._id]);
    const memberId = data.memberships[0]!.member;
    const memberships = await collect(client.memberships.list({ member: memberId }));
    expect(memberships.map((m) => m._id)).toEqual(
      data.memberships.filter((m) => m.member === memberId).map((m) => m._id),
    );
    const byEmail = await collect(client.members.list({ email: data.members[42]!.email }));
    expect(byEmail.map((m) => m._id)).toEqual([data.members[42]!._id]);
  });

  it('every read resource lists all its items and gets one by id', async () => {
    const data = generateMockData(80, { seed: 4, companies: 60 });
    const webhooks = [
      { _id: 'w1', url: 'https://example.com/h', eventTypes: ['member.created'], secret: 's', isEnabled: true },
    ];
    const { clientFor } = setup({ seed: { ...data, webhooks } });
    const client = clientFor({ scopes: ALL_SCOPES });
    const cases = [
      [client.members, data.members],
      [client.companies, data.companies],
      [client.plans, data.plans],
      [client.memberships, data.memberships],
      [client.webhooks, webhooks],
    ] as const;
    for (const [resource, expected] of cases) {
      const listed = await collect((resource as typeof client.members).list());
      expect(listed.map((r) => r._id)).toEqual(expected.map((r) => r._id));
      const last = expected.at(-1)!;
      await expect((resource as typeof client.members).get(last._id)).resolves.toMatchObject(last);
    }
  });

  it('$select returns only the selected fields (and _id)', async () => {
    const data = generateMockData(5, { seed: 4 });
    const { clientFor } = setup({ seed: data });
    const page = await clientFor().members.page({ $select: ['name', 'email'] });
    expect(page.results[0]).toEqual({
      _id: data.members[0]!._id,
      name: data.members[0]!.name,
      email: data.members[0]!.email,
    });
  });

  it('page() returns one page and its cursors; cursorNext continues', async () => {
    const data = generateMockData(60, { seed: 2 });
    const { clientFor } = setup({ seed: data });
    const client = clientFor();
    const first = await client.members.page({ $limit: 25 });
    expect(first.results).toHaveLength(25);
    expect(first.cursorPrev).toBeNull();
    expect(typeof first.cursorNext).toBe('string');
    const second = await client.members.page({ $limit: 25, $cursorNext: first.cursorNext! });
    expect(second.results[0]!._id).toBe(data.members[25]!._id);
    const back = await client.members.page({ $limit: 25, $cursorPrev: second.cursorPrev! });
    expect(back.results.map((m) => m._id)).toEqual(first.results.map((m) => m._id));
  });

  it('keeps unknown fields (loose objects)', async () => {
    const { clientFor } = setup({ seed: { plans: [{ _id: 'p1', name: 'Desk', futureField: { x: 1 } }] } });
    const plan = await clientFor().plans.get('p1');
    expect(plan).toMatchObject({ _id: 'p1', name: 'Desk', futureField: { x: 1 } });
  });

  it('get() of a missing member is a not_found error with the vendor message', async () => {
    const { clientFor } = setup();
    const error = await rejection(clientFor().members.get('nope'));
    expect(error).toBeInstanceOf(OfficeRnDError);
    expect(error).toMatchObject({
      code: 'not_found',
      status: 404,
      vendorMessage: 'Member not found',
      vendorError: 'Not Found',
    });
  });

  it('creates, updates (PUT by default), deletes members and sets portal access', async () => {
    const { mock, clientFor } = setup();
    const client = clientFor({ scopes: ALL_SCOPES });
    const created = await client.members.create({
      name: 'Ada',
      location: 'loc1',
      startDate: '2024-01-01',
      email: 'ada@x.io',
    });
    expect(mock.db.members.get(created._id)).toMatchObject({ name: 'Ada', email: 'ada@x.io' });
    const updated = await client.members.update(created._id, { name: 'Ada L.' });
    expect(updated.name).toBe('Ada L.');
    await client.members.setPortalAccess(created._id, { isPortalAccessEnabled: true, shouldSendInvitation: false });
    expect(mock.db.portalAccess.get(created._id)).toEqual({ isPortalAccessEnabled: true, shouldSendInvitation: false });
    await client.members.delete(created._id);
    expect(mock.db.members.get(created._id)).toBeUndefined();
  });

  it('create without required fields is validation_failed with the NestJS messages', async () => {
    const { clientFor } = setup();
    const error = await rejection(clientFor({ scopes: ALL_SCOPES }).members.create({ name: 'x' } as never));
    expect(error).toMatchObject({ code: 'validation_failed', status: 400 });
    expect((error as OfficeRnDError).vendorMessage).toContain('location should not be empty');
  });

  it('memberUpdateMethod PATCH is used when configured (and PUT then fails on a PATCH server)', async () => {
    const { clientFor, mock } = setup({ memberUpdateMethod: 'PATCH' });
    const [member] = mock.db.members.insert([{ name: 'A', status: 'active' }]);
    await expect(
      clientFor({ memberUpdateMethod: 'PATCH', scopes: ALL_SCOPES }).members.update(member!._id, { name: 'B' }),
    ).resolves.toMatchObject({
      name: 'B',
    });
    await expect(clientFor({ scopes: ALL_SCOPES }).members.update(member!._id, { name: 'C' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('creates, lists and deletes webhooks', async () => {
    const { clientFor } = setup();
    const client = clientFor({ scopes: ALL_SCOPES });
    const hook = await client.webhooks.create({ url: 'https://example.com/hook', eventTypes: ['member.created'] });
    expect(hook.secret).toMatch(/^[0-9a-f]{48}$/);
    expect((await collect(client.webhooks.list())).map((w) => w._id)).toEqual([hook._id]);
    await client.webhooks.delete(hook._id);
    expect(await collect(client.webhooks.list())).toEqual([]);
  });

  it('signIn returns the token and profile; a wrong password is unauthorized, never echoed, and spends no token', async () => {
    const { clientFor, mock } = setup({
      signInAnswer: 'token-and-profile',
      seed: {
        members: [{ _id: 'm1', name: 'Bea', email: 'bea@x.io', status: 'active' }],
        users: [{ email: 'bea@x.io', password: 'Hunter2-pass' }],
      },
    });
    const client = clientFor({ scopes: ALL_SCOPES });
    await expect(client.auth.signIn({ email: 'bea@x.io', password: 'Hunter2-pass' })).resolves.toMatchObject({
      token: { access_token: expect.any(String), token_type: 'Bearer' },
      profile: { _id: 'm1', email: 'bea@x.io', name: 'Bea' },
    });
    const error = await rejection(client.auth.signIn({ email: 'bea@x.io', password: 'wrong-password-123' }));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    const dump = `${JSON.stringify(error)} ${inspect(error, { depth: 10 })} ${String((error as Error).stack)}`;
    expect(dump).not.toContain('wrong-password-123');
    expect(mock.stats.tokenRequests).toBe(1);
  });

  it('signInPath is configurable', async () => {
    const { clientFor } = setup({
      signInPath: 'users/signin',
      seed: { users: [{ email: 'a@b.c', password: 'pw-123456' }] },
    });
    await expect(
      clientFor({ signInPath: 'users/signin', scopes: ALL_SCOPES }).auth.signIn({
        email: 'a@b.c',
        password: 'pw-123456',
      }),
    ).resolves.toMatchObject({ token: { token_type: 'Bearer' } });
  });

  it('a 403 from OfficeRnD is forbidden, with the vendor message', async () => {
    const { clientFor, server } = setup();
    server.use(
      http.get('https://app.officernd.com/api/v2/organizations/acme/plans', () =>
        HttpResponse.json({ statusCode: 403, message: 'Forbidden resource', error: 'Forbidden' }, { status: 403 }),
      ),
    );
    const error = await rejection(clientFor().plans.page());
    expect(error).toMatchObject({ code: 'forbidden', status: 403, vendorMessage: 'Forbidden resource' });
  });

  it('validates options with ConfigurationError naming the option', () => {
    const base = { orgSlug: 'acme', clientId: 'id', clientSecret: 'secret' };
    const cases: Array<[object, RegExp]> = [
      [{ ...base, orgSlug: '' }, /orgSlug/],
      [{ ...base, orgSlug: 'a/b' }, /orgSlug/],
      [{ ...base, clientSecret: undefined }, /clientSecret/],
      [{ ...base, baseUrl: 'ftp://x' }, /baseUrl/],
      [{ ...base, identityUrl: 'not a url' }, /identityUrl/],
      [{ ...base, scopes: [] }, /scopes/],
      [{ ...base, memberUpdateMethod: 'POST' }, /memberUpdateMethod/],
      [{ ...base, timeoutMs: -1 }, /timeoutMs/],
      // A sign-in path that would leave the organisation's API (dot segments, another host, a query).
      [{ ...base, signInPath: '../../evil' }, /signInPath/],
      [{ ...base, signInPath: 'auth/../../x' }, /signInPath/],
      [{ ...base, signInPath: 'auth/%2e%2e/x' }, /signInPath/],
      [{ ...base, signInPath: 'https://evil.example/x' }, /signInPath/],
      [{ ...base, signInPath: 'auth/signin?next=x' }, /signInPath/],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        new OfficeRnDClient(options as never);
      } catch (e) {
        error = e;
      }
      expect(isVendorkitError(error, 'invalid_configuration'), String(message)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('secret"');
    }
  });

  it('never shows the client secret when inspected or serialised', () => {
    const client = new OfficeRnDClient({ orgSlug: 'acme', clientId: 'id', clientSecret: SECRET });
    expect(inspect(client, { depth: 10, showHidden: true })).not.toContain(SECRET);
    expect(JSON.stringify(client)).not.toContain(SECRET);
  });

  it('works against the mock served by a real loopback server under custom base URLs', async () => {
    const data = generateMockData(70, { seed: 5 });
    let url = '';
    const { createOfficeRnDMock } = await import('@vendorkit/officernd-client/mocks');
    // Base URLs are known only after listening: create the mock lazily behind a stable handler list.
    const handlers: import('msw').RequestHandler[] = [];
    const served = await serveHandlers(handlers);
    url = served.url;
    const mock = createOfficeRnDMock({
      baseUrl: `${url}/officernd`,
      identityUrl: `${url}/identity`,
      orgSlug: 'acme',
      clients: [{ clientId: 'app-1', clientSecret: SECRET }],
      seed: data,
    });
    handlers.push(...mock.handlers);
    try {
      const client = new OfficeRnDClient({
        orgSlug: 'acme',
        clientId: 'app-1',
        clientSecret: SECRET,
        baseUrl: `${url}/officernd`,
        identityUrl: `${url}/identity`,
      });
      const members = await collect(client.members.list({ status: 'active' }));
      expect(members.map((m) => m._id)).toEqual(data.members.filter((m) => m.status === 'active').map((m) => m._id));
      expect(mock.stats.tokenRequests).toBe(1);
    } finally {
      await served.close();
    }
  });
});

describe('the public surface', () => {
  it('exports what the README teaches and none of the internals', async () => {
    const exported = await import('@vendorkit/officernd-client');
    for (const name of [
      'OfficeRnDClient',
      'verifyWebhook',
      'signWebhookPayload',
      'createMemberSync',
      'SCOPES',
      'DEFAULT_SCOPES',
      'isOfficeRnDError',
      'memberSchema',
    ]) {
      expect(exported, name).toHaveProperty(name);
    }
    for (const internal of [
      'serializeQuery',
      'createMemoryStore',
      'MAX_PAGE_SIZE',
      'DEFAULT_BASE_URL',
      'DEFAULT_IDENTITY_URL',
      'DEFAULT_SIGN_IN_PATH',
      'DEFAULT_SIGNATURE_NAME',
      'DEFAULT_TOLERANCE_SECONDS',
      'userProfileSchema',
      'userTokenSchema',
    ]) {
      expect(exported, internal).not.toHaveProperty(internal);
    }
  });
});

describe('error guards', () => {
  it('isOfficeRnDError recognises OfficeRnD errors (and codes) and the shared vendorkit codes, nothing else', async () => {
    const { isOfficeRnDError, ConfigurationError } = await import('@vendorkit/officernd-client');
    const error = new OfficeRnDError('not_found', 'x', { status: 404 });
    expect(isOfficeRnDError(error)).toBe(true);
    expect(isOfficeRnDError(error, 'not_found')).toBe(true);
    expect(isOfficeRnDError(error, 'timeout')).toBe(false);
    // Shared vendorkit codes (invalid_configuration, …) belong to every package's guard.
    expect(isOfficeRnDError(new ConfigurationError('x'), 'invalid_configuration')).toBe(true);
    expect(isOfficeRnDError({ code: 'not_found' })).toBe(false);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'OfficeRnDError',
      code: 'not_found',
      message: 'x',
      status: 404,
    });
  });
});
