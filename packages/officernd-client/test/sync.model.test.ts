/**
 * Model-based proof of the member sync's guarantee (issue 14): whatever the interleaving of
 * OfficeRnD changes, their webhook deliveries (redelivered until acknowledged, sometimes twice at
 * once, sometimes without the `event` id), 2–3 workers sharing one store, target calls that fail
 * (before or after they took effect) or are slow, full syncs started at any point, and calls
 * aborted at any point (issue 17: their target calls either stop or land late) — once every
 * delivery has been acknowledged and every target call has returned, the access system holds
 * exactly OfficeRnD's active members with the tags of their current plans.
 *
 * fast-check's scheduler decides the order in which every OfficeRnD request is read and answered
 * and every target call lands; the mock's clock (shared by the store and the workers) moves when
 * OfficeRnD changes and when a target call is slow. A failure prints fast-check's seed and path
 * and the scheduler's report (replay with `{ seed, path }`).
 */
import { createMemoryStore } from '@vendorkit/core';
import {
  type AccessTarget,
  type AccessUser,
  createMemberSync,
  OfficeRnDClient,
  SyncError,
  verifyWebhook,
} from '@vendorkit/officernd-client';
import { createOfficeRnDMock } from '@vendorkit/officernd-client/mocks';
import fc from 'fast-check';
import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  contentOf,
  MODEL_WEBHOOK_SECRET,
  type ModelScenario,
  modelTagForPlan,
  prng,
  resetMock,
  runScenario,
  scenarioArbitrary,
  seedOf,
  truthOf,
} from './sync-model.js';

interface Regime {
  /** Member lock lifetime and the longest wait for it (mock-clock ms). */
  lockTtlMs: number;
  lockWaitMs: number;
  leaseMs: number;
  /** How far the clock moves while a slow target call is in flight, and how many slow calls a run has at most. */
  slowMs: number;
  maxSlowCalls: number;
  /** Share of target calls that fail (half before taking effect, half after), at most `maxFailures` a run. */
  failureRate: number;
  maxFailures: number;
  /**
   * Share of deliveries and full syncs given a signal that the scheduler aborts at a point of its
   * choosing (the delivery is then redelivered). Their target calls stop on the abort or ignore it
   * and land whenever the scheduler lets them, half and half.
   */
  abortRate: number;
}

const REGIMES: Record<string, Regime> = {
  // Target calls finish well within the lock's lifetime; they fail, and waiting for a member's
  // lock often takes longer than lockWaitMs (the event is refused and redelivered).
  'target calls within the lock lifetime, with failures': {
    lockTtlMs: 60_000,
    lockWaitMs: 500,
    leaseMs: 60_000,
    slowMs: 1_000,
    maxSlowCalls: 6,
    failureRate: 0.25,
    maxFailures: 6,
    abortRate: 0,
  },
  // Some target calls outlive the member lock and the event lease (another worker takes over
  // meanwhile); the sync must notice and redo the member before acknowledging.
  'target calls outliving the lock': {
    lockTtlMs: 10_000,
    lockWaitMs: 1_000_000,
    leaseMs: 20_000,
    slowMs: 15_000,
    maxSlowCalls: 2,
    failureRate: 0,
    maxFailures: 0,
    abortRate: 0,
  },
  // Deliveries and full syncs cancelled at any point: an aborted call must neither acknowledge an
  // event nor let a target call that lands after the abort overwrite a newer pass.
  'calls aborted at any point': {
    lockTtlMs: 60_000,
    lockWaitMs: 1_000_000,
    leaseMs: 60_000,
    slowMs: 1_000,
    maxSlowCalls: 4,
    failureRate: 0.1,
    maxFailures: 3,
    abortRate: 0.35,
  },
};

/** The reason the model aborts a call with. */
class ModelAbort extends Error {
  override name = 'ModelAbort';
}

const MAX_WORKERS = 3;
const ignore = () => undefined;

/**
 * One mock and one client per worker serve every run of a property (a fresh mock and client per
 * run spent most of the time on token requests and their crypto); each run resets the mock's
 * data and the clock and gets its own store and scheduler.
 */
function createModel(regime: Regime) {
  const START = 1_750_000_000_000;
  let t = START;
  const now = () => t;
  let scheduler: fc.Scheduler | undefined;
  let runs = 0;
  const mock = createOfficeRnDMock({
    orgSlug: 'acme',
    clients: [{ clientId: 'app-1', clientSecret: 'model-client-secret' }],
    deliverWebhooks: false,
    now,
  });
  // OfficeRnD: each request is read, then answered, at points the run's scheduler chooses.
  const fetchMock: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname.replace(/^.*\/organizations\/acme/, '');
    await scheduler!.schedule(Promise.resolve(), `read ${path}`);
    const response = (await getResponse(mock.handlers, request)) ?? new Response('no handler', { status: 404 });
    await scheduler!.schedule(Promise.resolve(), `answer ${path}`);
    return response;
  };
  const tokenStore = createMemoryStore();
  const clients = Array.from(
    { length: MAX_WORKERS },
    () =>
      new OfficeRnDClient({
        orgSlug: 'acme',
        clientId: 'app-1',
        clientSecret: 'model-client-secret',
        fetch: fetchMock,
        store: tokenStore,
        retries: 0,
      }),
  );

  return async (s: fc.Scheduler, scenario: ModelScenario, workerCount: number) => {
    scheduler = s;
    t = START;
    await resetMock(mock, seedOf(scenario, `r${++runs}-`));

    // The access system, starting in step with OfficeRnD.
    const users = new Map<string, Pick<AccessUser, 'tags'>>();
    for (const [id, tags] of truthOf(mock)) users.set(id, { tags });
    const rand = prng(scenario.seed ^ 0x5bd1e995);
    let slowLeft = regime.maxSlowCalls;
    let failuresLeft = regime.maxFailures;
    /** A signal the scheduler aborts at a point of its choosing, for `abortRate` of the calls. */
    const abortSignal = (label: string) => {
      if (regime.abortRate === 0 || rand() >= regime.abortRate) return undefined;
      const controller = new AbortController();
      void s.schedule(Promise.resolve(), `abort ${label}`).then(() => controller.abort(new ModelAbort(label)));
      return controller.signal;
    };
    const call = async (label: string, apply: () => void, signal: AbortSignal | undefined) => {
      // A target that stops its call on the abort, or one that ignores the signal.
      const honours = signal !== undefined && rand() < 0.5;
      await s.schedule(Promise.resolve(), `${label} sent`);
      if (honours) signal.throwIfAborted();
      if (slowLeft > 0 && rand() < 0.2) {
        slowLeft--;
        t += regime.slowMs;
        await s.schedule(Promise.resolve(), `${label} still in flight (slow)`);
        if (honours) signal.throwIfAborted();
      }
      // A call abandoned by an abort that ignores it goes on for a while and lands late.
      if (signal?.aborted && !honours) {
        for (let turn = 0; turn < 40; turn++) await s.schedule(Promise.resolve(), `${label} abandoned, in flight`);
      }
      const roll = rand();
      if (failuresLeft > 0 && roll < regime.failureRate) {
        failuresLeft--;
        if (roll < regime.failureRate / 2) throw new Error(`access system down (${label})`);
        apply();
        throw new Error(`access system timed out after applying ${label}`);
      }
      apply();
    };
    const target: AccessTarget = {
      upsertUser: (user, options) =>
        call(`upsert ${user.id} [${user.tags}]`, () => void users.set(user.id, user), options?.signal),
      removeUser: (id, options) => call(`remove ${id}`, () => void users.delete(id), options?.signal),
    };

    const store = createMemoryStore({ now });
    const workers = clients.slice(0, workerCount).map((client) => {
      const sync = createMemberSync({
        client,
        target,
        tagForPlan: modelTagForPlan,
        store,
        now,
        lockTtlMs: regime.lockTtlMs,
        lockWaitMs: regime.lockWaitMs,
        leaseMs: regime.leaseMs,
      });
      return {
        async deliver(body: string, signature: string) {
          // Verification runs on Web Crypto (a thread pool): the scheduler decides when it is
          // done, or workers would lag behind everything the scheduler controls.
          const verified = verifyWebhook({
            payload: body,
            signature,
            secret: MODEL_WEBHOOK_SECRET,
            now,
            toleranceSeconds: 86_400,
          });
          await s.schedule(verified.then(ignore, ignore), 'verified');
          const event = await verified;
          const signal = abortSignal(`delivery of ${event.eventType}`);
          return sync.handleEvent(event, signal ? { signal } : {});
        },
        fullSync: () => {
          const signal = abortSignal('full sync');
          return sync.fullSync(signal ? { signal } : {});
        },
      };
    });

    await s.waitFor(
      runScenario({
        scenario,
        mock,
        workers,
        pause: (label) => s.schedule(Promise.resolve(), label),
        settle: async (work, label) => {
          await s.schedule(work.then(ignore, ignore), label);
          return work;
        },
        beforeChange: () => {
          t += 1_000;
        },
        signingTime: () => Math.floor(t / 1000),
        isRetryable: (error) => error instanceof SyncError || error instanceof ModelAbort,
        isAllowedFullSyncFailure: (error) => error instanceof SyncError || error instanceof ModelAbort,
      }),
    );
    // Every target call returns, also those of aborted calls that ignored the signal.
    await s.waitIdle();
    expect(contentOf(users)).toEqual(truthOf(mock));
  };
}

describe('member sync model: the access system equals OfficeRnD once every event is acknowledged', () => {
  for (const [name, regime] of Object.entries(REGIMES)) {
    it(name, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.scheduler(),
          scenarioArbitrary(),
          fc.integer({ min: 2, max: MAX_WORKERS }),
          createModel(regime),
        ),
        { numRuns: Number(process.env.SYNC_MODEL_RUNS ?? 1000) },
      );
    }, 120_000);
  }
});
