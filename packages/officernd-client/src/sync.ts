import { ConfigurationError, createMemoryStore, type Store } from '@vendorkit/core';
import type { OfficeRnDClient } from './client.js';
import { isOfficeRnDError, SyncError } from './errors.js';
import type { Member, Plan } from './schemas.js';
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

/**
 * The access-control system being kept in step. Both methods must be idempotent
 * (upserting the same user twice, or removing an absent one, is not an error).
 */
export interface AccessTarget {
  upsertUser(user: AccessUser): Promise<void> | void;
  removeUser(id: string): Promise<void> | void;
  /**
   * Optional: ids currently in the access system. When given, `fullSync` also removes
   * users whose member no longer exists in OfficeRnD.
   */
  listUserIds?(): Promise<Iterable<string>> | Iterable<string>;
}

/** Options of {@link createMemberSync}. */
export interface MemberSyncOptions {
  /** The OfficeRnD client (needs scopes for members, memberships and plans read). */
  client: Pick<OfficeRnDClient, 'members' | 'memberships' | 'plans'> & { readonly stats?: { requests: number } };
  target: AccessTarget;
  /** The access tag for a plan, or `null`/`undefined` to give that plan no tag. */
  tagForPlan: (plan: Plan) => string | null | undefined;
  /** Where processed event ids are kept (share one between workers). Default: in memory. */
  store?: Store;
  /** Clock in milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Target calls in flight during `fullSync`. Default 4. */
  concurrency?: number;
  /** How long an event being applied blocks its redeliveries (ms); after it, a crashed worker's event is retried. Default 60 000. */
  leaseMs?: number;
  /** How long an applied event id is remembered to drop redeliveries (ms). Default 7 days. */
  processedTtlMs?: number;
  /** How long a plan read during `handleEvent` is cached (ms). Default 5 minutes. */
  planCacheMs?: number;
}

/** Outcome of {@link MemberSync.fullSync}. */
export interface FullSyncReport {
  /** Members upserted (status `active`). */
  upserted: number;
  /** Members removed (any other status, or gone from OfficeRnD when `listUserIds` is given). */
  removed: number;
  /** Members whose target call (or `tagForPlan`) failed; the others were still applied. */
  failed: Array<{ id: string; error: unknown }>;
  /** API requests made (when the client counts them). */
  requests?: number;
  durationMs: number;
}

/** Outcome of {@link MemberSync.handleEvent}. */
export interface HandleEventResult {
  /** `applied`: the target was updated; `duplicate`: already applied before; `ignored`: not a member/membership event. */
  status: 'applied' | 'duplicate' | 'ignored';
  eventId: string;
  memberId?: string;
  action?: 'upserted' | 'removed';
}

/** Keeps an access system in step with OfficeRnD members. */
export interface MemberSync {
  /**
   * Reads all plans, memberships and members in bulk pages (never one request per member)
   * and upserts every `active` member with the tags of their active memberships' plans;
   * removes every other member. Target failures are collected in the report, not thrown;
   * an OfficeRnD failure rejects (nothing partial is reported as done).
   */
  fullSync(): Promise<FullSyncReport>;
  /**
   * Applies one verified webhook event (`member.*`, `membership.*`; others are ignored) by
   * re-reading the member's current state, so late or out-of-order deliveries converge.
   * Idempotent per event id: a redelivery of an applied event is a `duplicate`. An event
   * is marked done only after the target succeeded; on failure it throws a {@link SyncError}
   * (answer 5xx) and the redelivery is applied.
   */
  handleEvent(event: OfficeRnDWebhookEvent): Promise<HandleEventResult>;
}

const PROCESSING = 'processing';
const DONE = 'done';

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
  const store = options.store ?? createMemoryStore();
  const now = options.now ?? Date.now;

  const planCache = new Map<string, { plan: Plan | null; expiresAt: number }>();

  const planById = async (id: string): Promise<Plan | null> => {
    const cached = planCache.get(id);
    if (cached && cached.expiresAt > now()) return cached.plan;
    let plan: Plan | null;
    try {
      plan = await client.plans.get(id);
    } catch (error) {
      if (!isOfficeRnDError(error, 'not_found')) throw error;
      plan = null;
    }
    planCache.set(id, { plan, expiresAt: now() + planCacheMs });
    return plan;
  };

  const tagsFor = async (planIds: Iterable<string>): Promise<string[]> => {
    const tags: string[] = [];
    for (const planId of new Set(planIds)) {
      const plan = await planById(planId);
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
  const recompute = async (memberId: string): Promise<'upserted' | 'removed'> => {
    let member: Member;
    try {
      member = await client.members.get(memberId);
    } catch (error) {
      if (!isOfficeRnDError(error, 'not_found')) throw error;
      await target.removeUser(memberId);
      return 'removed';
    }
    if (member.status !== 'active') {
      await target.removeUser(memberId);
      return 'removed';
    }
    const planIds: string[] = [];
    for await (const membership of client.memberships.list({ member: memberId })) {
      if (membership.calculatedStatus === 'active' && typeof membership.plan === 'string')
        planIds.push(membership.plan);
    }
    await target.upsertUser(userOf(member, await tagsFor(planIds)));
    return 'upserted';
  };

  const runBounded = () => {
    const inFlight = new Set<Promise<void>>();
    return {
      async add(task: () => Promise<void>) {
        const p = task().finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      },
      async drain() {
        await Promise.all(inFlight);
      },
    };
  };

  return {
    async fullSync() {
      const started = now();
      const requestsBefore = client.stats?.requests;
      planCache.clear();
      for await (const plan of client.plans.list({ $limit: 50 })) {
        planCache.set(plan._id, { plan, expiresAt: Number.POSITIVE_INFINITY });
      }
      const activePlans = new Map<string, string[]>();
      for await (const membership of client.memberships.list({ $limit: 50 })) {
        if (membership.calculatedStatus !== 'active') continue;
        if (typeof membership.member !== 'string' || typeof membership.plan !== 'string') continue;
        const list = activePlans.get(membership.member);
        if (list) list.push(membership.plan);
        else activePlans.set(membership.member, [membership.plan]);
      }

      const report: FullSyncReport = { upserted: 0, removed: 0, failed: [], durationMs: 0 };
      const seen = new Set<string>();
      const pool = runBounded();
      const guarded = (id: string, action: () => Promise<void>) => async () => {
        try {
          await action();
        } catch (error) {
          report.failed.push({ id, error });
        }
      };
      for await (const member of client.members.list({ $limit: 50 })) {
        seen.add(member._id);
        if (member.status === 'active') {
          await pool.add(
            guarded(member._id, async () => {
              await target.upsertUser(userOf(member, await tagsFor(activePlans.get(member._id) ?? [])));
              report.upserted++;
            }),
          );
        } else {
          await pool.add(
            guarded(member._id, async () => {
              await target.removeUser(member._id);
              report.removed++;
            }),
          );
        }
      }
      if (target.listUserIds) {
        for (const id of await target.listUserIds()) {
          if (seen.has(id)) continue;
          await pool.add(
            guarded(id, async () => {
              await target.removeUser(id);
              report.removed++;
            }),
          );
        }
      }
      await pool.drain();
      // Plans read in bulk are cached only for the sync; events later re-read them after planCacheMs.
      for (const entry of planCache.values()) entry.expiresAt = now() + planCacheMs;
      if (requestsBefore !== undefined && client.stats) report.requests = client.stats.requests - requestsBefore;
      report.durationMs = now() - started;
      return report;
    },

    async handleEvent(event) {
      const eventId = typeof event?.event === 'string' ? event.event : '';
      if (eventId === '') throw new ConfigurationError('handleEvent needs a verified event (see verifyWebhook).');
      let memberId: string | undefined;
      if (isMemberEvent(event)) memberId = event.data.object._id;
      else if (isMembershipEvent(event))
        memberId = typeof event.data.object.member === 'string' ? event.data.object.member : undefined;
      if (memberId === undefined) return { status: 'ignored', eventId };

      const key = `officernd:sync:event:${eventId}`;
      // Claim the event with a short lease; mark it done only after the target succeeded.
      if (!(await store.setIfAbsent(key, PROCESSING, { ttlMs: leaseMs }))) {
        const state = await store.get(key);
        if (state === DONE) return { status: 'duplicate', eventId, memberId };
        // The lease may have expired between the two calls: try once more to claim it.
        if (state !== undefined || !(await store.setIfAbsent(key, PROCESSING, { ttlMs: leaseMs }))) {
          throw new SyncError(
            'sync_event_in_progress',
            `Event ${eventId} is being applied by another worker; answer 5xx so OfficeRnD delivers it again.`,
            { eventId, memberId },
          );
        }
      }
      let action: 'upserted' | 'removed';
      try {
        if (event.eventType === 'member.removed') {
          await target.removeUser(memberId);
          action = 'removed';
        } else {
          action = await recompute(memberId);
        }
      } catch (error) {
        // Release the claim so the redelivery is applied (if this fails too, the lease expires on its own).
        await store.delete(key).catch(() => undefined);
        throw new SyncError(
          'sync_failed',
          `Event ${eventId} (${event.eventType}) for member ${memberId} was not applied.`,
          {
            eventId,
            memberId,
            cause: error,
          },
        );
      }
      await store.set(key, DONE, { ttlMs: processedTtlMs });
      return { status: 'applied', eventId, memberId, action };
    },
  };
}
