/**
 * Benchmark of @vendorkit/mcparken-session against a loopback node:http server.
 *
 * 1. 1,000 concurrent requests through `session.http` from a cold start: how many token
 *    (getsession) requests reach the server (must be exactly 1).
 * 2. Cost per authorised request: plain `fetch`, core's request core alone (`createRequester`,
 *    which `session.http` is built on) and `session.http` against the same server in the same
 *    run, as time per request and ratio to plain fetch.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequester } from '@vendorkit/core';
import { McParkenSession } from '../src/index.js';

let sessionRequests = 0;
let zoneRequests = 0;
const zonesBody = JSON.stringify([
  { zoneId: 1, name: 'Centrum', pricePerHour: 25 },
  { zoneId: 2, name: 'Hamnen', pricePerHour: 15 },
]);

const server = createServer((req, res) => {
  if (req.url?.startsWith('/api/session/getsession')) {
    sessionRequests += 1;
    const issued = new Date();
    const expires = new Date(issued.getTime() + 3600_000);
    const vendorTime = (d: Date) => `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} +00:00`;
    // A little latency, so concurrent callers really overlap with the token request.
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          access_token: `bench-token-${sessionRequests}`,
          expires_in: String(Math.floor(expires.getTime() / 1000)),
          token_type: 'bearer',
          userid: '72',
          issued: vendorTime(issued),
          expires: vendorTime(expires),
        }),
      );
    }, 20);
    return;
  }
  zoneRequests += 1;
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(zonesBody) });
  res.end(zonesBody);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
const credentials = { apiKey: 'bench-apikey', username: 'bench@example.com', password: 'bench-password', baseUrl };

// 1. Single flight under 1,000 concurrent callers.
{
  const session = new McParkenSession(credentials);
  await Promise.all(Array.from({ length: 1000 }, () => session.http.get('parking/zones').json()));
  console.log(
    `1,000 concurrent calls through session.http: ${sessionRequests} token request(s), ${zoneRequests} API requests`,
  );
  if (sessionRequests !== 1) {
    console.error('FAILED: expected exactly one token request');
    process.exitCode = 1;
  }
}

// 2. Cost per request, same server, same run. Concurrency 8 keeps the loopback busy without queueing.
const session = new McParkenSession(credentials);
await session.getAccessToken();
const core = createRequester({
  baseUrl: `${baseUrl}/`,
  userAgent: 'bench',
  retries: 0,
  toError: (failure) => new Error(failure.message),
});
const url = `${baseUrl}/parking/zones`;
const contenders: Array<[string, () => Promise<unknown>]> = [
  ['plain fetch', async () => (await fetch(url, { headers: { authorization: 'Bearer x', apikey: 'k' } })).json()],
  [
    'core requester',
    async () =>
      JSON.parse(
        (
          await core.request({
            method: 'GET',
            path: 'parking/zones',
            headers: { authorization: 'Bearer x', apikey: 'k' },
          })
        ).text,
      ),
  ],
  ['session.http', () => session.http.get('parking/zones').json()],
];

async function measure(run: () => Promise<unknown>, requests: number, concurrency = 8): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        next += 1;
        await run();
      }
    }),
  );
  return ((performance.now() - started) * 1000) / requests;
}

const ROUNDS = 5;
const REQUESTS = 2000;
for (const [, run] of contenders) await measure(run, 500); // warm-up
const results = new Map<string, number[]>(contenders.map(([name]) => [name, []]));
for (let round = 0; round < ROUNDS; round += 1) {
  // Interleave contenders each round so drift affects all alike.
  for (const [name, run] of contenders) results.get(name)!.push(await measure(run, REQUESTS));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const baseline = median(results.get('plain fetch')!);
console.log(
  `\nCost per request against a loopback node:http server (${ROUNDS} rounds × ${REQUESTS} requests, concurrency 8, median)`,
);
console.log('contender       µs/request   ratio vs plain fetch   added µs');
for (const [name] of contenders) {
  const us = median(results.get(name)!);
  console.log(
    `${name.padEnd(15)} ${us.toFixed(1).padStart(10)}   ${`${(us / baseline).toFixed(2)}×`.padStart(20)}   ${(us - baseline).toFixed(1).padStart(8)}`,
  );
}
console.log(`token requests during the timing runs: ${sessionRequests - 1}`);
server.closeAllConnections();
server.close();
