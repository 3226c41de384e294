import { createMemberSync, OfficeRnDClient } from 'vendorkit/officernd-client';
import { startSandbox } from 'vendorkit/sandbox';
import { InMemoryAccessSystem } from './access-system.js';
import { startWebhookReceiver } from './receiver.js';
import { runOfficeRnDScenario } from './scenario.js';

// Real OfficeRnD when OFFICERND_ORG, OFFICERND_CLIENT_ID, OFFICERND_CLIENT_SECRET and
// OFFICERND_WEBHOOK_SECRET are set: full sync, then a receiver on PORT (default 3001) that
// you expose publicly and register in OfficeRnD. Otherwise the scenario runs on the sandbox.
const env = process.env;

if (env.OFFICERND_ORG && env.OFFICERND_CLIENT_ID && env.OFFICERND_CLIENT_SECRET && env.OFFICERND_WEBHOOK_SECRET) {
  const client = new OfficeRnDClient({
    orgSlug: env.OFFICERND_ORG,
    clientId: env.OFFICERND_CLIENT_ID,
    clientSecret: env.OFFICERND_CLIENT_SECRET,
    // Only what the sync reads: the app need not be granted more.
    scopes: ['flex.community.members.read', 'flex.community.memberships.read', 'flex.billing.plans.read'],
    ...(env.OFFICERND_BASE_URL ? { baseUrl: env.OFFICERND_BASE_URL } : {}),
    ...(env.OFFICERND_IDENTITY_URL ? { identityUrl: env.OFFICERND_IDENTITY_URL } : {}),
  });
  const access = new InMemoryAccessSystem();
  const sync = createMemberSync({ client, target: access, tagForPlan: (plan) => plan.code ?? null });
  const report = await sync.fullSync();
  console.log(
    `Full sync: ${report.upserted} upserted, ${report.removed} removed; ${access.users.size} user(s) have access.`,
  );
  const receiver = await startWebhookReceiver(sync, { port: Number(env.PORT ?? 3001) });
  receiver.setSecret(env.OFFICERND_WEBHOOK_SECRET);
  console.log(
    `Receiving webhooks at ${receiver.url}: expose it over https and register it in OfficeRnD. Ctrl+C stops.`,
  );
  process.once('SIGINT', () => void receiver.close());
} else {
  const sandbox = await startSandbox();
  try {
    console.log(`Using the sandbox OfficeRnD at ${sandbox.urls.officernd} (set OFFICERND_* for the real one)`);
    await runOfficeRnDScenario(
      {
        ...sandbox.credentials.officernd,
        baseUrl: sandbox.urls.officernd,
        identityUrl: sandbox.urls.officerndIdentity,
      },
      sandbox.mocks.officernd,
    );
  } finally {
    await sandbox.close();
  }
}
