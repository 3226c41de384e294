/**
 * How the member sync serialises work on a member and keeps full syncs from undoing events:
 * bounded waits for a member's lock, passes redone when their lock expired, full-sync slots and
 * deadline, memberships moved between members, and event ids made from the payload.
 */
import { createMemoryStore } from '@vendorkit/core';
import {
  type AccessUser,
  createMemberSync,
  isOfficeRnDError,
  type OfficeRnDWebhookEvent,
} from '@vendorkit/officernd-client';
import type { MockRecord } from '@vendorkit/officernd-client/mocks';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection, setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

const tagForPlan = (plan: { code?: string | null }) => `tag-${plan.code}`;

function setup() {
  const ctx = setupMock({
    seed: {
      plans: [
        { _id: 'p1', name: 'Desk', code: 'P1' },
        { _id: 'p2', name: 'Office', code: 'P2' },
      ],
      members: [
        { _id: 'm1', name: 'One', status: 'active' },
        { _id: 'm2', name: 'Two', status: 'active' },
      ],
      memberships: [{ _id: 'ms1', member: 'm1', plan: 'p1', calculatedStatus: 'active' }],
    },
  });
  close = ctx.close;
  return ctx;
}

const eventOf = (event: string | undefined, eventType: string, object: MockRecord, extra: object = {}) =>
  ({
    ...(event === undefined ? {} : { event }),
    eventType,
    data: { object, ...extra },
  }) as OfficeRnDWebhookEvent;

/** A target that records every call and keeps users in a map. */
function recordingTarget() {
  const users = new Map<string, AccessUser>();
  const log: string[] = [];
  return {
    users,
    log,
    upsertUser(user: AccessUser) {
      log.push(`upsert ${user.id} [${user.tags.join(',')}]`);
      users.set(user.id, user);
    },
    removeUser(id: string) {
      log.push(`remove ${id}`);
      users.delete(id);
    },
  };
}

/** A gate a target call can stop at: `reached` resolves when one does, `open()` lets it go on. */
function gate() {
  let reachedIt!: () => void;
  const reached = new Promise<void>((resolve) => {
    reachedIt = resolve;
  });
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    reached,
    open,
    async pass() {
      reachedIt();
      await opened;
    },
  };
}

describe('per-member lock', () => {
  it('an event waits for the pass on its member at most lockWaitMs, then is refused (sync_member_busy) and applied on redelivery', async () => {
    const { clientFor, mock } = setup();
    const target = recordingTarget();
    const { reached, open, pass } = gate();
    let first = true;
    const sync = createMemberSync({
      client: clientFor(),
      tagForPlan,
      lockWaitMs: 50,
      target: {
        ...target,
        async upsertUser(user) {
          if (first) {
            first = false;
            await pass();
          }
          target.upsertUser(user);
        },
      },
    });
    const slow = sync.handleEvent(eventOf('e1', 'member.updated', mock.db.members.get('m1')!));
    await reached;
    const { record } = await mock.db.members.update('m1', { status: 'former' });
    const former = eventOf('e2', 'member.updated', record);
    const error = await rejection(sync.handleEvent(former));
    expect(isOfficeRnDError(error, 'sync_member_busy')).toBe(true);
    expect(error).toMatchObject({ eventId: 'e2', memberId: 'm1' });
    expect((error as Error).message).toMatch(/lockWaitMs \(50 ms\).*Answer 5xx/);
    open();
    await slow;
    await expect(sync.handleEvent(former)).resolves.toMatchObject({ status: 'applied', action: 'removed' });
    expect(target.users.has('m1')).toBe(false);
  });

  it('events for different members do not wait for each other', async () => {
    const { clientFor, mock } = setup();
    const target = recordingTarget();
    const { reached, open, pass } = gate();
    const sync = createMemberSync({
      client: clientFor(),
      tagForPlan,
      lockWaitMs: 50,
      target: {
        ...target,
        async upsertUser(user) {
          if (user.id === 'm1') await pass();
          target.upsertUser(user);
        },
      },
    });
    const slow = sync.handleEvent(eventOf('e1', 'member.updated', mock.db.members.get('m1')!));
    await reached;
    await expect(sync.handleEvent(eventOf('e2', 'member.updated', mock.db.members.get('m2')!))).resolves.toMatchObject({
      status: 'applied',
    });
    open();
    await slow;
  });

  it('a pass whose lock expired while its target call ran is redone, so its stale write does not stay', async () => {
    const { clientFor, mock } = setup();
    let t = 1_000_000;
    const store = createMemoryStore({ now: () => t });
    const target = recordingTarget();
    const { reached, open, pass } = gate();
    let first = true;
    const options = { client: clientFor(), tagForPlan, store, now: () => t, lockTtlMs: 10_000 };
    const slowWorker = createMemberSync({
      ...options,
      target: {
        ...target,
        async upsertUser(user) {
          if (first) {
            first = false;
            await pass(); // outlives its lock
          }
          target.upsertUser(user);
        },
      },
    });
    const otherWorker = createMemberSync({ ...options, target });

    const stale = slowWorker.handleEvent(eventOf('e1', 'membership.updated', mock.db.memberships.get('ms1')!));
    await reached;
    t += 10_001;
    const { record } = await mock.db.members.update('m1', { status: 'former' });
    await expect(otherWorker.handleEvent(eventOf('e2', 'member.updated', record))).resolves.toMatchObject({
      action: 'removed',
    });
    open(); // the stale upsert lands after the removal…
    await expect(stale).resolves.toMatchObject({ status: 'applied', action: 'removed' }); // …and is redone
    expect(target.log).toEqual(['remove m1', 'upsert m1 [tag-P1]', 'remove m1']);
    expect(target.users.has('m1')).toBe(false);
  });

  it('gives up with sync_lock_expired when every pass outlives lockTtlMs', async () => {
    const { clientFor, mock } = setup();
    let t = 1_000_000;
    const sync = createMemberSync({
      client: clientFor(),
      tagForPlan,
      store: createMemoryStore({ now: () => t }),
      now: () => t,
      lockTtlMs: 1_000,
      target: {
        upsertUser() {
          t += 1_001;
        },
        removeUser() {},
      },
    });
    const error = await rejection(sync.handleEvent(eventOf('e1', 'member.updated', mock.db.members.get('m1')!)));
    expect(isOfficeRnDError(error, 'sync_lock_expired')).toBe(true);
    expect((error as Error).message).toMatch(/raise lockTtlMs/);
  });
});

describe('fullSync and events', () => {
  it('reports members left to events as superseded', async () => {
    const { clientFor, mock } = setup();
    const target = recordingTarget();
    const { reached, open, pass } = gate();
    let first = true;
    const sync = createMemberSync({
      client: clientFor(),
      tagForPlan,
      concurrency: 1,
      target: {
        ...target,
        async upsertUser(user) {
          if (first) {
            first = false;
            await pass();
          }
          target.upsertUser(user);
        },
      },
    });
    const full = sync.fullSync();
    await reached; // the full sync read everything and is writing m1
    const { record } = await mock.db.members.update('m2', { name: 'Two (renamed)' });
    await sync.handleEvent(eventOf('e1', 'member.updated', record));
    open();
    await expect(full).resolves.toMatchObject({ upserted: 1, removed: 0, superseded: 1, failed: [] });
    expect(target.users.get('m2')?.name).toBe('Two (renamed)');
  });

  it(`refuses a full sync when ${4} are running on the store (sync_full_sync_running), and frees the place after`, async () => {
    const { clientFor } = setup();
    const store = createMemoryStore();
    const { reached, open, pass } = gate();
    const stuck = createMemberSync({
      client: clientFor(),
      tagForPlan,
      store,
      target: { upsertUser: () => pass(), removeUser: () => pass() },
    });
    const running = Array.from({ length: 4 }, () => stuck.fullSync());
    await reached;
    const free = createMemberSync({ client: clientFor(), tagForPlan, store, target: recordingTarget() });
    const error = await rejection(free.fullSync());
    expect(isOfficeRnDError(error, 'sync_full_sync_running')).toBe(true);
    open();
    await Promise.all(running);
    await expect(free.fullSync()).resolves.toMatchObject({ upserted: 2 });
  });

  it('stops writing past fullSyncMaxMs and rejects with sync_full_sync_timeout', async () => {
    const { clientFor } = setup();
    let t = 1_000_000;
    const target = recordingTarget();
    const sync = createMemberSync({
      client: clientFor(),
      tagForPlan,
      store: createMemoryStore({ now: () => t }),
      now: () => t,
      concurrency: 1,
      fullSyncMaxMs: 20_000,
      target: {
        ...target,
        upsertUser(user) {
          target.upsertUser(user);
          t += 30_000;
        },
      },
    });
    const error = await rejection(sync.fullSync());
    expect(isOfficeRnDError(error, 'sync_full_sync_timeout')).toBe(true);
    expect(target.log).toEqual(['upsert m1 [tag-P1]']);
  });
});

describe('events', () => {
  it('a membership moved to another member recomputes both: the old member loses the plan’s tag', async () => {
    const { clientFor, mock } = setup();
    const target = recordingTarget();
    const sync = createMemberSync({ client: clientFor(), tagForPlan, target });
    await sync.fullSync();
    expect(target.users.get('m1')?.tags).toEqual(['tag-P1']);
    const { record } = await mock.db.memberships.update('ms1', { member: 'm2' });
    await expect(
      sync.handleEvent(eventOf('e1', 'membership.updated', record, { previousAttributes: { member: 'm1' } })),
    ).resolves.toMatchObject({ status: 'applied', memberId: 'm2' });
    expect(target.users.get('m1')?.tags).toEqual([]);
    expect(target.users.get('m2')?.tags).toEqual(['tag-P1']);
  });

  it('without an event id, the id is sha256:<hex> of the event, the same whatever the key order', async () => {
    const { clientFor, mock } = setup();
    const sync = createMemberSync({ client: clientFor(), tagForPlan, target: recordingTarget() });
    const member = mock.db.members.get('m2')!;
    const first = await sync.handleEvent(eventOf(undefined, 'member.updated', member));
    expect(first).toMatchObject({ status: 'applied', eventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    const reordered = {
      data: { object: Object.fromEntries(Object.entries(member).reverse()) },
      eventType: 'member.updated',
    };
    await expect(sync.handleEvent(reordered as OfficeRnDWebhookEvent)).resolves.toEqual({
      status: 'duplicate',
      eventId: first.eventId,
      memberId: 'm2',
    });
  });

  it('refuses what is not an event', async () => {
    const { clientFor } = setup();
    const sync = createMemberSync({ client: clientFor(), tagForPlan, target: recordingTarget() });
    for (const bad of [null, 'x', { eventType: 'member.updated' }, { data: { object: {} } }]) {
      await expect(sync.handleEvent(bad as never)).rejects.toMatchObject({ code: 'invalid_configuration' });
    }
  });
});
