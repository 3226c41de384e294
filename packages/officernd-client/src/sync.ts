import { ConfigurationError, createMemoryStore, type Logger, type Store } from '@vendorkit/core';
import type { OfficeRnDClient } from './client.js';
import { isOfficeRnDError, SyncError } from './errors.js';
import { iteratePages, type ListQuery, MAX_PAGE_SIZE } from './pagination.js';
import type { Member, Page, Plan } from './schemas.js';
import { abortable } from './sync/abort.js';
import { eventKeyOf } from './sync/event-key.js';
import { type FullSyncRun, markTouched, registerFullSync } from './sync/full-sync-registry.js';
import { acquireLock, type LockTiming, ownerToken, releaseLock } from './sync/lock.js';
import { progressReporter, type SyncPhase, type SyncProgress } from './sync/progress.js';
import { isMemberEvent, isMembershipEvent, type OfficeRnDWebhookEvent } from './webhooks.js';

/** What the access system receives for a member who should have access. */
export interface AccessUser {
  /** The OfficeRnD member `_id`. */
  id: string;
  name: string;
  email: string | null;
  /** Tags from the member's currently active plans (`tagForPlan`), deduplicated; `[]` when none. */
  tags: string[];
  /** The OfficeRnD member as read, for anything else you need. */
  member: Member;
}

export type { SyncPhase, SyncProgress };

/** What the sync passes to each target call. */
export interface TargetCallOptions {
  /**
   * The signal of the sync call that made this one (`fullSync`, `handleEvent`), when it was
   * given one. Stop the call when it aborts if you can: the member's lock is held until the call
   * returns, so that it cannot land after a newer write.
   */
  signal?: AbortSignal;
}

/**
 * The access-control system being kept in step. Both methods must be idempotent
 * (upserting the same user twice, or removing an absent one, is not an error): the sync
 * may write a member again after a failure or a race.
 */
export interface AccessTarget {
  upsertUser(user: AccessUser, options?: TargetCallOptions): Promise<void> | void;
  removeUser(id: string, options?: TargetCallOptions): Promise<void> | void;
  /**
   * Optional: ids currently in the access system. When given, `fullSync` also removes
   * users whose member no longer exists in OfficeRnD.
   */
  listUserIds?(options?: TargetCallOptions): Promise<Iterable<string>> | Iterable<string>;
}

/** Options of {@link createMemberSync}. */
export interface MemberSyncOptions {
  /** The OfficeRnD client (needs scopes for members, memberships and plans read). */
  client: Pick<OfficeRnDClient, 'members' | 'memberships' | 'plans'> & { readonly stats?: { requests: number } };
  target: AccessTarget;
  /** The access tag for a plan, or `null`/`undefined` to give that plan no tag. */
  tagForPlan: (plan: Plan) => string | null | undefined;
  /**
   * Where event marks, member locks and running full syncs are kept. Every worker syncing the
   * same OfficeRnD organisation into the same target must share one (e.g. `@vendorkit/redis-store`);
   * it must not evict live keys. Default: in memory (one process).
   */
  store?: Store;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Where the sync warns when an `onProgress` callback throws. Default: nowhere, the sync is silent. */
  logger?: Logger;
  /** Target calls in flight during `fullSync`. Default 4. */
  concurrency?: number;
  /** How long an event being applied blocks its redeliveries (ms); after it, a crashed worker's event is retried. Default 60 000. */
  leaseMs?: number;
  /** How long an applied event id is remembered to drop redeliveries (ms). Default 7 days. */
  processedTtlMs?: number;
  /** How long a plan read during `handleEvent` is cached (ms). Default 5 minutes. */
  planCacheMs?: number;
  /**
   * Lifetime of a member's lock (ms): it must cover one pass on a member — reading it and its
   * memberships from OfficeRnD and one target call. A pass that outlives it is noticed and done
   * again before its event is acknowledged. Default 60 000.
   */
  lockTtlMs?: number;
  /**
   * How long an event waits for another pass on the same member to finish (ms) before it gives
   * up with `sync_member_busy` (answer 5xx; OfficeRnD delivers it again). Default 10 000.
   */
  lockWaitMs?: number;
  /**
   * The longest a full sync may run (ms); past it, it stops writing and rejects with
   * `sync_full_sync_timeout` (what it wrote stays). Events keep marks this long. Default 1 hour.
   */
  fullSyncMaxMs?: number;
}

/** Options of {@link MemberSync.fullSync}. */
export interface FullSyncOptions {
  /**
   * Cancels the sync: it rejects at once with the signal's reason, reads no other page, starts
   * no other target call and frees its place among the running full syncs. Each target call in
   * flight gets the signal too; its member's lock is released when it returns (or after
   * `lockTtlMs`), the other locks right away. What was written stays.
   */
  signal?: AbortSignal;
  /**
   * Told how far the sync got, as work completes: `{ phase, done, total? }` after each page read
   * (`plans`, `memberships`, `members`: items read so far, `total` on the last page) and after
   * each member's target call settled (`target`, with `total` from the start: `{ done: 0, total }`
   * comes first). `done` counts items, not pages or requests. What it throws is logged as a
   * warning to `logger` and ignored.
   */
  onProgress?: (progress: SyncProgress) => void;
}

/** Options of {@link MemberSync.handleEvent}. */
export interface HandleEventOptions {
  /**
   * Cancels the call: it rejects at once with the signal's reason, without marking the event
   * done (its redelivery is applied). It stops reading OfficeRnD and makes no other target call;
   * a target call in flight gets the signal, and its member's lock is released when it returns
   * (or after `lockTtlMs`), the event's claim then too.
   */
  signal?: AbortSignal;
}

/** Outcome of {@link MemberSync.fullSync}. */
export interface FullSyncReport {
  /** Members upserted (status `active`). */
  upserted: number;
  /** Members removed (any other status, or gone from OfficeRnD when `listUserIds` is given). */
  removed: number;
  /**
   * Members left as an event set them: an event for them arrived while the full sync ran, and
   * that event's own read of OfficeRnD is newer than the full sync's snapshot.
   */
  superseded: number;
  /** Members whose target call (or `tagForPlan`) failed, or whose lock stayed taken; the others were still applied. */
  failed: Array<{ id: string; error: unknown }>;
  /** API requests made (when the client counts them). */
  requests?: number;
  durationMs: number;
}

/** Outcome of {@link MemberSync.handleEvent}. */
export interface HandleEventResult {
  /** `applied`: the target was updated; `duplicate`: already applied before; `ignored`: not a member/membership event. */
  status: 'applied' | 'duplicate' | 'ignored';
  /** OfficeRnD's `event` id, or `sha256:<hex>` of the event when the payload has no id. */
  eventId: string;
  memberId?: string;
  action?: 'upserted' | 'removed';
}

/** Keeps an access system in step with OfficeRnD members. */
export interface MemberSync {
  /**
   * Reads all plans, memberships and members in bulk pages (never one request per member)
   * and upserts every `active` member with the tags of their active memberships' plans;
   * removes every other member. A member for whom an event arrives while it runs is left to
   * that event. Target failures are collected in the report, not thrown; an OfficeRnD failure
   * rejects (nothing partial is reported as done). Everything is read before the first target
   * call, so the `target` phase knows its total.
   */
  fullSync(options?: FullSyncOptions): Promise<FullSyncReport>;
  /**
   * Applies one verified webhook event (`member.*`, `membership.*`; others are ignored) by
   * re-reading the member's current state under a per-member lock shared through the store,
   * so that the last write for a member is based on a read made after its last event arrived.
   * Idempotent per event: a redelivery of an applied event is a `duplicate`. An event is marked
   * done only after the target succeeded; otherwise it throws a {@link SyncError} (answer 5xx)
   * and the redelivery is applied.
   */
  handleEvent(event: OfficeRnDWebhookEvent, options?: HandleEventOptions): Promise<HandleEventResult>;
}

type Action = 'upserted' | 'removed';

/** The outcome of one pass under a member's lock, and whether the lock held all along. */
type Pass<T> = { ok: true; value: T; kept: boolean } | { ok: false; error: unknown; kept: boolean };

const DONE = 'done';
/** Passes on a member whose lock expired before the sync gives up (`sync_lock_expired`). */
const MAX_PASSES = 3;

const eventKey = (id: string) => `officernd:sync:event:${id}`;
const memberKey = (id: string, what: 'lock' | 'last') => `officernd:sync:member:${id}:${what}`;

/** Reads a member reference that OfficeRnD may send as an id or as a populated object. */
function memberRef(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (value !== null && typeof value === 'object') {
    const id = (value as { _id?: unknown })._id;
    if (typeof id === 'string' && id !== '') return id;
  }
  return undefined;
}

/**
 * The members an event is about: a member event's member; a membership event's member, and
 * the member it belonged to before when an update moved it (`previousAttributes.member`).
 */
function membersOf(event: OfficeRnDWebhookEvent): string[] {
  if (isMemberEvent(event)) {
    const id = memberRef(event.data.object);
    return id === undefined ? [] : [id];
  }
  if (!isMembershipEvent(event)) return [];
  const ids: string[] = [];
  for (const ref of [event.data.object.member, event.data.previousAttributes?.member]) {
    const id = memberRef(ref);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** Creates a {@link MemberSync}. */
export function createMemberSync(options: MemberSyncOptions): MemberSync {
  const { client, target, tagForPlan } = options;
  if (!client || typeof client !== 'object' || !client.members || !client.memberships || !client.plans) {
    throw new ConfigurationError('createMemberSync: client must be an OfficeRnDClient.');
  }
  if (!target || typeof target.upsertUser !== 'function' || typeof target.removeUser !== 'function') {
    throw new ConfigurationError('createMemberSync: target must have upsertUser(user) and removeUser(id).');
  }
  if (typeof tagForPlan !== 'function') {
    throw new ConfigurationError('createMemberSync: tagForPlan must be a function (plan) => tag | null.');
  }
  const positive = (name: string, value: number | undefined, fallback: number) => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v <= 0)
      throw new ConfigurationError(`createMemberSync: ${name} must be a positive number.`);
    return v;
  };
  const concurrency = Math.floor(positive('concurrency', options.concurrency, 4));
  const leaseMs = positive('leaseMs', options.leaseMs, 60_000);
  const processedTtlMs = positive('processedTtlMs', options.processedTtlMs, 7 * 24 * 3600 * 1000);
  const planCacheMs = positive('planCacheMs', options.planCacheMs, 5 * 60_000);
  const lockTtlMs = positive('lockTtlMs', options.lockTtlMs, 60_000);
  const lockWaitMs = positive('lockWaitMs', options.lockWaitMs, 10_000);
  const fullSyncMaxMs = positive('fullSyncMaxMs', options.fullSyncMaxMs, 3_600_000);
  const store = options.store ?? createMemoryStore();
  const now = options.now ?? Date.now;
  const lockTiming: LockTiming = { ttlMs: lockTtlMs, waitMs: lockWaitMs, now };

  const planCache = new Map<string, { plan: Plan | null; expiresAt: number }>();
  const logger = options.logger;

  /** What each OfficeRnD request and target call of a sync call is given. */
  const callOptions = (signal: AbortSignal | undefined): TargetCallOptions => (signal ? { signal } : {});

  const planById = async (id: string, signal: AbortSignal | undefined): Promise<Plan | null> => {
    const cached = planCache.get(id);
    if (cached && cached.expiresAt > now()) return cached.plan;
    let plan: Plan | null;
    try {
      plan = await client.plans.get(id, callOptions(signal));
    } catch (error) {
      if (!isOfficeRnDError(error, 'not_found')) throw error;
      plan = null;
    }
    planCache.set(id, { plan, expiresAt: now() + planCacheMs });
    return plan;
  };

  const tagsFor = async (planIds: Iterable<string>, signal: AbortSignal | undefined): Promise<string[]> => {
    const tags: string[] = [];
    for (const planId of new Set(planIds)) {
      const plan = await planById(planId, signal);
      if (plan === null) continue;
      const tag = tagForPlan(plan);
      if (tag === null || tag === undefined) continue;
      if (typeof tag !== 'string') throw new ConfigurationError('tagForPlan must return a string, null or undefined.');
      if (!tags.includes(tag)) tags.push(tag);
    }
    return tags;
  };

  const userOf = (member: Member, tags: string[]): AccessUser => ({
    id: member._id,
    name: member.name ?? '',
    email: member.email ?? null,
    tags,
    member,
  });

  /** Re-reads one member and applies their current state. */
  const recompute = async (memberId: string, signal: AbortSignal | undefined): Promise<Action> => {
    const call = callOptions(signal);
    let member: Member;
    try {
      member = await client.members.get(memberId, call);
    } catch (error) {
      if (!isOfficeRnDError(error, 'not_found')) throw error;
      signal?.throwIfAborted();
      await target.removeUser(memberId, call);
      return 'removed';
    }
    if (member.status !== 'active') {
      signal?.throwIfAborted();
      await target.removeUser(memberId, call);
      return 'removed';
    }
    const planIds: string[] = [];
    for await (const membership of client.memberships.list({ member: memberId }, call)) {
      if (membership.calculatedStatus === 'active' && typeof membership.plan === 'string')
        planIds.push(membership.plan);
    }
    const user = userOf(member, await tagsFor(planIds, signal));
    signal?.throwIfAborted();
    await target.upsertUser(user, call);
    return 'upserted';
  };

  /**
   * Runs `pass` holding the member's lock, so that passes on one member never overlap (in this
   * process or any other sharing the store), and tells whether the lock held to the end. After an
   * abort no pass starts; a pass already running is waited for — a target call in flight could
   * still land, so the lock is released only once it returned.
   */
  const underLock = async <T>(
    memberId: string,
    pass: () => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<Pass<T>> => {
    const key = memberKey(memberId, 'lock');
    const token = await acquireLock(store, key, lockTiming, signal);
    if (token === undefined) {
      throw new SyncError(
        'sync_member_busy',
        `Member ${memberId} stayed locked by another pass for lockWaitMs (${lockWaitMs} ms).`,
        { memberId },
      );
    }
    let outcome: Pass<T>;
    try {
      signal?.throwIfAborted();
      outcome = { ok: true, value: await pass(), kept: true };
    } catch (error) {
      outcome = { ok: false, error, kept: true };
    }
    outcome.kept = await releaseLock(store, key, token);
    return outcome;
  };

  /**
   * Brings one member in step by a pass under their lock: re-read and write, or — for a member
   * known to be deleted — remove. A pass whose lock expired before it ended may have written
   * after a newer pass on the same member, so it is done again (deletions are final and need not be).
   */
  const syncMember = async (memberId: string, deleted: boolean, signal: AbortSignal | undefined): Promise<Action> => {
    for (let pass = 1; ; pass++) {
      const outcome = await underLock(
        memberId,
        async (): Promise<Action> => {
          if (!deleted) return recompute(memberId, signal);
          await target.removeUser(memberId, callOptions(signal));
          return 'removed';
        },
        signal,
      );
      if (outcome.kept || deleted) {
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      }
      if (pass >= MAX_PASSES) {
        throw new SyncError(
          'sync_lock_expired',
          `Member ${memberId}: ${MAX_PASSES} passes in a row outlived lockTtlMs (${lockTtlMs} ms); raise lockTtlMs above the time of two OfficeRnD reads and one target call.`,
          { memberId, ...(outcome.ok ? {} : { cause: outcome.error }) },
        );
      }
    }
  };

  /**
   * Applies an event to its members: records it as each one's last event, marks them for the
   * running full syncs, then re-reads and writes each one.
   */
  const applyEvent = async (
    event: OfficeRnDWebhookEvent,
    eventId: string,
    memberIds: string[],
    signal: AbortSignal | undefined,
  ): Promise<Action> => {
    await Promise.all(memberIds.map((id) => store.set(memberKey(id, 'last'), eventId, { ttlMs: processedTtlMs })));
    await markTouched(store, memberIds);
    let action: Action | undefined;
    for (const id of memberIds) {
      const done = await syncMember(id, event.eventType === 'member.removed' && id === memberIds[0], signal);
      action ??= done;
    }
    return action!;
  };

  /** Whether `eventId` is still the last event that arrived for each of these members. */
  const isLastEvent = async (eventId: string, memberIds: string[]) =>
    (await Promise.all(memberIds.map((id) => store.get(memberKey(id, 'last'))))).every((last) => last === eventId);

  const failure = (error: unknown, event: OfficeRnDWebhookEvent, eventId: string, memberId: string) => {
    const context = `Event ${eventId} (${event.eventType}) for member ${memberId} was not applied`;
    if (error instanceof SyncError) {
      return new SyncError(error.code, `${context}: ${error.message} Answer 5xx so OfficeRnD delivers it again.`, {
        eventId,
        memberId: error.memberId ?? memberId,
        ...(error.cause === undefined ? {} : { cause: error.cause }),
      });
    }
    return new SyncError('sync_failed', `${context}.`, { eventId, memberId, cause: error });
  };

  /** Runs tasks `concurrency` at a time; an abort ends the waits (not the tasks) with its reason. */
  const runBounded = (signal: AbortSignal | undefined) => {
    const inFlight = new Set<Promise<void>>();
    return {
      async add(task: () => Promise<void>) {
        const p = task().finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= concurrency) await abortable(Promise.race(inFlight), signal);
      },
      async drain() {
        await abortable(Promise.all(inFlight), signal);
      },
    };
  };

  /**
   * Every item of one list, read in bulk pages; after each page `progress` is told the items read
   * so far, and on the last one their total.
   */
  const readAll = <T>(
    phase: SyncPhase,
    resource: { page(query?: ListQuery, options?: TargetCallOptions): Promise<Page<T>> },
    signal: AbortSignal | undefined,
    progress: (progress: SyncProgress) => void,
  ): AsyncIterable<T> => {
    let done = 0;
    const fetchPage = async (query: ListQuery) => {
      const page = await resource.page(query, callOptions(signal));
      done += page.results.length;
      // The end as iteratePages sees it: no next cursor, or an empty page.
      const last = page.cursorNext === null || page.cursorNext === '' || page.results.length === 0;
      progress(last ? { phase, done, total: done } : { phase, done });
      return page;
    };
    return iteratePages(fetchPage, { $limit: MAX_PAGE_SIZE }, signal);
  };

  const runFullSync = async (signal: AbortSignal | undefined, onProgress: (progress: SyncProgress) => void) => {
    const started = now();
    const requestsBefore = client.stats?.requests;
    // Nothing is reported once the caller gave up.
    const progress = (update: SyncProgress) => {
      if (!signal?.aborted) onProgress(update);
    };
    // Registered before the first read: events from now on mark their members for this run.
    const run: FullSyncRun | undefined = await registerFullSync(store, fullSyncMaxMs);
    if (run === undefined) {
      throw new SyncError(
        'sync_full_sync_running',
        'Too many full syncs are running on this store; wait for one to finish (a crashed one frees its place after fullSyncMaxMs).',
      );
    }
    const report: FullSyncReport = { upserted: 0, removed: 0, superseded: 0, failed: [], durationMs: 0 };
    let timedOut = false;
    try {
      signal?.throwIfAborted();
      planCache.clear();
      for await (const plan of readAll('plans', client.plans, signal, progress)) {
        planCache.set(plan._id, { plan, expiresAt: Number.POSITIVE_INFINITY });
      }
      const activePlans = new Map<string, string[]>();
      for await (const membership of readAll('memberships', client.memberships, signal, progress)) {
        if (membership.calculatedStatus !== 'active') continue;
        if (typeof membership.member !== 'string' || typeof membership.plan !== 'string') continue;
        const list = activePlans.get(membership.member);
        if (list) list.push(membership.plan);
        else activePlans.set(membership.member, [membership.plan]);
      }

      // Everything is read before the first write, so that the target phase has a total.
      const call = callOptions(signal);
      const writes: Array<{ id: string; action: Action; write: () => Promise<void> }> = [];
      const seen = new Set<string>();
      for await (const member of readAll('members', client.members, signal, progress)) {
        seen.add(member._id);
        if (member.status === 'active') {
          writes.push({
            id: member._id,
            action: 'upserted',
            write: async () => {
              const user = userOf(member, await tagsFor(activePlans.get(member._id) ?? [], signal));
              signal?.throwIfAborted();
              await target.upsertUser(user, call);
            },
          });
        } else {
          writes.push({ id: member._id, action: 'removed', write: async () => target.removeUser(member._id, call) });
        }
      }
      if (target.listUserIds) {
        signal?.throwIfAborted();
        for (const id of await abortable(Promise.resolve(target.listUserIds(call)), signal)) {
          if (seen.has(id)) continue;
          seen.add(id);
          writes.push({ id, action: 'removed', write: async () => target.removeUser(id, call) });
        }
      }

      const total = writes.length;
      let settled = 0;
      progress({ phase: 'target', done: 0, total });
      const pool = runBounded(signal);
      const late = () => now() - started >= fullSyncMaxMs;
      /** Writes one member's snapshot under their lock, unless an event has had them since the run began. */
      const apply = (id: string, action: Action, write: () => Promise<void>) => async () => {
        if (timedOut || late()) {
          timedOut = true;
          return;
        }
        try {
          const outcome = await underLock(
            id,
            async () => {
              if (late()) return 'late' as const;
              if (await run.touched(id)) return 'superseded' as const;
              signal?.throwIfAborted();
              await write();
              return action;
            },
            signal,
          );
          const value = outcome.ok ? outcome.value : undefined;
          if (value === 'late') {
            timedOut = true;
            return;
          }
          if (value === 'superseded') report.superseded++;
          // The lock expired while writing: the snapshot may have landed after a newer pass; re-read.
          else if (!outcome.kept) report[await syncMember(id, false, signal)]++;
          else if (value === undefined) throw (outcome as { error: unknown }).error;
          else report[value]++;
        } catch (error) {
          if (signal?.aborted) return;
          report.failed.push({ id, error });
        }
        progress({ phase: 'target', done: ++settled, total });
      };
      for (const { id, action, write } of writes) {
        signal?.throwIfAborted();
        await pool.add(apply(id, action, write));
      }
      await pool.drain();
    } finally {
      await run.release().catch(() => undefined);
      // Plans read in bulk are cached only for the sync; events later re-read them after planCacheMs.
      for (const entry of planCache.values()) {
        if (entry.expiresAt === Number.POSITIVE_INFINITY) entry.expiresAt = now() + planCacheMs;
      }
    }
    if (timedOut) {
      throw new SyncError(
        'sync_full_sync_timeout',
        `fullSync ran longer than fullSyncMaxMs (${fullSyncMaxMs} ms) and stopped; what it wrote stays. Raise fullSyncMaxMs or run it again.`,
      );
    }
    if (requestsBefore !== undefined && client.stats) report.requests = client.stats.requests - requestsBefore;
    report.durationMs = now() - started;
    return report;
  };

  const applyDelivery = async (
    event: OfficeRnDWebhookEvent,
    signal: AbortSignal | undefined,
  ): Promise<HandleEventResult> => {
    const eventId = await eventKeyOf(event);
    const memberIds = membersOf(event);
    const memberId = memberIds[0];
    if (memberId === undefined) return { status: 'ignored', eventId };
    signal?.throwIfAborted();

    const key = eventKey(eventId);
    const claim = `processing:${ownerToken()}`;
    // Claim the event with a lease; mark it done only after the target succeeded.
    if (!(await store.setIfAbsent(key, claim, { ttlMs: leaseMs }))) {
      const state = await store.get(key);
      if (state === DONE) {
        if (await isLastEvent(eventId, memberIds)) return { status: 'duplicate', eventId, memberId };
        // Another event for this member arrived after this one was applied (with a digest for an
        // id, it may be a distinct event with the same payload): apply it again, claimed like a
        // new delivery, so that a failure leaves it to be applied by the next redelivery.
        await store.set(key, claim, { ttlMs: leaseMs });
      } else if (state !== undefined || !(await store.setIfAbsent(key, claim, { ttlMs: leaseMs }))) {
        // (The lease may have expired between the two calls: the second setIfAbsent tries once more.)
        throw new SyncError(
          'sync_event_in_progress',
          `Event ${eventId} is being applied by another worker; answer 5xx so OfficeRnD delivers it again.`,
          { eventId, memberId },
        );
      }
    }
    let action: Action;
    try {
      action = await applyEvent(event, eventId, memberIds, signal);
      // Aborted after the last write: the caller was told it failed, so it is not acknowledged.
      signal?.throwIfAborted();
    } catch (error) {
      // Release the claim if it is still ours, so the redelivery is applied (if this fails too,
      // the lease expires on its own); a claim another worker took over is left alone.
      await store.deleteIfEquals(key, claim).catch(() => undefined);
      throw failure(error, event, eventId, memberId);
    }
    await store.set(key, DONE, { ttlMs: processedTtlMs });
    return { status: 'applied', eventId, memberId, action };
  };

  return {
    async fullSync(syncOptions = {}) {
      const { signal } = syncOptions;
      signal?.throwIfAborted();
      return abortable(runFullSync(signal, progressReporter(syncOptions.onProgress, logger)), signal);
    },

    async handleEvent(event, eventOptions = {}) {
      const { signal } = eventOptions;
      signal?.throwIfAborted();
      if (
        typeof event !== 'object' ||
        event === null ||
        typeof event.eventType !== 'string' ||
        typeof event.data !== 'object' ||
        event.data === null
      ) {
        throw new ConfigurationError('handleEvent needs a verified event (see verifyWebhook).');
      }
      return abortable(applyDelivery(event, signal), signal);
    },
  };
}
