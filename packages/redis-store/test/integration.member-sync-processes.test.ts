/**
 * The member sync's guarantee across real processes (issue 14): two worker processes
 * (member-sync-worker.ts), each with its own OfficeRnD client and Redis connection, share one
 * redis-server. This process plays OfficeRnD (the package's mock on a loopback HTTP server,
 * delivering every event until a worker acknowledges it, sometimes to both at once, sometimes
 * without the `event` id) and the access system (slow at times, failing at times, before or after
 * it applied the call). Scenarios come from the same model as the in-process test; once every
 * delivery is acknowledged, the access system must equal OfficeRnD's active members with the
 * tags of their current plans. A failure prints fast-check's seed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createOfficeRnDMock, type OfficeRnDMock } from '@vendorkit/officernd-client/mocks';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { getResponse } from 'msw';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  contentOf,
  type ModelWorker,
  prng,
  resetMock,
  runScenario,
  scenarioArbitrary,
  seedOf,
  truthOf,
} from '../../officernd-client/test/sync-model.js';
import { describeWithRedis, useRedisServer } from './redis-server.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const workerScript = fileURLToPath(new URL('./member-sync-worker.ts', import.meta.url));
const CLIENT_SECRET = 'officernd-client-secret-for-processes';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The access system of the current run, and how it behaves. */
interface AccessSystem {
  users: Map<string, { tags: string[] }>;
  rand: () => number;
  failuresLeft: number;
}

describeWithRedis('member sync across 2 processes sharing Redis', () => {
  const redis = useRedisServer();
  let server: Server;
  let baseUrl = '';
  let mock: OfficeRnDMock;
  let access: AccessSystem = { users: new Map(), rand: Math.random, failuresLeft: 0 };
  const children: ChildProcess[] = [];
  const workers: ModelWorker[] = [];
  let stderr = '';

  /** The access system's endpoint: a random delay, sometimes a failure before or after applying. */
  async function accessCall(path: string, body: { id: string; tags?: string[] }): Promise<number> {
    const roll = access.rand();
    await sleep(roll < 0.05 ? 400 : roll < 0.4 ? 10 + access.rand() * 40 : access.rand() * 10);
    const fail = access.failuresLeft > 0 && access.rand() < 0.15;
    if (fail) access.failuresLeft--;
    if (fail && access.rand() < 0.5) return 503;
    if (path === 'upsert') access.users.set(body.id, { tags: body.tags ?? [] });
    else access.users.delete(body.id);
    return fail ? 504 : 204;
  }

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const path = req.url ?? '';
      if (path.startsWith('/target/')) {
        res.writeHead(await accessCall(path.slice('/target/'.length), JSON.parse(body.toString()))).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
      const request = new Request(`${baseUrl}${path}`, {
        method: req.method ?? 'GET',
        headers,
        ...(body.length > 0 && req.method !== 'GET' ? { body } : {}),
      });
      const response = (await getResponse(mock.handlers, request)) ?? new Response('no handler', { status: 404 });
      // Read now, answered a little later: a worker may act on data that changed meanwhile.
      await sleep(access.rand() * 20);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    mock = createOfficeRnDMock({
      orgSlug: 'acme',
      clients: [{ clientId: 'app-1', clientSecret: CLIENT_SECRET }],
      baseUrl,
      identityUrl: baseUrl,
      deliverWebhooks: false,
    });

    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', workerScript], {
        cwd: packageRoot,
        env: { ...process.env, REDIS_URL: redis().url, BASE_URL: baseUrl, CLIENT_SECRET },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.push(child);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const answer = JSON.parse(line) as { id: number; ok: boolean; name?: string; code?: string; message?: string };
        const waiter = pending.get(answer.id);
        pending.delete(answer.id);
        if (answer.ok) waiter?.resolve();
        else waiter?.reject(Object.assign(new Error(answer.message), { name: answer.name, code: answer.code }));
      });
      let next = 0;
      const send = (command: Record<string, unknown>) =>
        new Promise<void>((resolve, reject) => {
          const id = next++;
          pending.set(id, { resolve, reject });
          child.stdin!.write(`${JSON.stringify({ ...command, id })}\n`);
        });
      workers.push({
        deliver: (body, signature) => send({ kind: 'deliver', body, signature }),
        fullSync: () => send({ kind: 'fullSync' }),
      });
    }
  });

  afterAll(async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null) return;
        child.stdin!.end();
        await Promise.race([once(child, 'exit'), sleep(5_000).then(() => child.kill('SIGKILL'))]);
      }),
    );
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('once every delivery is acknowledged, the access system equals OfficeRnD', async () => {
    const flusher = new Redis(redis().url);
    let runs = 0;
    try {
      await fc.assert(
        fc.asyncProperty(scenarioArbitrary(6), async (scenario) => {
          await flusher.flushdb();
          await resetMock(mock, seedOf(scenario, `p${++runs}-`));
          access = { users: new Map(), rand: prng(scenario.seed ^ 0x27d4eb2f), failuresLeft: 4 };
          for (const [id, tags] of truthOf(mock)) access.users.set(id, { tags });
          const rand = prng(scenario.seed);
          await runScenario({
            scenario,
            mock,
            workers,
            pause: async () => {
              await sleep(rand() * 15);
            },
            settle: (work) => work,
            signingTime: () => Math.floor(Date.now() / 1000),
            isRetryable: (error) => (error as Error).name === 'SyncError',
            isAllowedFullSyncFailure: (error) => (error as Error).name === 'SyncError',
          });
          expect(contentOf(access.users), stderr).toEqual(truthOf(mock));
        }),
        { numRuns: Number(process.env.SYNC_PROCESS_RUNS ?? 40) },
      );
    } finally {
      await flusher.quit();
    }
  }, 240_000);
});
