import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@vendorkit/officernd-client';
import { createOfficeRnDMock, generateMockData } from '@vendorkit/officernd-client/mocks';
import { setupServer } from 'msw/node';
import { afterEach, describe, expect, it } from 'vitest';

const API = 'https://app.officernd.com/api/v2/organizations/mock-org';
let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  stop = undefined;
});

function serve(mock: ReturnType<typeof createOfficeRnDMock>) {
  const server = setupServer(...mock.handlers);
  server.listen({ onUnhandledRequest: 'error' });
  stop = () => server.close();
}

async function token(identity = 'https://identity.officernd.com', scope = 'flex.community.members.read') {
  const response = await fetch(`${identity}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'mock-client-id',
      client_secret: 'mock-client-secret',
      scope,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('OfficeRnD mock', () => {
  it('issues tokens shaped like OfficeRnD and rate-limits 5 per sliding minute, failures included', async () => {
    let now = 1_000_000;
    const mock = createOfficeRnDMock({ now: () => now });
    serve(mock);
    const first = await token();
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: 'flex.community.members.read' });
    const bad = await fetch('https://identity.officernd.com/oauth/token', {
      method: 'POST',
      body: 'grant_type=client_credentials&client_id=x&client_secret=y',
    });
    expect(bad.status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await token()).status).toBe(200);
    const limited = await token();
    expect(limited).toEqual({
      status: 429,
      // VENDORS.md §1 [C]: the token endpoint's 429 text; no Retry-After is documented.
      body: { statusCode: 429, message: 'Too many requests, please try again later', error: 'Too Many Requests' },
    });
    now += 60_001;
    expect((await token()).status).toBe(200);
    expect(mock.stats.tokenRequests).toBe(7);
  });

  it('answers NestJS-shaped errors: 401 without/with expired token, 404 for another org or route, 400 for a bad $limit or cursor', async () => {
    let now = 0;
    // The deprecated seconds form of tokenLifetimeMs still works.
    const mock = createOfficeRnDMock({ now: () => now, tokenLifetimeSeconds: 10 });
    serve(mock);
    const { body } = await token();
    const auth = { authorization: `Bearer ${body.access_token}` };
    const get = async (url: string, headers: Record<string, string> = auth) => {
      const r = await fetch(url, { headers });
      return { status: r.status, body: await r.json() };
    };
    expect(await get(`${API}/members`, {})).toEqual({
      status: 401,
      body: { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' },
    });
    expect((await get('https://app.officernd.com/api/v2/organizations/other/members')).status).toBe(404);
    expect(await get(`${API}/members?$limit=0`)).toMatchObject({
      status: 400,
      body: { message: ['$limit must be a positive integer'] },
    });
    expect((await get(`${API}/members?$cursorNext=zzz`)).status).toBe(400);
    expect((await get(`${API}/members?status[$regex]=x`)).status).toBe(400);
    expect(await get(`${API}/nothing-here`)).toMatchObject({
      status: 404,
      body: { message: 'Cannot GET /api/v2/organizations/mock-org/nothing-here' },
    });
    now = 11_000;
    expect((await get(`${API}/members`)).status).toBe(401);
  });

  it('delivers signed webhooks over real HTTP that verifyWebhook accepts', async () => {
    const received: Array<{ body: string; signature: string | undefined }> = [];
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: req.headers['officernd-signature'] as string | undefined,
        });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const mock = createOfficeRnDMock({
        seed: { webhooks: [{ url, secret: 'hook-secret', eventTypes: ['member.updated'] }] },
      });
      const [member] = mock.db.members.insert([{ name: 'A', status: 'active' }]);
      const { deliveries } = await mock.db.members.update(member!._id, { status: 'former' });
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.status).toBe(200);
      expect(received).toHaveLength(1);
      const event = await verifyWebhook({
        payload: received[0]!.body,
        signature: received[0]!.signature,
        secret: 'hook-secret',
      });
      expect(event).toMatchObject({
        eventType: 'member.updated',
        data: { object: { _id: member!._id, status: 'former' }, previousAttributes: { status: 'active' } },
      });
      // Events nobody subscribed to are not delivered.
      expect((await mock.db.members.add({ name: 'B' })).deliveries).toEqual([]);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });

  it('deliverWebhooks: false only records the signed deliveries', async () => {
    const mock = createOfficeRnDMock({
      deliverWebhooks: false,
      seed: { webhooks: [{ url: 'https://nowhere.invalid/', secret: 's3cret', eventTypes: ['*'] }] },
    });
    const { deliveries } = await mock.db.members.add({ name: 'X' });
    expect(deliveries[0]).toMatchObject({ eventType: 'member.created' });
    expect(deliveries[0]!.status).toBeUndefined();
    await expect(
      verifyWebhook({
        payload: deliveries[0]!.body,
        signature: deliveries[0]!.headers['officernd-signature'],
        secret: 's3cret',
      }),
    ).resolves.toMatchObject({ event: deliveries[0]!.eventId });
    expect(mock.db.deliveries).toHaveLength(1);
  });

  it('generateMockData is deterministic and shaped like OfficeRnD data', () => {
    const a = generateMockData(300, { seed: 9 });
    const b = generateMockData(300, { seed: 9 });
    expect(a).toEqual(b);
    expect(a.members).toHaveLength(300);
    expect(new Set(a.members.map((m) => m._id)).size).toBe(300);
    const statuses = new Set(a.members.map((m) => m.status));
    expect(statuses.has('active')).toBe(true);
    expect(statuses.size).toBeGreaterThan(2);
    const planIds = new Set(a.plans.map((p) => p._id));
    for (const ms of a.memberships) expect(planIds.has(ms.plan)).toBe(true);
    expect(generateMockData(300, { seed: 10 })).not.toEqual(a);
  });
});
