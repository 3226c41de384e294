/**
 * Member-sync workers as separate processes would run them (each with its own client and Redis
 * connection): the same signed webhook delivery is applied to the access system once, and work
 * on one member is serialised through Redis.
 */
import {
  type AccessTarget,
  type AccessUser,
  createMemberSync,
  OfficeRnDClient,
  type OfficeRnDWebhookEvent,
  verifyWebhook,
} from '@vendorkit/officernd-client';
import { createOfficeRnDMock, generateMockData, type MockDelivery } from '@vendorkit/officernd-client/mocks';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';

const CLIENT_SECRET = 'officernd-client-secret-for-sync-test';
const HOOK_SECRET = 'webhook-secret-for-sync-test';
const HOOK_URL = 'https://receiver.test/officernd';

describeWithRedis('createMemberSync on Redis stores (one webhook, two workers)', () => {
  const redis = useRedisServer();
  const mock = createOfficeRnDMock({
    orgSlug: 'acme',
    clients: [{ clientId: 'app-1', clientSecret: CLIENT_SECRET }],
    seed: generateMockData(5),
    deliverWebhooks: false,
  });
  mock.db.webhooks.insert([
    { url: HOOK_URL, secret: HOOK_SECRET, isEnabled: true, eventTypes: ['member.created', 'member.updated'] },
  ]);
  const server = setupServer(...mock.handlers);
  const stores: RedisStore[] = [];
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(async () => {
    server.close();
    await Promise.all(stores.map((store) => store.close()));
  });

  /** The access system both workers write to, counting every upsert. */
  const upserts: string[] = [];
  const target = {
    async upsertUser(user: AccessUser) {
      await new Promise((resolve) => setTimeout(resolve, 30)); // a slow access system widens the race
      upserts.push(user.id);
    },
    async removeUser() {},
  };

  /** A worker as its own process would run it: its own client and Redis connection. */
  const worker = () => {
    const store = createRedisStore({ url: redis().url });
    stores.push(store);
    const client = new OfficeRnDClient({ orgSlug: 'acme', clientId: 'app-1', clientSecret: CLIENT_SECRET, store });
    const sync = createMemberSync({ client, target, tagForPlan: (plan) => plan.code ?? null, store });
    return async (delivery: MockDelivery) => {
      const event: OfficeRnDWebhookEvent = await verifyWebhook({
        payload: delivery.body,
        signature: delivery.headers['officernd-signature'],
        secret: HOOK_SECRET,
      });
      return sync.handleEvent(event);
    };
  };

  it('the same delivery handed to two workers at once is applied once; redeliveries are duplicates', async () => {
    const [a, b] = [worker(), worker()];
    const { record, deliveries } = await mock.db.members.add({ name: 'Twice', status: 'active' });
    expect(deliveries).toHaveLength(1);
    const delivery = deliveries[0]!;

    const results = await Promise.allSettled([a(delivery), b(delivery)]);
    const applied = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'applied');
    expect(applied).toHaveLength(1);
    // The loser either saw it done, or was told to have it redelivered (it was still being applied).
    for (const r of results) {
      if (r.status === 'fulfilled') expect(['applied', 'duplicate']).toContain(r.value.status);
      else expect(r.reason).toMatchObject({ code: 'sync_event_in_progress' });
    }
    expect(upserts.filter((id) => id === record._id)).toHaveLength(1);

    // OfficeRnD redelivers to either worker: both now see a duplicate.
    await expect(a(delivery)).resolves.toMatchObject({ status: 'duplicate' });
    await expect(b(delivery)).resolves.toMatchObject({ status: 'duplicate' });
    expect(upserts.filter((id) => id === record._id)).toHaveLength(1);
  });

  it('a recompute on one worker racing member.removed on another: the removal wins (the member lock is shared through Redis)', async () => {
    const users = new Map<string, AccessUser>();
    let reached!: () => void;
    const atGate = new Promise<void>((resolve) => {
      reached = resolve;
    });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const gatedTarget = {
      async upsertUser(user: AccessUser) {
        reached();
        await gate; // worker A has read the member as active and is writing that
        users.set(user.id, user);
      },
      async removeUser(id: string) {
        users.delete(id);
      },
    };
    const plainTarget = {
      upsertUser: (user: AccessUser) => void users.set(user.id, user),
      removeUser: (id: string) => void users.delete(id),
    };
    const workerOn = (target: AccessTarget) => {
      const store = createRedisStore({ url: redis().url });
      stores.push(store);
      const client = new OfficeRnDClient({ orgSlug: 'acme', clientId: 'app-1', clientSecret: CLIENT_SECRET, store });
      return createMemberSync({ client, target, tagForPlan: (plan) => plan.code ?? null, store });
    };
    const [a, b] = [workerOn(gatedTarget), workerOn(plainTarget)];
    const { record } = await mock.db.members.add({ name: 'Leaving', status: 'active' });
    const recompute = a.handleEvent({ event: 'evt-a', eventType: 'member.updated', data: { object: record } });
    await atGate;
    await mock.db.members.remove(record._id);
    const removal = b.handleEvent({ event: 'evt-b', eventType: 'member.removed', data: { object: record } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    open();
    await expect(recompute).resolves.toMatchObject({ status: 'applied', action: 'upserted' });
    await expect(removal).resolves.toMatchObject({ status: 'applied', action: 'removed' });
    expect(users.has(record._id)).toBe(false);
  });

  it('ten deliveries spread over three workers are each applied exactly once', async () => {
    const workers = [worker(), worker(), worker()];
    const deliveries: MockDelivery[] = [];
    for (let i = 0; i < 10; i++) {
      const written = await mock.db.members.add({ name: `Member ${i}`, status: 'active' });
      deliveries.push(...written.deliveries);
    }
    const before = upserts.length;
    // Every worker gets every delivery, concurrently; losers that hit an in-progress event retry.
    await Promise.all(
      workers.flatMap((handle) =>
        deliveries.map(async (delivery) => {
          for (let attempt = 0; attempt < 50; attempt++) {
            try {
              return await handle(delivery);
            } catch (error) {
              if ((error as { code?: string }).code !== 'sync_event_in_progress') throw error;
              await new Promise((resolve) => setTimeout(resolve, 20));
            }
          }
          throw new Error('event stayed in progress');
        }),
      ),
    );
    expect(upserts.length - before).toBe(10);
    expect(new Set(upserts.slice(before)).size).toBe(10);
  });
});
