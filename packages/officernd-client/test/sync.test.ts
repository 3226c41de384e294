import { createMemoryStore } from '@vendorkit/core';
import {
  type AccessUser,
  createMemberSync,
  isOfficeRnDError,
  type OfficeRnDWebhookEvent,
  type Plan,
  SyncError,
  signWebhookPayload,
  verifyWebhook,
} from '@vendorkit/officernd-client';
import { generateMockData, type MockDelivery, type MockRecord } from '@vendorkit/officernd-client/mocks';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection, setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

/** An in-memory access system that can be told to fail. */
function fakeTarget() {
  const users = new Map<string, AccessUser>();
  const calls: string[] = [];
  let failNext = 0;
  let failWhen: ((op: string, id: string) => boolean) | undefined;
  const maybeFail = (op: string, id: string) => {
    calls.push(`${op}:${id}`);
    if (failNext > 0) {
      failNext--;
      throw new Error(`access system down (${op})`);
    }
    if (failWhen?.(op, id)) throw new Error(`access system refused ${op} ${id}`);
  };
  return {
    users,
    calls,
    failTimes(n: number) {
      failNext = n;
    },
    failIf(fn: typeof failWhen) {
      failWhen = fn;
    },
    target: {
      async upsertUser(user: AccessUser) {
        maybeFail('upsert', user.id);
        users.set(user.id, user);
      },
      async removeUser(id: string) {
        maybeFail('remove', id);
        users.delete(id);
      },
    },
  };
}

const tagForPlan = (plan: Plan) => (plan.code === 'P3' ? null : `tag-${plan.code}`);

/** What the access system should contain, computed straight from the mock's data. */
function expectedUsers(members: MockRecord[], memberships: MockRecord[], plans: MockRecord[]) {
  const planById = new Map(plans.map((p) => [p._id, p]));
  const out = new Map<string, string[]>();
  for (const m of members) {
    if (m.status !== 'active') continue;
    const tags: string[] = [];
    for (const ms of memberships) {
      if (ms.member !== m._id || ms.calculatedStatus !== 'active') continue;
      const plan = planById.get(String(ms.plan));
      if (!plan || plan.code === 'P3') continue;
      const tag = `tag-${plan.code}`;
      if (!tags.includes(tag)) tags.push(tag);
    }
    out.set(m._id, tags);
  }
  return out;
}

function stateOf(users: Map<string, AccessUser>) {
  return new Map([...users].map(([id, u]) => [id, u.tags]));
}

function setup(members = 0) {
  const data = generateMockData(members, { seed: 11 });
  const ctx = setupMock({ seed: data });
  close = ctx.close;
  return { ...ctx, data };
}

describe('fullSync', () => {
  it('upserts active members with their active plans’ tags, removes the others, in bulk pages', async () => {
    const { clientFor, mock, data } = setup(730);
    const fake = fakeTarget();
    const client = clientFor();
    const sync = createMemberSync({ client, target: fake.target, tagForPlan });
    const report = await sync.fullSync();
    const expected = expectedUsers(mock.db.members.all(), mock.db.memberships.all(), mock.db.plans.all());
    expect(stateOf(fake.users)).toEqual(expected);
    expect(report.upserted).toBe(expected.size);
    expect(report.removed).toBe(data.members.length - expected.size);
    expect(report.failed).toEqual([]);
    const pages = Math.ceil(730 / 50) + Math.ceil(data.memberships.length / 50) + 1;
    expect(report.requests).toBe(pages);
    expect(mock.stats.requests).toBe(pages);
    expect(mock.stats.tokenRequests).toBe(1);
    // Members without an active membership are upserted with no tags.
    expect([...expected.values()].some((tags) => tags.length === 0)).toBe(true);
    const sample = fake.users.values().next().value!;
    expect(sample).toMatchObject({ id: sample.member._id, name: sample.member.name, email: sample.member.email });
  });

  it('reports target failures per member and still applies the rest', async () => {
    const { clientFor, mock } = setup(120);
    const fake = fakeTarget();
    const victim = mock.db.members.all().find((m) => m.status === 'active')!._id;
    fake.failIf((_op, id) => id === victim);
    const report = await createMemberSync({ client: clientFor(), target: fake.target, tagForPlan }).fullSync();
    expect(report.failed).toHaveLength(1);
    expect(report.failed[0]!.id).toBe(victim);
    expect(String(report.failed[0]!.error)).toMatch(/refused/);
    const expected = expectedUsers(mock.db.members.all(), mock.db.memberships.all(), mock.db.plans.all());
    expected.delete(victim);
    expect(stateOf(fake.users)).toEqual(expected);
  });

  it('with listUserIds, removes users whose member no longer exists', async () => {
    const { clientFor } = setup(20);
    const fake = fakeTarget();
    fake.users.set('ghost', { id: 'ghost', name: 'Ghost', email: null, tags: [], member: { _id: 'ghost' } });
    const report = await createMemberSync({
      client: clientFor(),
      target: { ...fake.target, listUserIds: () => [...fake.users.keys()] },
      tagForPlan,
    }).fullSync();
    expect(fake.users.has('ghost')).toBe(false);
    expect(fake.calls).toContain('remove:ghost');
    expect(report.failed).toEqual([]);
  });

  it('an OfficeRnD failure rejects the sync', async () => {
    const { clientFor, server } = setup(5);
    server.use(
      http.get('https://app.officernd.com/api/v2/organizations/acme/memberships', () =>
        HttpResponse.json({ statusCode: 500, message: 'boom' }, { status: 500 }),
      ),
    );
    const error = await rejection(
      createMemberSync({ client: clientFor({ retries: 0 }), target: fakeTarget().target, tagForPlan }).fullSync(),
    );
    expect(isOfficeRnDError(error, 'server_error')).toBe(true);
  });
});

describe('handleEvent with real signed deliveries', () => {
  const HOOK_URL = 'https://receiver.test/officernd';

  /** Mock + a webhook receiver (MSW handler) that verifies and hands events to the sync. */
  async function withReceiver(members = 30) {
    const ctx = setup(members);
    const fake = fakeTarget();
    const store = createMemoryStore();
    const sync = createMemberSync({ client: ctx.clientFor(), target: fake.target, tagForPlan, store });
    const secret = 'receiver-secret-123';
    ctx.mock.db.webhooks.insert([
      {
        url: HOOK_URL,
        secret,
        isEnabled: true,
        eventTypes: [
          'member.created',
          'member.updated',
          'member.removed',
          'membership.created',
          'membership.updated',
          'membership.removed',
        ],
      },
    ]);
    const results: unknown[] = [];
    ctx.server.use(
      http.post(HOOK_URL, async ({ request }) => {
        const raw = await request.text();
        let event: OfficeRnDWebhookEvent;
        try {
          event = await verifyWebhook({ payload: raw, signature: request.headers.get('officernd-signature'), secret });
        } catch {
          return new HttpResponse('bad signature', { status: 400 });
        }
        try {
          results.push(await sync.handleEvent(event));
          return new HttpResponse(null, { status: 204 });
        } catch (error) {
          results.push(error);
          return new HttpResponse('retry later', { status: 503 });
        }
      }),
    );
    await sync.fullSync();
    /** Re-sends a delivery as OfficeRnD would (same event id and body, fresh signature). */
    const redeliver = async (d: MockDelivery) => {
      const signature = await signWebhookPayload({ payload: d.body, secret });
      const response = await fetch(d.url, {
        method: 'POST',
        headers: { ...d.headers, 'officernd-signature': signature },
        body: d.body,
      });
      return response.status;
    };
    return { ...ctx, fake, sync, store, results, redeliver };
  }

  const expectInStep = (ctx: Awaited<ReturnType<typeof withReceiver>>) =>
    expect(stateOf(ctx.fake.users)).toEqual(
      expectedUsers(ctx.mock.db.members.all(), ctx.mock.db.memberships.all(), ctx.mock.db.plans.all()),
    );

  it('member.created / updated / removed are applied incrementally', async () => {
    const ctx = await withReceiver();
    const plan = ctx.mock.db.plans.all()[0]!;
    const { record, deliveries } = await ctx.mock.db.members.add({
      name: 'New',
      email: 'new@x.io',
      status: 'active',
      location: 'l',
    });
    expect(deliveries.map((d) => d.status)).toEqual([204]);
    expect(ctx.fake.users.get(record._id)).toMatchObject({ name: 'New', tags: [] });
    await ctx.mock.db.memberships.add({
      member: record._id,
      plan: plan._id,
      calculatedStatus: 'active',
      status: 'approved',
    });
    expect(ctx.fake.users.get(record._id)?.tags).toEqual([`tag-${plan.code}`]);
    await ctx.mock.db.members.update(record._id, { status: 'former' });
    expect(ctx.fake.users.has(record._id)).toBe(false);
    await ctx.mock.db.members.update(record._id, { status: 'active' });
    expect(ctx.fake.users.has(record._id)).toBe(true);
    await ctx.mock.db.members.remove(record._id);
    expect(ctx.fake.users.has(record._id)).toBe(false);
    expectInStep(ctx);
  });

  it('a membership event recomputes that member with 3 requests, plans cached', async () => {
    const ctx = await withReceiver();
    const member = ctx.mock.db.members.all().find((m) => m.status === 'active')!;
    const plan = ctx.mock.db.plans.all()[1]!;
    const before = ctx.mock.stats.requests;
    const { record } = await ctx.mock.db.memberships.add({
      member: member._id,
      plan: plan._id,
      calculatedStatus: 'active',
    });
    expect(ctx.mock.stats.requests - before).toBe(2); // member + memberships?member=…; plan from cache
    expect(ctx.fake.users.get(member._id)?.tags).toContain(`tag-${plan.code}`);
    await ctx.mock.db.memberships.update(record._id, { calculatedStatus: 'expired' });
    await ctx.mock.db.memberships.remove(record._id);
    expectInStep(ctx);
  });

  it('an event delivered twice is applied once', async () => {
    const ctx = await withReceiver();
    const { deliveries } = await ctx.mock.db.members.add({ name: 'Twice', status: 'active' });
    const callsBefore = ctx.fake.calls.length;
    expect(await ctx.redeliver(deliveries[0]!)).toBe(204);
    expect(ctx.fake.calls.length).toBe(callsBefore);
    expect(ctx.results.at(-1)).toMatchObject({ status: 'duplicate', eventId: deliveries[0]!.eventId });
  });

  it('a target failure answers 5xx, is not marked processed, and the redelivery is applied', async () => {
    const ctx = await withReceiver();
    ctx.fake.failTimes(1);
    const { record, deliveries } = await ctx.mock.db.members.add({ name: 'Flaky', status: 'active' });
    expect(deliveries[0]!.status).toBe(503);
    const error = ctx.results.at(-1);
    expect(error).toBeInstanceOf(SyncError);
    expect(error).toMatchObject({ code: 'sync_failed', eventId: deliveries[0]!.eventId, memberId: record._id });
    expect(String((error as SyncError).cause)).toMatch(/access system down/);
    expect(ctx.fake.users.has(record._id)).toBe(false);
    expect(await ctx.redeliver(deliveries[0]!)).toBe(204);
    expect(ctx.fake.users.get(record._id)?.name).toBe('Flaky');
    expect(await ctx.redeliver(deliveries[0]!)).toBe(204);
    expect(ctx.results.at(-1)).toMatchObject({ status: 'duplicate' });
  });

  it('a redelivery while the first delivery is still being applied is refused with 5xx, not dropped', async () => {
    const ctx = setup(3);
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const applied: string[] = [];
    const sync = createMemberSync({
      client: ctx.clientFor(),
      tagForPlan,
      target: {
        async upsertUser(u) {
          await gate;
          applied.push(u.id);
        },
        async removeUser() {},
      },
    });
    const member = ctx.mock.db.members.all().find((m) => m.status === 'active')!;
    const event = { event: 'evt-slow', eventType: 'member.updated', data: { object: member } } as OfficeRnDWebhookEvent;
    const first = sync.handleEvent(event);
    await new Promise((r) => setTimeout(r, 50));
    const second = await rejection(sync.handleEvent(event));
    expect(second).toMatchObject({ code: 'sync_event_in_progress', eventId: 'evt-slow' });
    release();
    await expect(first).resolves.toMatchObject({ status: 'applied', action: 'upserted' });
    await expect(sync.handleEvent(event)).resolves.toMatchObject({ status: 'duplicate' });
    expect(applied).toEqual([member._id]);
  });

  it('a worker that died mid-event (claim and member lock never released) does not block the event past leaseMs and lockTtlMs', async () => {
    const ctx = setup(3);
    let t = 1_000_000;
    const store = createMemoryStore({ now: () => t });
    const applied: string[] = [];
    let calls = 0;
    let hung!: () => void;
    const firstCallHangs = new Promise<void>((resolve) => {
      hung = resolve;
    });
    const sync = createMemberSync({
      client: ctx.clientFor(),
      tagForPlan,
      store,
      now: () => t,
      leaseMs: 30_000,
      lockTtlMs: 30_000,
      target: {
        upsertUser: (u) => {
          if (++calls > 1) return void applied.push(u.id);
          hung();
          return new Promise<void>(() => {});
        },
        removeUser() {},
      },
    });
    const member = ctx.mock.db.members.all().find((m) => m.status === 'active')!;
    const event = {
      event: 'evt-crash',
      eventType: 'member.updated',
      data: { object: member },
    } as OfficeRnDWebhookEvent;
    void sync.handleEvent(event); // this "worker" never finishes
    await firstCallHangs;
    await expect(sync.handleEvent(event)).rejects.toMatchObject({ code: 'sync_event_in_progress' });
    t += 30_001;
    await expect(sync.handleEvent(event)).resolves.toMatchObject({ status: 'applied' });
    expect(applied).toEqual([member._id]);
  });

  it('nothing is lost: random target failures, redeliveries until acknowledged, end state equals OfficeRnD', async () => {
    const ctx = await withReceiver(40);
    let seed = 42;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    ctx.fake.failIf(() => rand() < 0.3);
    const plans = ctx.mock.db.plans.all();
    const pending: MockDelivery[] = [];
    for (let i = 0; i < 60; i++) {
      const members = ctx.mock.db.members.all();
      const member = members[Math.floor(rand() * members.length)]!;
      const roll = rand();
      let result: { deliveries: MockDelivery[] };
      if (roll < 0.2) result = await ctx.mock.db.members.add({ name: `R${i}`, status: 'active' });
      else if (roll < 0.45)
        result = await ctx.mock.db.members.update(member._id, { status: rand() < 0.6 ? 'active' : 'former' });
      else if (roll < 0.55) result = await ctx.mock.db.members.remove(member._id);
      else if (roll < 0.85) {
        result = await ctx.mock.db.memberships.add({
          member: member._id,
          plan: plans[Math.floor(rand() * plans.length)]!._id,
          calculatedStatus: rand() < 0.7 ? 'active' : 'expired',
        });
      } else {
        const own = ctx.mock.db.memberships.all().filter((m) => m.member === member._id);
        if (own.length === 0) continue;
        result = await ctx.mock.db.memberships.update(own[0]!._id, {
          calculatedStatus: rand() < 0.5 ? 'active' : 'expired',
        });
      }
      pending.push(...result.deliveries.filter((d) => d.status !== 204));
    }
    expect(pending.length).toBeGreaterThan(0);
    ctx.fake.failIf(undefined);
    // OfficeRnD redelivers what was not acknowledged (out of order, after later events).
    for (const delivery of pending.reverse()) expect(await ctx.redeliver(delivery)).toBe(204);
    expectInStep(ctx);
  });

  it('ignores event types it does not handle', async () => {
    const ctx = setup(0);
    const fake = fakeTarget();
    const sync = createMemberSync({ client: ctx.clientFor(), target: fake.target, tagForPlan });
    const event = {
      event: 'e1',
      eventType: 'invoice.created',
      data: { object: { _id: 'i1' } },
    } as OfficeRnDWebhookEvent;
    await expect(sync.handleEvent(event)).resolves.toEqual({ status: 'ignored', eventId: 'e1' });
    expect(fake.calls).toEqual([]);
  });

  it('validates its options', () => {
    expect(() => createMemberSync({ client: {} as never, target: fakeTarget().target, tagForPlan })).toThrow(/client/);
    const ctx = setup(0);
    expect(() => createMemberSync({ client: ctx.clientFor(), target: {} as never, tagForPlan })).toThrow(/upsertUser/);
    expect(() =>
      createMemberSync({ client: ctx.clientFor(), target: fakeTarget().target, tagForPlan: 'x' as never }),
    ).toThrow(/tagForPlan/);
  });
});
