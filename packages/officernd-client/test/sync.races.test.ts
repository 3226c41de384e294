/**
 * The interleavings an outside review found (issue 14), as regression tests: a member deleted in
 * OfficeRnD, or moved to `former`, must not keep door access because a recompute or a full sync
 * that read them earlier wrote after the event; a worker failing late must not undo what another
 * worker recorded; and deliveries without the `event` id field are deduplicated and applied once.
 */
import { createMemoryStore } from '@vendorkit/core';
import {
  type AccessUser,
  createMemberSync,
  type OfficeRnDWebhookEvent,
  signWebhookPayload,
  verifyWebhook,
} from '@vendorkit/officernd-client';
import type { MockRecord } from '@vendorkit/officernd-client/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tagForPlan = (plan: { code?: string | null }) => `tag-${plan.code}`;

/** OfficeRnD's data for these tests: one plan, members m0..m2 active, m1 on that plan. */
function setup() {
  const ctx = setupMock({
    seed: {
      plans: [{ _id: 'p1', name: 'Door plan', code: 'P1' }],
      members: [
        { _id: 'm0', name: 'Zero', email: 'zero@example.com', status: 'active' },
        { _id: 'm1', name: 'One', email: 'one@example.com', status: 'active' },
        { _id: 'm2', name: 'Two', email: 'two@example.com', status: 'active' },
      ],
      memberships: [{ _id: 'ms1', member: 'm1', plan: 'p1', calculatedStatus: 'active', status: 'approved' }],
    },
  });
  close = ctx.close;
  return ctx;
}

/** An event as OfficeRnD sends it (the object as it was when the change happened). */
function eventOf(event: string, eventType: string, object: MockRecord): OfficeRnDWebhookEvent {
  return { event, eventType, data: { object }, createdAt: new Date().toISOString() } as OfficeRnDWebhookEvent;
}

/**
 * An access system whose `upsertUser` for `gatedId` stops at a gate the first time, so a test can
 * change OfficeRnD and deliver events while a recompute or a full sync is in the middle of it.
 */
function gatedTarget(gatedId: string) {
  const users = new Map<string, AccessUser>();
  const log: string[] = [];
  let reached!: () => void;
  const atGate = new Promise<void>((resolve) => {
    reached = resolve;
  });
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let gated = true;
  return {
    users,
    log,
    atGate,
    open,
    target: {
      async upsertUser(user: AccessUser) {
        if (user.id === gatedId && gated) {
          gated = false;
          reached();
          await gate;
        }
        users.set(user.id, user);
        log.push(`upsert ${user.id} [${user.tags.join(',')}]`);
      },
      async removeUser(id: string) {
        users.delete(id);
        log.push(`remove ${id}`);
      },
    },
  };
}

describe('an event for a member being recomputed wins over the recompute', () => {
  it('membership.updated recomputing m1 (read as active) races member.removed: m1 ends without access', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('m1');
    const sync = createMemberSync({ client: clientFor(), target: fake.target, tagForPlan });

    const recompute = sync.handleEvent(eventOf('e-ms', 'membership.updated', mock.db.memberships.get('ms1')!));
    await fake.atGate; // it has read m1 as active with plan P1 and is writing that
    const { record } = await mock.db.members.remove('m1');
    const removal = sync.handleEvent(eventOf('e-rm', 'member.removed', record));
    await sleep(30);
    fake.open();
    const settled = await Promise.allSettled([recompute, removal]);
    // OfficeRnD redelivers what was refused; a redelivery of the removal is applied or a duplicate.
    for (const [i, event] of [
      eventOf('e-ms', 'membership.updated', mock.db.memberships.get('ms1')!),
      eventOf('e-rm', 'member.removed', record),
    ].entries()) {
      if (settled[i]!.status === 'rejected') await sync.handleEvent(event);
    }
    await sync.handleEvent(eventOf('e-rm', 'member.removed', record));

    expect(fake.users.has('m1'), `target log: ${fake.log.join(', ')}`).toBe(false);
  });

  it('membership.updated recomputing m1 races a status change to former: m1 ends without access', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('m1');
    const sync = createMemberSync({ client: clientFor(), target: fake.target, tagForPlan });

    const membershipEvent = eventOf('e-ms', 'membership.updated', mock.db.memberships.get('ms1')!);
    const recompute = sync.handleEvent(membershipEvent);
    await fake.atGate;
    const { record } = await mock.db.members.update('m1', { status: 'former' });
    const formerEvent = eventOf('e-former', 'member.updated', record);
    const former = sync.handleEvent(formerEvent);
    await sleep(30);
    fake.open();
    const settled = await Promise.allSettled([recompute, former]);
    if (settled[0].status === 'rejected') await sync.handleEvent(membershipEvent);
    if (settled[1].status === 'rejected') await sync.handleEvent(formerEvent);
    await sync.handleEvent(formerEvent);

    expect(fake.users.has('m1'), `target log: ${fake.log.join(', ')}`).toBe(false);
  });
});

describe('fullSync cannot undo an event', () => {
  it('member.removed while fullSync is writing that member: the removal stays', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('m1');
    const sync = createMemberSync({ client: clientFor(), target: fake.target, tagForPlan });

    const full = sync.fullSync();
    await fake.atGate; // the full sync read m1 as active and is upserting it
    const { record } = await mock.db.members.remove('m1');
    const removedEvent = eventOf('e-rm', 'member.removed', record);
    const removal = sync.handleEvent(removedEvent);
    await sleep(30);
    fake.open();
    const settled = await Promise.allSettled([full, removal]);
    if (settled[1].status === 'rejected') await sync.handleEvent(removedEvent);

    expect(fake.users.has('m1'), `target log: ${fake.log.join(', ')}`).toBe(false);
  });

  it('member.removed applied after fullSync read its snapshot but before it wrote that member: the removal stays', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('m0'); // the full sync stops at m0; m1 comes after it on the same page
    const sync = createMemberSync({ client: clientFor(), target: fake.target, tagForPlan, concurrency: 1 });

    const full = sync.fullSync();
    await fake.atGate;
    const { record } = await mock.db.members.remove('m1');
    await expect(sync.handleEvent(eventOf('e-rm', 'member.removed', record))).resolves.toMatchObject({
      status: 'applied',
      action: 'removed',
    });
    fake.open();
    await full;

    expect(fake.users.has('m1'), `target log: ${fake.log.join(', ')}`).toBe(false);
    expect(fake.users.has('m2')).toBe(true);
  });

  it('a plan ended during fullSync: the member keeps only the tags of their current plans', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('m0');
    const sync = createMemberSync({ client: clientFor(), target: fake.target, tagForPlan, concurrency: 1 });

    const full = sync.fullSync();
    await fake.atGate;
    const { record } = await mock.db.memberships.update('ms1', { calculatedStatus: 'expired' });
    await sync.handleEvent(eventOf('e-exp', 'membership.updated', record));
    fake.open();
    await full;

    expect(fake.users.get('m1')?.tags, `target log: ${fake.log.join(', ')}`).toEqual([]);
  });

  it('a member created during fullSync keeps the access its event gave (listUserIds does not remove them)', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('m0');
    const sync = createMemberSync({
      client: clientFor(),
      target: { ...fake.target, listUserIds: () => [...fake.users.keys()] },
      tagForPlan,
      concurrency: 1,
    });

    const full = sync.fullSync();
    await fake.atGate;
    const { record } = await mock.db.members.add({ _id: 'm9', name: 'New', status: 'active' });
    await sync.handleEvent(eventOf('e-new', 'member.created', record));
    fake.open();
    await full;

    expect(fake.users.has('m9'), `target log: ${fake.log.join(', ')}`).toBe(true);
  });
});

describe('claims are released only by their owner', () => {
  it('a worker whose lease expired, failing late, does not delete the done mark another worker wrote', async () => {
    const { clientFor, mock } = setup();
    let t = 1_000_000;
    const store = createMemoryStore({ now: () => t });
    let failLate!: (error: Error) => void;
    const late = new Promise<never>((_, reject) => {
      failLate = reject;
    });
    let calls = 0;
    const slowWorker = createMemberSync({
      client: clientFor(),
      store,
      now: () => t,
      tagForPlan,
      target: {
        upsertUser: () => (++calls === 1 ? late : Promise.reject(new Error('access system down'))),
        removeUser: () => Promise.reject(new Error('access system down')),
      },
    });
    const users = new Map<string, AccessUser>();
    const healthyWorker = createMemberSync({
      client: clientFor(),
      store,
      now: () => t,
      tagForPlan,
      target: {
        upsertUser: (user) => void users.set(user.id, user),
        removeUser: (id) => void users.delete(id),
      },
    });
    const event = eventOf('e-late', 'member.updated', mock.db.members.get('m1')!);

    const first = slowWorker.handleEvent(event);
    await sleep(30);
    t += 10 * 60_000; // the slow worker's lease (and any lock it holds) expired long ago
    await expect(healthyWorker.handleEvent(event)).resolves.toMatchObject({ status: 'applied' });
    failLate(new Error('access system timed out'));
    await Promise.allSettled([first]);

    expect(users.has('m1')).toBe(true);
    // The done mark is still there: OfficeRnD's next redelivery is a duplicate, not applied again.
    await expect(healthyWorker.handleEvent(event)).resolves.toMatchObject({ status: 'duplicate' });
  });
});

describe('deliveries without the event id (VENDORS.md §1 [O]: the official demo reads only eventType and data.*)', () => {
  const secret = 'hook-secret-for-no-id-test';
  const deliver = async (sync: ReturnType<typeof createMemberSync>, body: string) =>
    sync.handleEvent(
      await verifyWebhook({ payload: body, signature: await signWebhookPayload({ payload: body, secret }), secret }),
    );

  it('are verified, applied, and a redelivery of the same body is a duplicate', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('none');
    const sync = createMemberSync({ client: clientFor(), target: fake.target, tagForPlan });
    const { record } = await mock.db.members.update('m2', { status: 'former' });
    const body = JSON.stringify({
      eventType: 'member.updated',
      data: { object: record },
      createdAt: '2026-01-02T03:04:05.678Z',
    });

    await expect(deliver(sync, body)).resolves.toMatchObject({ status: 'applied', action: 'removed', memberId: 'm2' });
    const logged = fake.log.length;
    await expect(deliver(sync, body)).resolves.toMatchObject({ status: 'duplicate', memberId: 'm2' });
    expect(fake.log.length).toBe(logged);
  });

  it('a body identical to an applied one is applied again when another event for that member came in between', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('none');
    const sync = createMemberSync({ client: clientFor(), target: fake.target, tagForPlan });
    // Two distinct changes whose payloads happen to be byte-identical (no id, no timestamps differ).
    const active = JSON.stringify({
      eventType: 'membership.updated',
      data: { object: mock.db.memberships.get('ms1') },
    });
    await expect(deliver(sync, active)).resolves.toMatchObject({ status: 'applied' });
    const { record } = await mock.db.memberships.update('ms1', { calculatedStatus: 'expired' });
    await deliver(sync, JSON.stringify({ eventType: 'membership.updated', data: { object: record } }));
    expect(fake.users.get('m1')?.tags).toEqual([]);
    await mock.db.memberships.update('ms1', { calculatedStatus: 'active' });
    await deliver(sync, active);
    expect(fake.users.get('m1')?.tags).toEqual(['tag-P1']);
  });

  it('such a re-applied body that fails is applied by its next redelivery, not dropped as a duplicate', async () => {
    const { clientFor, mock } = setup();
    const fake = gatedTarget('none');
    let failNext = false;
    const sync = createMemberSync({
      client: clientFor(),
      tagForPlan,
      target: {
        ...fake.target,
        async upsertUser(user) {
          if (failNext) {
            failNext = false;
            throw new Error('access system down');
          }
          await fake.target.upsertUser(user);
        },
      },
    });
    const active = JSON.stringify({
      eventType: 'membership.updated',
      data: { object: mock.db.memberships.get('ms1') },
    });
    await deliver(sync, active);
    const { record } = await mock.db.memberships.update('ms1', { calculatedStatus: 'expired' });
    await deliver(sync, JSON.stringify({ eventType: 'membership.updated', data: { object: record } }));
    await mock.db.memberships.update('ms1', { calculatedStatus: 'active' });
    failNext = true;
    await expect(deliver(sync, active)).rejects.toMatchObject({ code: 'sync_failed' });
    await expect(deliver(sync, active)).resolves.toMatchObject({ status: 'applied' });
    expect(fake.users.get('m1')?.tags).toEqual(['tag-P1']);
  });
});
