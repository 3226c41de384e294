/**
 * One worker process of the cross-process member-sync test: its own OfficeRnD client, Redis
 * connection and member sync, writing to the access system the test serves over HTTP.
 *
 * Commands arrive on stdin, one JSON object a line — `{ id, kind: 'deliver', body, signature }`
 * (a webhook delivery) or `{ id, kind: 'fullSync' }` — and each is answered on stdout with
 * `{ id, ok: true }` or `{ id, ok: false, name, code, message }` (what a route would turn into 5xx).
 */
import { createInterface } from 'node:readline';
import { createMemberSync, OfficeRnDClient, verifyWebhook } from '@vendorkit/officernd-client';
import { MODEL_WEBHOOK_SECRET, modelTagForPlan } from '../../officernd-client/test/sync-model.js';
import { createRedisStore } from '../src/index.js';

const { REDIS_URL: redisUrl, BASE_URL: baseUrl, CLIENT_SECRET: clientSecret } = process.env;
if (!redisUrl || !baseUrl || !clientSecret) throw new Error('REDIS_URL, BASE_URL and CLIENT_SECRET are required');

const store = createRedisStore({ url: redisUrl });
const client = new OfficeRnDClient({
  orgSlug: 'acme',
  clientId: 'app-1',
  clientSecret,
  baseUrl,
  identityUrl: baseUrl,
  store,
  retries: 0,
});

/** The access system is the test process's HTTP endpoint; a non-2xx answer is a failed call. */
async function call(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${baseUrl}/target/${path}`, { method: 'POST', body: JSON.stringify(body) });
  await response.body?.cancel();
  if (!response.ok) throw new Error(`access system answered ${response.status} to ${path}`);
}

const sync = createMemberSync({
  client,
  store,
  tagForPlan: modelTagForPlan,
  target: {
    upsertUser: (user) => call('upsert', { id: user.id, tags: user.tags }),
    removeUser: (id) => call('remove', { id }),
  },
  lockTtlMs: 5_000,
  lockWaitMs: 300,
  leaseMs: 10_000,
});

const reply = (answer: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(answer)}\n`);

const lines = createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const command = JSON.parse(line) as { id: number; kind: 'deliver' | 'fullSync'; body?: string; signature?: string };
  try {
    if (command.kind === 'fullSync') await sync.fullSync();
    else {
      const event = await verifyWebhook({
        payload: command.body ?? '',
        signature: command.signature,
        secret: MODEL_WEBHOOK_SECRET,
        toleranceSeconds: 86_400,
      });
      await sync.handleEvent(event);
    }
    reply({ id: command.id, ok: true });
  } catch (error) {
    const { name, code, message } = error as { name?: string; code?: string; message?: string };
    reply({ id: command.id, ok: false, name, code, message });
  }
});
lines.on('close', () => {
  void store.close();
});
