/**
 * Cancellation of the member sync (issue 17.1): `fullSync({ signal })` and
 * `handleEvent(event, { signal })` reject within 100 ms of the abort with the signal's reason,
 * against an OfficeRnD that never answers and against a target call that never settles; they
 * stop reading pages and making target calls, release the locks they hold (compare-and-delete)
 * and leave no timer behind — the lock-wait polling included. A member lock whose target call is
 * still in flight is kept until that call returns: releasing it would let a newer pass write
 * first and the abandoned call land after it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, type Store } from '@vendorkit/core';
import {
  type AccessTarget,
  type AccessUser,
  createMemberSync,
  MEMBER_SYNC_SCOPES,
  OfficeRnDClient,
  type OfficeRnDWebhookEvent,
} from '@vendorkit/officernd-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rejection, setupMock } from './helpers.js';

let cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

const tagForPlan = (plan: { code?: string | null }) => `tag-${plan.code}`;
const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A memory store that remembers every key written, to check afterwards which locks are still held. */
function trackedStore() {
  const inner = createMemoryStore();
  const keys = new Set<string>();
  const store: Store = {
    get: (key) => inner.get(key),
    set: (key, value, options) => {
      keys.add(key);
      return inner.set(key, value, options);
    },
    setIfAbsent: (key, value, options) => {
      keys.add(key);
      return inner.setIfAbsent(key, value, options);
    },
    delete: (key) => inner.delete(key),
    deleteIfEquals: (key, value) => inner.deleteIfEquals(key, value),
  };
  /** Member locks, full-sync slots and event claims still held. */
  const held = async () => {
    const out: string[] = [];
    for (const key of keys) {
      const value = await inner.get(key);
      if (value === undefined) continue;
      if (/:lock$|:full-sync:\d+$/.test(key) || value.startsWith('processing:')) out.push(key);
    }
    return out.sort();
  };
  return { store, held };
}

/**
 * A loopback OfficeRnD whose token endpoint answers and whose API never does. `open` holds the
 * connections that carry an unanswered request.
 */
async function stalledOfficeRnD() {
  const seen: string[] = [];
  const open = new Set<unknown>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    seen.push(`${req.method} ${req.url}`);
    if (req.url === '/oauth/token') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: 'stalled-token', expires_in: 3599 }));
      return;
    }
    const { socket } = req;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new OfficeRnDClient({
    orgSlug: 'acme',
    clientId: 'id',
    clientSecret: 'stalled-secret',
    baseUrl: url,
    identityUrl: url,
    scopes: MEMBER_SYNC_SCOPES,
    // Long deadlines and retries: only the abort can end the calls quickly.
    timeoutMs: 60_000,
    retries: 3,
  });
  await client.getAccessToken();
  const apiRequests = () => seen.filter((line) => !line.startsWith('POST /oauth/token'));
  return { client, apiRequests, open };
}

/** A small org on the bundled mock (MSW), for target-side tests. */
function smallOrg() {
  const ctx = setupMock({
    seed: {
      plans: [{ _id: 'p1', name: 'Desk', code: 'P1' }],
      members: [
        { _id: 'm1', name: 'One', status: 'active' },
        { _id: 'm2', name: 'Two', status: 'active' },
        { _id: 'm3', name: 'Three', status: 'former' },
      ],
      memberships: [{ _id: 'ms1', member: 'm1', plan: 'p1', calculatedStatus: 'active' }],
    },
  });
  cleanup.push(ctx.close);
  return ctx;
}

/**
 * A target whose calls never settle on their own. `cooperative` ones reject when the signal
 * they were given aborts; the others ignore it. `finish()` settles every hung call.
 */
function hangingTarget(cooperative: boolean) {
  const calls: string[] = [];
  const signals: Array<AbortSignal | undefined> = [];
  const finishers: Array<() => void> = [];
  const hang = (label: string, signal: AbortSignal | undefined) => {
    calls.push(label);
    signals.push(signal);
    return new Promise<void>((resolve, reject) => {
      finishers.push(resolve);
      if (cooperative) signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  };
  const target: AccessTarget = {
    upsertUser: (user: AccessUser, options) => hang(`upsert ${user.id}`, options?.signal),
    removeUser: (id: string, options) => hang(`remove ${id}`, options?.signal),
  };
  const finish = () => {
    for (const settle of finishers) settle();
  };
  return { target, calls, signals, finish };
}

const memberEvent = (id: string): OfficeRnDWebhookEvent =>
  ({ event: `evt-${id}`, eventType: 'member.updated', data: { object: { _id: id } } }) as OfficeRnDWebhookEvent;

/** Aborts with a fresh reason and returns it with the rejection and how long it took. */
async function abortAndMeasure(controller: AbortController, pending: Promise<unknown>) {
  const reason = new Error('cancelled by the test');
  const abortedAt = Date.now();
  controller.abort(reason);
  const error = await rejection(pending);
  return { reason, error, elapsedMs: Date.now() - abortedAt };
}

describe('fullSync({ signal })', () => {
  it('an OfficeRnD that never answers: rejects within 100 ms, reads no other page, frees its slot, no timer left', async () => {
    const { client, apiRequests, open } = await stalledOfficeRnD();
    const { store, held } = trackedStore();
    const target = hangingTarget(false);
    const sync = createMemberSync({ client, target: target.target, tagForPlan, store });
    const timersBefore = timers();
    const controller = new AbortController();
    const pending = sync.fullSync({ signal: controller.signal });
    await vi.waitFor(() => expect(apiRequests()).toHaveLength(1), { timeout: 5_000, interval: 5 });
    const { reason, error, elapsedMs } = await abortAndMeasure(controller, pending);
    expect(error).toBe(reason);
    expect(elapsedMs).toBeLessThan(100);
    await vi.waitFor(async () => expect(await held()).toEqual([]), { timeout: 1_000, interval: 5 });
    await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 2_000, interval: 5 });
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    await sleep(50);
    expect(apiRequests()).toHaveLength(1);
    expect(target.calls).toEqual([]);
  });

  it('a target call that never settles: rejects within 100 ms, makes no other target call, frees its slot', async () => {
    const { clientFor } = smallOrg();
    const { store, held } = trackedStore();
    const target = hangingTarget(false);
    const sync = createMemberSync({ client: clientFor(), target: target.target, tagForPlan, store, concurrency: 1 });
    const timersBefore = timers();
    const controller = new AbortController();
    const pending = sync.fullSync({ signal: controller.signal });
    await vi.waitFor(() => expect(target.calls).toHaveLength(1), { timeout: 5_000, interval: 5 });
    const { reason, error, elapsedMs } = await abortAndMeasure(controller, pending);
    expect(error).toBe(reason);
    expect(elapsedMs).toBeLessThan(100);
    // The target was told: its signal is the aborted one.
    expect(target.signals[0]?.aborted).toBe(true);
    await sleep(50);
    expect(target.calls).toEqual(['upsert m1']);
    // The slot is free; m1's lock is kept while its call is in flight (it could still land)…
    expect(await held()).toEqual(['officernd:sync:member:m1:lock']);
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    // …and released (compare-and-delete) as soon as the call returns; no other call follows.
    target.finish();
    await vi.waitFor(async () => expect(await held()).toEqual([]), { timeout: 1_000, interval: 5 });
    await sleep(20);
    expect(target.calls).toEqual(['upsert m1']);
  });

  it('a target that honours the signal: every lock is released right after the abort', async () => {
    const { clientFor } = smallOrg();
    const { store, held } = trackedStore();
    const target = hangingTarget(true);
    const sync = createMemberSync({ client: clientFor(), target: target.target, tagForPlan, store, concurrency: 4 });
    const controller = new AbortController();
    const pending = sync.fullSync({ signal: controller.signal });
    await vi.waitFor(() => expect(target.calls).toHaveLength(3), { timeout: 5_000, interval: 5 });
    const { reason, error, elapsedMs } = await abortAndMeasure(controller, pending);
    expect(error).toBe(reason);
    expect(elapsedMs).toBeLessThan(100);
    await vi.waitFor(async () => expect(await held()).toEqual([]), { timeout: 1_000, interval: 5 });
  });

  it('waiting for a member lock held elsewhere: rejects within 100 ms, no polling timer, no report after the abort', async () => {
    const { clientFor } = smallOrg();
    const { store, held } = trackedStore();
    const target = hangingTarget(false);
    await store.set('officernd:sync:member:m1:lock', 'other-worker', { ttlMs: 60_000 });
    const sync = createMemberSync({
      client: clientFor(),
      target: target.target,
      tagForPlan,
      store,
      lockWaitMs: 60_000,
      concurrency: 1,
    });
    const seen: string[] = [];
    const timersBefore = timers();
    const controller = new AbortController();
    const pending = sync.fullSync({
      signal: controller.signal,
      onProgress: ({ phase, done, total }) => seen.push(`${phase} ${done}/${total ?? '?'}`),
    });
    await vi.waitFor(() => expect(seen).toContain('target 0/3'), { timeout: 5_000, interval: 5 });
    await sleep(120); // several polls for m1's lock
    const { reason, error, elapsedMs } = await abortAndMeasure(controller, pending);
    expect(error).toBe(reason);
    expect(elapsedMs).toBeLessThan(100);
    await vi.waitFor(async () => expect(await held()).toEqual(['officernd:sync:member:m1:lock']), {
      timeout: 1_000,
      interval: 5,
    });
    expect(await store.get('officernd:sync:member:m1:lock')).toBe('other-worker');
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    await sleep(50);
    expect(target.calls).toEqual([]);
    expect(seen).toEqual(['plans 1/1', 'memberships 1/1', 'members 3/3', 'target 0/3']);
  });

  it('an already aborted signal reads nothing and writes nothing', async () => {
    const { client, apiRequests } = await stalledOfficeRnD();
    const { store, held } = trackedStore();
    const target = hangingTarget(false);
    const sync = createMemberSync({ client, target: target.target, tagForPlan, store });
    const reason = new Error('too late');
    expect(await rejection(sync.fullSync({ signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(apiRequests()).toEqual([]);
    expect(await held()).toEqual([]);
  });
});

describe('handleEvent(event, { signal })', () => {
  it('an OfficeRnD that never answers: rejects within 100 ms, releases the member lock and the event claim', async () => {
    const { client, apiRequests, open } = await stalledOfficeRnD();
    const { store, held } = trackedStore();
    const target = hangingTarget(false);
    const sync = createMemberSync({ client, target: target.target, tagForPlan, store });
    const timersBefore = timers();
    const controller = new AbortController();
    const pending = sync.handleEvent(memberEvent('m1'), { signal: controller.signal });
    await vi.waitFor(() => expect(apiRequests()).toEqual(['GET /api/v2/organizations/acme/members/m1']), {
      timeout: 5_000,
      interval: 5,
    });
    const { reason, error, elapsedMs } = await abortAndMeasure(controller, pending);
    expect(error).toBe(reason);
    expect(elapsedMs).toBeLessThan(100);
    await vi.waitFor(async () => expect(await held()).toEqual([]), { timeout: 1_000, interval: 5 });
    await vi.waitFor(() => expect(open.size).toBe(0), { timeout: 2_000, interval: 5 });
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    await sleep(50);
    expect(apiRequests()).toHaveLength(1);
    expect(target.calls).toEqual([]);
  });

  it('waiting for a member lock held elsewhere: rejects within 100 ms and leaves no polling timer', async () => {
    const { client } = await stalledOfficeRnD();
    const { store, held } = trackedStore();
    const target = hangingTarget(false);
    // Another worker holds m1's lock (its token is not ours: we must never delete it).
    await store.set('officernd:sync:member:m1:lock', 'other-worker', { ttlMs: 60_000 });
    const sync = createMemberSync({ client, target: target.target, tagForPlan, store, lockWaitMs: 60_000 });
    const timersBefore = timers();
    const controller = new AbortController();
    const pending = sync.handleEvent(memberEvent('m1'), { signal: controller.signal });
    await sleep(120); // several polls
    const { reason, error, elapsedMs } = await abortAndMeasure(controller, pending);
    expect(error).toBe(reason);
    expect(elapsedMs).toBeLessThan(100);
    await vi.waitFor(async () => expect(await held()).toEqual(['officernd:sync:member:m1:lock']), {
      timeout: 1_000,
      interval: 5,
    });
    expect(await store.get('officernd:sync:member:m1:lock')).toBe('other-worker');
    expect(timers()).toBeLessThanOrEqual(timersBefore);
  });

  it('a target call that never settles: rejects within 100 ms; the event is not marked done once the call returns', async () => {
    const { clientFor } = smallOrg();
    const { store, held } = trackedStore();
    const target = hangingTarget(false);
    const sync = createMemberSync({ client: clientFor(), target: target.target, tagForPlan, store });
    const controller = new AbortController();
    const pending = sync.handleEvent(memberEvent('m1'), { signal: controller.signal });
    await vi.waitFor(() => expect(target.calls).toEqual(['upsert m1']), { timeout: 5_000, interval: 5 });
    const { reason, error, elapsedMs } = await abortAndMeasure(controller, pending);
    expect(error).toBe(reason);
    expect(elapsedMs).toBeLessThan(100);
    expect(target.signals[0]?.aborted).toBe(true);
    target.finish();
    await vi.waitFor(async () => expect(await held()).toEqual([]), { timeout: 1_000, interval: 5 });
    // Not acknowledged: the redelivery is applied, not dropped as a duplicate.
    const redelivery = createMemberSync({
      client: clientFor(),
      target: { upsertUser() {}, removeUser() {} },
      tagForPlan,
      store,
    });
    expect(await redelivery.handleEvent(memberEvent('m1'))).toMatchObject({ status: 'applied' });
  });

  it('a target call that lands after the abort cannot overwrite a newer event for its member', async () => {
    const { clientFor, mock } = smallOrg();
    const { store } = trackedStore();
    const users = new Map<string, string[]>();
    let landLate: (() => void) | undefined;
    const target: AccessTarget = {
      // The aborted call ignores its signal and lands whenever it is let go.
      async upsertUser(user) {
        if (landLate === undefined) await new Promise<void>((resolve) => (landLate = resolve));
        users.set(user.id, user.tags);
      },
      removeUser(id) {
        users.delete(id);
      },
    };
    const aborted = createMemberSync({ client: clientFor(), target, tagForPlan, store });
    const controller = new AbortController();
    const first = aborted.handleEvent(memberEvent('m1'), { signal: controller.signal });
    await vi.waitFor(() => expect(landLate).toBeDefined(), { timeout: 5_000, interval: 5 });
    controller.abort(new Error('gave up'));
    await expect(first).rejects.toThrow('gave up');
    // m1 leaves while the abandoned upsert is still in flight; its event is handled by another worker.
    await mock.db.members.update('m1', { status: 'former' });
    const other = createMemberSync({ client: clientFor(), target, tagForPlan, store });
    const second = other.handleEvent({ ...memberEvent('m1'), event: 'evt-m1-left' } as OfficeRnDWebhookEvent);
    await sleep(50);
    landLate!();
    expect(await second).toMatchObject({ status: 'applied', action: 'removed' });
    // The removal came after the late upsert: m1 has no access.
    expect(users.has('m1')).toBe(false);
  });

  it('an already aborted signal claims nothing', async () => {
    const { client, apiRequests } = await stalledOfficeRnD();
    const { store, held } = trackedStore();
    const sync = createMemberSync({ client, target: hangingTarget(false).target, tagForPlan, store });
    const reason = new Error('too late');
    expect(await rejection(sync.handleEvent(memberEvent('m1'), { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(apiRequests()).toEqual([]);
    expect(await held()).toEqual([]);
  });
});
