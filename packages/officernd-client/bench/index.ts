/**
 * Full sync of 10,000 OfficeRnD members against the in-memory mock (served through MSW in
 * this process, and on a real loopback HTTP server), compared with the naive integration
 * that asks for each member's memberships one request at a time. Prints requests, token requests, time and peak heap.
 *
 *   pnpm --filter @vendorkit/officernd-client bench   (MEMBERS=2000 to try another size,
 *                                                      NAIVE=0 to skip the slow naive run)
 *
 * Fails unless each fullSync() made only page requests (members, memberships, plans; 50 a page)
 * and one token request.
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemberSync, OfficeRnDClient, type Plan } from '@vendorkit/officernd-client';
import { createOfficeRnDMock, generateMockData } from '@vendorkit/officernd-client/mocks';
import { getResponse } from 'msw';
import { setupServer } from 'msw/node';

const MEMBERS = Number(process.env.MEMBERS ?? 10_000);
const data = generateMockData(MEMBERS, { seed: 1 });
const tagForPlan = (plan: Plan) => `tag-${plan.code}`;

interface Row {
  name: string;
  requests: number;
  tokenRequests: number;
  ms: number;
  peakHeapMb: number;
  peakRssMb: number;
  users: number;
}

/** Samples memory; called from a timer and from the target, since in-process MSW may starve timers. */
let sample = () => {};

/** Serves the mock in-process through MSW, or on a real loopback HTTP server (as the vendorkit sandbox does). */
async function serveMock(transport: 'msw' | 'http') {
  if (transport === 'msw') {
    const mock = createOfficeRnDMock({ seed: data });
    const server = setupServer(...mock.handlers);
    server.listen({ onUnhandledRequest: 'error' });
    return { mock, baseUrl: undefined, close: async () => server.close() };
  }
  let handlers: ReturnType<typeof createOfficeRnDMock>['handlers'] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
    const body = Buffer.concat(chunks);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method ?? 'GET',
      headers,
      ...(body.length > 0 ? { body } : {}),
    });
    const response = (await getResponse(handlers, request)) ?? new Response(null, { status: 404 });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const mock = createOfficeRnDMock({ seed: data, baseUrl, identityUrl: baseUrl });
  handlers = mock.handlers;
  return { mock, baseUrl, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function measure(
  name: string,
  transport: 'msw' | 'http',
  run: (client: OfficeRnDClient) => Promise<number>,
): Promise<Row> {
  const { mock, baseUrl, close } = await serveMock(transport);
  const client = new OfficeRnDClient({
    orgSlug: mock.credentials.orgSlug,
    clientId: mock.credentials.clientId,
    clientSecret: mock.credentials.clientSecret,
    ...(baseUrl ? { baseUrl, identityUrl: baseUrl } : {}),
  });
  // Run with --expose-gc (the bench script does) so the baseline excludes garbage.
  globalThis.gc?.();
  const baseHeap = process.memoryUsage().heapUsed;
  let peakHeap = baseHeap;
  let peakRss = process.memoryUsage().rss;
  let samples = 0;
  sample = () => {
    samples++;
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  };
  const sampler = setInterval(() => sample(), 5);
  const started = performance.now();
  const users = await run(client);
  const ms = performance.now() - started;
  clearInterval(sampler);
  sample();
  await close();
  if (samples < 10) console.warn(`${name}: only ${samples} memory samples`);
  return {
    name,
    requests: mock.stats.requests,
    tokenRequests: mock.stats.tokenRequests,
    ms,
    peakHeapMb: (peakHeap - baseHeap) / 2 ** 20,
    peakRssMb: peakRss / 2 ** 20,
    users,
  };
}

const fullSync = async (client: OfficeRnDClient) => {
  const users = new Map<string, string[]>();
  const sync = createMemberSync({
    client,
    tagForPlan,
    target: {
      upsertUser: (u) => {
        users.set(u.id, u.tags);
        if (users.size % 500 === 0) sample();
      },
      removeUser: (id) => void users.delete(id),
    },
  });
  const report = await sync.fullSync();
  if (report.failed.length > 0) throw new Error('sync failed');
  return users.size;
};
const bulk = await measure('fullSync(), MSW in process', 'msw', fullSync);
const bulkHttp = await measure('fullSync(), loopback HTTP', 'http', fullSync);

const naiveRun = async (client: OfficeRnDClient) => {
  const users = new Map<string, string[]>();
  const plans = new Map<string, Plan>();
  for await (const member of client.members.list()) {
    if (member.status !== 'active') continue;
    const tags: string[] = [];
    for await (const membership of client.memberships.list({ member: member._id })) {
      if (membership.calculatedStatus !== 'active' || typeof membership.plan !== 'string') continue;
      let plan = plans.get(membership.plan);
      if (!plan) {
        plan = await client.plans.get(membership.plan);
        plans.set(plan._id, plan);
      }
      tags.push(tagForPlan(plan));
    }
    users.set(member._id, [...new Set(tags)]);
    if (users.size % 500 === 0) sample();
  }
  return users.size;
};
const naive =
  process.env.NAIVE === '0'
    ? undefined
    : await measure('naive: memberships?member=<id> per member, MSW', 'msw', naiveRun);

if ((naive && bulk.users !== naive.users) || bulkHttp.users !== bulk.users)
  throw new Error('the approaches disagree on the users');

const fmt = (n: number, d = 0) => n.toFixed(d);
console.log(
  `\nFull sync of ${MEMBERS} members (${data.memberships.length} memberships, ${data.plans.length} plans) against the OfficeRnD mock, Node ${process.version}\n`,
);
console.log('| approach | API requests | token requests | time (ms) | peak heap Δ (MB) | peak RSS (MB) | users |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const r of naive ? [bulk, bulkHttp, naive] : [bulk, bulkHttp]) {
  console.log(
    `| ${r.name} | ${r.requests} | ${r.tokenRequests} | ${fmt(r.ms)} | ${fmt(r.peakHeapMb, 1)} | ${fmt(r.peakRssMb)} | ${r.users} |`,
  );
}
if (naive) {
  console.log(
    `\nratio naive / fullSync: ${fmt(naive.requests / bulk.requests, 1)}× requests, ${fmt(naive.ms / bulk.ms, 1)}× time`,
  );
}
const pages = [data.members, data.memberships, data.plans].reduce((n, list) => n + Math.ceil(list.length / 50), 0);
for (const r of [bulk, bulkHttp]) {
  if (r.tokenRequests !== 1) throw new Error(`${r.name}: expected 1 token request, got ${r.tokenRequests}`);
  if (r.requests !== pages) throw new Error(`${r.name}: expected ${pages} page requests only, got ${r.requests}`);
}
