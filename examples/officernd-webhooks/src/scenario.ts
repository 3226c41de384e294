import {
  createMemberSync,
  DEFAULT_SCOPES,
  OfficeRnDClient,
  type OfficeRnDClientOptions,
  SCOPES,
} from 'vendorkit/officernd-client';
import type { Sandbox } from 'vendorkit/sandbox';
import { InMemoryAccessSystem } from './access-system.js';
import { startWebhookReceiver } from './receiver.js';

type OfficeRnDMock = Sandbox['mocks']['officernd'];

/** Events the receiver subscribes to. */
export const EVENT_TYPES = [
  'member.created',
  'member.updated',
  'member.removed',
  'membership.created',
  'membership.updated',
  'membership.removed',
];

/**
 * Keeps an access system in step with the sandbox OfficeRnD: registers a webhook, runs a full
 * sync, then changes data in OfficeRnD (new member, a plan for them, member leaves) and checks
 * each signed delivery reached the access system; a forged delivery is refused and a
 * redelivery is recognised. Resolves to what the access system ended with.
 */
export async function runOfficeRnDScenario(
  clientOptions: OfficeRnDClientOptions,
  officernd: OfficeRnDMock,
  log: (line: string) => void = console.log,
): Promise<{ usersAfterSync: number; usersAtEnd: number }> {
  // The sync reads; registering the webhook also needs flex.settings.webhooks.create.
  const client = new OfficeRnDClient({ scopes: [...DEFAULT_SCOPES, SCOPES.webhooksCreate], ...clientOptions });
  const access = new InMemoryAccessSystem();
  // One access tag per plan: the plan code (a real setup maps plans to door groups).
  const sync = createMemberSync({ client, target: access, tagForPlan: (plan) => plan.code ?? null });
  const receiver = await startWebhookReceiver(sync, { log: (line) => log(`  receiver: ${line}`) });
  try {
    const webhook = await client.webhooks.create({
      url: receiver.url,
      eventTypes: EVENT_TYPES,
      description: 'access sync',
    });
    if (!webhook.secret) throw new Error('OfficeRnD did not return a webhook secret.');
    receiver.setSecret(webhook.secret);
    log(`registered webhook ${webhook._id} → ${receiver.url}`);

    const report = await sync.fullSync();
    log(`full sync: ${report.upserted} upserted, ${report.removed} removed, ${report.requests ?? '?'} API requests`);
    const usersAfterSync = access.users.size;
    log(`access system has ${usersAfterSync} user(s)`);

    const location = String(officernd.db.members.all()[0]?.location ?? '');
    const { record: grace } = await officernd.db.members.add({
      name: 'Grace Hopper',
      email: 'grace@example.com',
      status: 'active',
      location,
      startDate: new Date().toISOString(),
    });
    expect(access.users.has(grace._id), 'member.created reached the access system');
    log(
      `OfficeRnD: Grace Hopper joined → access system has her, tags [${access.users.get(grace._id)?.tags.join(', ')}]`,
    );

    const plan = officernd.db.plans.all()[0]!;
    await officernd.db.memberships.add({
      member: grace._id,
      plan: plan._id,
      status: 'approved',
      calculatedStatus: 'active',
      startDate: new Date().toISOString(),
    });
    expect(access.users.get(grace._id)?.tags.includes(String(plan.code)) === true, 'membership.created set her tag');
    log(`OfficeRnD: Grace got plan ${String(plan.code)} → tags [${access.users.get(grace._id)?.tags.join(', ')}]`);

    const forged = await fetch(receiver.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'officernd-signature': `t=${Math.floor(Date.now() / 1000)},signature=00`,
      },
      body: JSON.stringify({ event: 'x', eventType: 'member.removed', data: { object: { _id: grace._id } } }),
    });
    expect(forged.status === 400 && access.users.has(grace._id), 'a forged removal was refused');
    log(`forged "member.removed" delivery → HTTP ${forged.status}, Grace keeps her access`);

    const last = officernd.db.deliveries.at(-1)!;
    const redelivery = await fetch(last.url, { method: 'POST', headers: last.headers, body: last.body });
    const redeliveryStatus = ((await redelivery.json()) as { status?: string }).status;
    expect(redeliveryStatus === 'duplicate', 'a redelivery is recognised');
    log(`redelivery of ${last.eventType} → ${redeliveryStatus}`);

    await officernd.db.members.update(grace._id, { status: 'former' });
    expect(!access.users.has(grace._id), 'member.updated to former removed her');
    log('OfficeRnD: Grace left (status former) → removed from the access system');
    return { usersAfterSync, usersAtEnd: access.users.size };
  } finally {
    await receiver.close();
  }
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`Expected: ${what}.`);
}
