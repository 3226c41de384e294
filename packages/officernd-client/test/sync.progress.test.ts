/**
 * `fullSync({ onProgress })` (issue 17.4): `{ phase, done, total? }` as work completes, counting
 * items (plans, memberships and members read; members written to the target), never pages; the
 * reading phases learn their total on their last page (OfficeRnD gives no count), the target
 * phase has it from its first report. A throwing callback cannot break the sync.
 */
import type { Logger } from '@vendorkit/core';
import { type AccessUser, createMemberSync, type SyncProgress } from '@vendorkit/officernd-client';
import { generateMockData, type MockSeed } from '@vendorkit/officernd-client/mocks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setupMock } from './helpers.js';

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

const tagForPlan = (plan: { code?: string | null }) => `tag-${plan.code}`;

function org(seed: MockSeed) {
  const ctx = setupMock({ seed });
  close = ctx.close;
  return ctx;
}

function memoryTarget(staleIds: string[] = []) {
  const users = new Map<string, AccessUser>();
  return {
    users,
    upsertUser(user: AccessUser) {
      users.set(user.id, user);
    },
    removeUser(id: string) {
      users.delete(id);
    },
    listUserIds: () => [...users.keys(), ...staleIds],
  };
}

const SMALL_ORG: MockSeed = {
  plans: [
    { _id: 'p1', name: 'Desk', code: 'P1' },
    { _id: 'p2', name: 'Office', code: 'P2' },
  ],
  members: [
    { _id: 'm1', name: 'One', status: 'active' },
    { _id: 'm2', name: 'Two', status: 'active' },
    { _id: 'm3', name: 'Three', status: 'former' },
  ],
  memberships: [
    { _id: 'ms1', member: 'm1', plan: 'p1', calculatedStatus: 'active' },
    { _id: 'ms2', member: 'm2', plan: 'p2', calculatedStatus: 'expired' },
    { _id: 'ms3', member: 'm2', plan: 'p1', calculatedStatus: 'active' },
  ],
};

describe('fullSync({ onProgress })', () => {
  it('a small org: one report per page read, then { done: 0, total } and one per member written', async () => {
    const { clientFor } = org(SMALL_ORG);
    const seen: SyncProgress[] = [];
    const sync = createMemberSync({
      client: clientFor(),
      target: memoryTarget(['gone-1']),
      tagForPlan,
      concurrency: 1,
    });
    const report = await sync.fullSync({ onProgress: (progress) => seen.push({ ...progress }) });
    expect(seen).toEqual([
      { phase: 'plans', done: 2, total: 2 },
      { phase: 'memberships', done: 3, total: 3 },
      { phase: 'members', done: 3, total: 3 },
      // 3 members and the stale id the target listed.
      { phase: 'target', done: 0, total: 4 },
      { phase: 'target', done: 1, total: 4 },
      { phase: 'target', done: 2, total: 4 },
      { phase: 'target', done: 3, total: 4 },
      { phase: 'target', done: 4, total: 4 },
    ]);
    expect(report).toMatchObject({ upserted: 2, removed: 2, superseded: 0, failed: [] });
  });

  it('an empty org reports every phase done with a total of 0', async () => {
    const { clientFor } = org({ plans: [], members: [], memberships: [] });
    const seen: SyncProgress[] = [];
    await createMemberSync({ client: clientFor(), target: memoryTarget(), tagForPlan }).fullSync({
      onProgress: (progress) => seen.push({ ...progress }),
    });
    expect(seen).toEqual([
      { phase: 'plans', done: 0, total: 0 },
      { phase: 'memberships', done: 0, total: 0 },
      { phase: 'members', done: 0, total: 0 },
      { phase: 'target', done: 0, total: 0 },
    ]);
  });

  it('several pages: done counts items (50, 100, 120), the total comes with the last page; target counts to it', async () => {
    const data = generateMockData(120, { seed: 5 });
    const { clientFor } = org(data);
    const seen: SyncProgress[] = [];
    const report = await createMemberSync({ client: clientFor(), target: memoryTarget(), tagForPlan }).fullSync({
      onProgress: (progress) => seen.push({ ...progress }),
    });
    const of = (phase: string) => seen.filter((progress) => progress.phase === phase);
    const pagesOf = (count: number) =>
      Array.from({ length: Math.ceil(count / 50) }, (_, i) => {
        const done = Math.min(count, (i + 1) * 50);
        return done === count ? { done, total: count } : { done };
      });
    expect(of('plans').map(({ phase: _, ...rest }) => rest)).toEqual(pagesOf(data.plans.length));
    expect(of('memberships').map(({ phase: _, ...rest }) => rest)).toEqual(pagesOf(data.memberships.length));
    expect(of('members').map(({ phase: _, ...rest }) => rest)).toEqual(pagesOf(120));
    // Phases in order, each one finished before the next starts.
    const order = seen.map((progress) => progress.phase).filter((phase, i, all) => phase !== all[i - 1]);
    expect(order).toEqual(['plans', 'memberships', 'members', 'target']);
    expect(of('target')).toEqual(Array.from({ length: 121 }, (_, done) => ({ phase: 'target', done, total: 120 })));
    expect(report.upserted + report.removed + report.superseded + report.failed.length).toBe(120);
  });

  it('a member whose target call failed counts as done too', async () => {
    const { clientFor } = org(SMALL_ORG);
    const seen: SyncProgress[] = [];
    const target = {
      ...memoryTarget(),
      upsertUser(user: AccessUser) {
        if (user.id === 'm2') throw new Error('access system refused m2');
      },
    };
    const report = await createMemberSync({ client: clientFor(), target, tagForPlan }).fullSync({
      onProgress: (progress) => seen.push({ ...progress }),
    });
    expect(report.failed.map((failure) => failure.id)).toEqual(['m2']);
    expect(seen.at(-1)).toEqual({ phase: 'target', done: 3, total: 3 });
  });

  it('a throwing or rejecting onProgress does not break the sync: warned to the logger, same report', async () => {
    const { clientFor } = org(SMALL_ORG);
    const warn = vi.fn();
    const logger: Logger = { warn };
    const console = vi.spyOn(globalThis.console, 'warn');
    let calls = 0;
    const sync = createMemberSync({ client: clientFor(), target: memoryTarget(), tagForPlan, logger });
    const report = await sync.fullSync({
      onProgress: (() => {
        calls++;
        if (calls % 2 === 0) return Promise.reject(new TypeError('async progress bug'));
        throw new RangeError('progress bug with a secret-looking message: hunter2');
      }) as () => void,
    });
    expect(report).toMatchObject({ upserted: 2, removed: 1, failed: [] });
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(calls));
    expect(calls).toBe(7);
    expect(warn).toHaveBeenCalledWith('vendorkit: the onProgress callback threw; ignored.', { error: 'RangeError' });
    expect(warn).toHaveBeenCalledWith('vendorkit: the onProgress callback threw; ignored.', { error: 'TypeError' });
    expect(JSON.stringify(warn.mock.calls)).not.toContain('hunter2');
    expect(console).not.toHaveBeenCalled();
    console.mockRestore();
  });

  it('without a logger a throwing onProgress is silent', async () => {
    const { clientFor } = org(SMALL_ORG);
    const spies = (['log', 'warn', 'error', 'info', 'debug'] as const).map((name) =>
      vi.spyOn(globalThis.console, name),
    );
    const report = await createMemberSync({ client: clientFor(), target: memoryTarget(), tagForPlan }).fullSync({
      onProgress: () => {
        throw new Error('boom');
      },
    });
    expect(report.upserted).toBe(2);
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });
});
