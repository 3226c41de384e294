/**
 * The model of issue 14, shared by the in-process model test (fast-check's scheduler decides
 * every interleaving) and the cross-process one on Redis (real processes, real timing).
 *
 * A scenario is OfficeRnD's starting data plus a list of changes made in OfficeRnD (each
 * delivers its webhook) and full syncs. OfficeRnD is the package's own mock; every delivery is
 * handed to a random worker and handed again until one acknowledges it (OfficeRnD's at-least-once
 * delivery), sometimes twice at once (a duplicate delivery). What the access system must hold
 * once everything is acknowledged is {@link truthOf}: the active members, each with exactly the
 * tags of the plans they are on now.
 */
import { signWebhookPayload } from '@vendorkit/officernd-client';
import type {
  MockDelivery,
  MockRecord,
  MockSeed,
  MockWriteResult,
  OfficeRnDMock,
} from '@vendorkit/officernd-client/mocks';
import fc from 'fast-check';

export const MODEL_WEBHOOK_SECRET = 'model-webhook-secret';
export const MODEL_WEBHOOK_URL = 'https://receiver.test/officernd';

const PLANS = [
  { _id: 'plan-1', name: 'Hot desk', code: 'P1' },
  { _id: 'plan-2', name: 'Office', code: 'P2' },
  { _id: 'plan-3', name: 'Virtual', code: 'P3' }, // gives no tag
];

/** The tag of a plan in the model: `P3` gives none. */
export const modelTagForPlan = (plan: { code?: string | null | undefined }) =>
  plan.code === 'P3' ? null : `tag-${plan.code}`;

type Status = 'active' | 'former' | 'pending' | 'lead';

interface InitialMember {
  status: Status;
  plans: Array<{ plan: number; active: boolean }>;
}

export type ModelOp =
  | { kind: 'addMember'; status: Status }
  | { kind: 'setStatus'; member: number; status: Status }
  | { kind: 'removeMember'; member: number }
  | { kind: 'addMembership'; member: number; plan: number; active: boolean }
  | { kind: 'setMembership'; membership: number; active: boolean }
  | { kind: 'moveMembership'; membership: number; member: number }
  | { kind: 'removeMembership'; membership: number }
  | { kind: 'fullSync'; worker: number };

export interface ModelScenario {
  initial: InitialMember[];
  /** Each change, after `wait` turns of the scheduler (so work in flight can get far before it). */
  ops: Array<ModelOp & { wait: number }>;
  /** Deliver payloads without the `event` id (VENDORS.md §1 [O]: it may be missing). */
  withoutEventIds: boolean;
  /**
   * Every change at the same instant: timestamps do not tell events apart, so without ids two
   * distinct events can have byte-identical payloads (e.g. a plan ended, restarted, ended again).
   */
  sameInstant: boolean;
  /** Seed of the delivery choices (which worker, duplicates) and of the target's behaviour. */
  seed: number;
}

const status = fc.constantFrom<Status>('active', 'active', 'active', 'former', 'pending', 'lead');
const index = fc.nat({ max: 7 });

const op: fc.Arbitrary<ModelOp> = fc.oneof(
  fc.record({ kind: fc.constant('addMember' as const), status }),
  fc.record({ kind: fc.constant('setStatus' as const), member: index, status }),
  fc.record({ kind: fc.constant('removeMember' as const), member: index }),
  fc.record({
    kind: fc.constant('addMembership' as const),
    member: index,
    plan: fc.nat({ max: 2 }),
    active: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('setMembership' as const), membership: index, active: fc.boolean() }),
  fc.record({ kind: fc.constant('moveMembership' as const), membership: index, member: index }),
  fc.record({ kind: fc.constant('removeMembership' as const), membership: index }),
  fc.record({ kind: fc.constant('fullSync' as const), worker: index }),
);

/** Scenarios: 1–3 members to start with, 1–`maxOps` changes and full syncs. */
export const scenarioArbitrary = (maxOps = 8): fc.Arbitrary<ModelScenario> =>
  fc.record({
    initial: fc.array(
      fc.record({
        status,
        plans: fc.array(fc.record({ plan: fc.nat({ max: 2 }), active: fc.boolean() }), { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    ops: fc.array(
      fc.tuple(op, fc.nat({ max: 12 })).map(([change, wait]) => ({ ...change, wait })),
      { minLength: 1, maxLength: maxOps },
    ),
    withoutEventIds: fc.boolean(),
    sameInstant: fc.boolean(),
    seed: fc.integer(),
  });

/** A small deterministic PRNG (mulberry32), so a failing run replays from fast-check's seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Puts the mock back to a scenario's starting data (one mock serves many runs, so its clients
 * and their token are made once): drops every record, then inserts the new seed.
 */
export async function resetMock(mock: OfficeRnDMock, seed: MockSeed): Promise<void> {
  for (const hook of mock.db.webhooks.all()) await mock.db.webhooks.remove(hook._id);
  for (const collection of [mock.db.memberships, mock.db.members, mock.db.plans]) {
    for (const record of collection.all()) await collection.remove(record._id);
  }
  mock.db.deliveries.length = 0;
  mock.db.plans.insert(seed.plans ?? []);
  mock.db.members.insert(seed.members ?? []);
  mock.db.memberships.insert(seed.memberships ?? []);
  mock.db.webhooks.insert(seed.webhooks ?? []);
}

/** The mock's starting data for a scenario; `prefix` keeps ids unique between runs. */
export function seedOf(scenario: ModelScenario, prefix: string): MockSeed {
  const members = scenario.initial.map((m, i) => ({
    _id: `${prefix}m${i}`,
    name: `Member ${i}`,
    email: `m${i}@example.com`,
    status: m.status,
  }));
  const memberships = scenario.initial.flatMap((m, i) =>
    m.plans.map((p, j) => ({
      _id: `${prefix}ms${i}-${j}`,
      member: `${prefix}m${i}`,
      plan: PLANS[p.plan]!._id,
      status: 'approved',
      calculatedStatus: p.active ? 'active' : 'expired',
    })),
  );
  return {
    plans: PLANS,
    members,
    memberships,
    webhooks: [
      {
        url: MODEL_WEBHOOK_URL,
        secret: MODEL_WEBHOOK_SECRET,
        isEnabled: true,
        eventTypes: ['*'],
      },
    ],
  };
}

/** What the access system must hold: every active member with the tags of their current plans. */
export function truthOf(mock: OfficeRnDMock): Map<string, string[]> {
  const plans = new Map(mock.db.plans.all().map((p) => [p._id, p]));
  const out = new Map<string, string[]>();
  for (const member of mock.db.members.all()) {
    if (member.status !== 'active') continue;
    const tags = new Set<string>();
    for (const ms of mock.db.memberships.all()) {
      if (ms.member !== member._id || ms.calculatedStatus !== 'active') continue;
      const plan = plans.get(String(ms.plan));
      const tag = plan ? modelTagForPlan(plan as { code?: string }) : null;
      if (tag) tags.add(tag);
    }
    out.set(member._id, [...tags].sort());
  }
  return out;
}

/** A worker as the scenario sees it: a webhook route and a way to start a full sync. */
export interface ModelWorker {
  /** Verifies and handles one delivery; rejects where the route would answer 5xx. */
  deliver(body: string, signature: string): Promise<unknown>;
  fullSync(): Promise<unknown>;
}

export interface RunOptions {
  scenario: ModelScenario;
  mock: OfficeRnDMock;
  workers: ModelWorker[];
  /** Lets other work happen (the scheduler's turn, or a real delay). */
  pause: (label: string) => Promise<void>;
  /**
   * Waits for work outside the scheduler's control (Web Crypto signing runs on a thread pool) as
   * one of its turns, so that such work does not let everything else run ahead meanwhile.
   */
  settle: <T>(work: Promise<T>, label: string) => Promise<T>;
  /** Called before each change in OfficeRnD (advances the vendor's clock unless `sameInstant`). */
  beforeChange?: () => void;
  /** Seconds since epoch to sign deliveries with. */
  signingTime: () => number;
  /** Whether a rejected delivery is what a webhook route answers 5xx to (anything else fails the run). */
  isRetryable: (error: unknown) => boolean;
  /** Whether a rejected full sync is an allowed outcome. */
  isAllowedFullSyncFailure: (error: unknown) => boolean;
  /** Deliveries of one event tried at most this often before the run fails (a livelock). Default 400. */
  maxAttempts?: number;
}

/** Result of {@link runScenario}. */
export interface RunSummary {
  deliveries: number;
  attempts: number;
  refused: number;
  fullSyncs: number;
}

/** Plays a scenario: makes its changes, delivers every event until acknowledged, runs its full syncs. */
export async function runScenario(options: RunOptions): Promise<RunSummary> {
  const { scenario, mock, workers, pause, settle } = options;
  const rand = prng(scenario.seed);
  const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)]!;
  const summary: RunSummary = { deliveries: 0, attempts: 0, refused: 0, fullSyncs: 0 };
  const inFlight: Array<Promise<void>> = [];
  let counter = 0;

  const deliverOnce = async (delivery: MockDelivery) => {
    let body = delivery.body;
    // The mock's signature stays valid for the body it signed (workers accept old timestamps).
    let signature: string | undefined = delivery.headers['officernd-signature'];
    if (scenario.withoutEventIds) {
      const { event: _omitted, ...rest } = JSON.parse(body) as Record<string, unknown>;
      body = JSON.stringify(rest);
      signature = undefined;
    }
    const label = `${delivery.eventType} ${counter++}`;
    for (let attempt = 1; ; attempt++) {
      // OfficeRnD backs off between redeliveries: after many refusals in a row, let real time pass
      // too, so a worker polling for a lock that expired (nobody released it) gets its turn.
      if (attempt > 20) await new Promise((resolve) => setTimeout(resolve, 5));
      await pause(`deliver ${label} #${attempt}`);
      summary.attempts++;
      signature ??= await settle(
        signWebhookPayload({ payload: body, secret: MODEL_WEBHOOK_SECRET, timestamp: options.signingTime() }),
        'signed',
      );
      try {
        await pick(workers).deliver(body, signature);
        return;
      } catch (error) {
        if (!options.isRetryable(error)) throw error;
        summary.refused++;
        if (attempt >= (options.maxAttempts ?? 400)) throw new Error(`${label} was refused ${attempt} times`);
      }
    }
  };

  const deliver = (deliveries: MockDelivery[]) => {
    for (const delivery of deliveries) {
      summary.deliveries++;
      inFlight.push(deliverOnce(delivery));
      // OfficeRnD delivers at least once: sometimes the same delivery reaches a second worker too.
      if (rand() < 0.3) inFlight.push(deliverOnce(delivery));
    }
  };

  const existing = (list: MockRecord[], i: number) => (list.length === 0 ? undefined : list[i % list.length]);
  /** A change in OfficeRnD: the data changes at once, the signed deliveries are ready a turn later. */
  const write = (change: Promise<MockWriteResult>) => settle(change, 'written');

  for (const change of scenario.ops) {
    for (let turn = 0; turn < change.wait; turn++) await pause('wait');
    await pause(`change ${change.kind}`);
    if (change.kind === 'fullSync') {
      summary.fullSyncs++;
      const worker = workers[change.worker % workers.length]!;
      inFlight.push(
        worker.fullSync().then(
          () => undefined,
          (error) => {
            if (!options.isAllowedFullSyncFailure(error)) throw error;
          },
        ),
      );
      continue;
    }
    if (!scenario.sameInstant) options.beforeChange?.();
    const members = mock.db.members.all();
    const memberships = mock.db.memberships.all();
    switch (change.kind) {
      case 'addMember':
        deliver(
          (
            await write(
              mock.db.members.add({ name: `New ${counter}`, email: `n${counter}@example.com`, status: change.status }),
            )
          ).deliveries,
        );
        break;
      case 'setStatus': {
        const member = existing(members, change.member);
        if (member) deliver((await write(mock.db.members.update(member._id, { status: change.status }))).deliveries);
        break;
      }
      case 'removeMember': {
        const member = existing(members, change.member);
        if (member) deliver((await write(mock.db.members.remove(member._id))).deliveries);
        break;
      }
      case 'addMembership': {
        const member = existing(members, change.member);
        if (member) {
          const written = await write(
            mock.db.memberships.add({
              member: member._id,
              plan: PLANS[change.plan]!._id,
              status: 'approved',
              calculatedStatus: change.active ? 'active' : 'expired',
            }),
          );
          deliver(written.deliveries);
        }
        break;
      }
      case 'setMembership': {
        const membership = existing(memberships, change.membership);
        if (membership) {
          const calculatedStatus = change.active ? 'active' : 'expired';
          deliver((await write(mock.db.memberships.update(membership._id, { calculatedStatus }))).deliveries);
        }
        break;
      }
      case 'moveMembership': {
        const membership = existing(memberships, change.membership);
        const member = existing(members, change.member);
        if (membership && member) {
          deliver((await write(mock.db.memberships.update(membership._id, { member: member._id }))).deliveries);
        }
        break;
      }
      case 'removeMembership': {
        const membership = existing(memberships, change.membership);
        if (membership) deliver((await write(mock.db.memberships.remove(membership._id))).deliveries);
        break;
      }
    }
  }
  for (const outcome of await Promise.allSettled(inFlight)) {
    if (outcome.status === 'rejected') throw outcome.reason;
  }
  return summary;
}

/** The access system's content in the shape of {@link truthOf}. */
export function contentOf(users: Map<string, { tags: string[] }>): Map<string, string[]> {
  return new Map([...users].map(([id, user]) => [id, [...user.tags].sort()]));
}
