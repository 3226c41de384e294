import {
  type AccessUser,
  createMemberSync,
  type FullSyncReport,
  isOfficeRnDError,
  MEMBER_SYNC_SCOPES,
  type Member,
  OfficeRnDClient,
  SCOPES,
  type SyncPhase,
} from '@vendorkit/officernd-client';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, UsageError } from './context.js';
import { formatTable, optional } from './format.js';
import { createProgress, createSyncProgressBar } from './progress.js';

const MEMBER_STATUSES = ['active', 'former', 'pending', 'contact', 'not_approved', 'drop-in', 'lead'] as const;

const ENV_HELP =
  '\nEnvironment:\n  OFFICERND_ORG            the organisation slug (Settings → General in the admin portal)\n  OFFICERND_CLIENT_ID      the OAuth app client id\n  OFFICERND_CLIENT_SECRET  the OAuth app client secret\n  OFFICERND_BASE_URL       optional API host, default https://app.officernd.com\n  OFFICERND_IDENTITY_URL   optional token host, default https://identity.officernd.com\n  OFFICERND_SCOPES         optional scopes to request instead of the minimum the command needs';

function parseStatuses(value: string): string[] {
  const statuses = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = statuses.filter((s) => !(MEMBER_STATUSES as readonly string[]).includes(s));
  if (statuses.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`Expected a comma-separated list of ${MEMBER_STATUSES.join(', ')}.`);
  }
  return statuses;
}

/** Scopes each command needs: an OAuth app need not be granted more (an ungranted scope fails the token request). */
const MEMBERS_SCOPES = [SCOPES.membersRead];
const SYNC_SCOPES = MEMBER_SYNC_SCOPES;

/**
 * What to do on the command line about an OfficeRnD failure, when there is something true to say:
 * the token budget only after a 429 from the token endpoint, the credentials after a 400/401,
 * the host after a connection failure.
 */
export function officerndHint(error: unknown): string | undefined {
  if (isOfficeRnDError(error, 'missing_scope')) {
    return 'set OFFICERND_SCOPES to the scopes the command needs (space- or comma-separated, the one named above included), and grant them to the OfficeRnD app.';
  }
  if (!isOfficeRnDError(error, 'token_request_failed')) return undefined;
  if (error.status === 429) {
    return `OfficeRnD allows 5 token requests a minute, failures included, and each CLI run asks for one: wait ${Math.ceil((error.retryAfterMs ?? 60_000) / 1000)} s.`;
  }
  if (error.status === 400 || error.status === 401) {
    return "check OFFICERND_CLIENT_ID, OFFICERND_CLIENT_SECRET and that the app was granted the scopes asked for (OFFICERND_SCOPES, or the command's minimum).";
  }
  if (error.status === undefined) {
    return "OfficeRnD's token endpoint could not be reached: check OFFICERND_IDENTITY_URL (default https://identity.officernd.com), the network and any proxy.";
  }
  return undefined;
}

function createClient(ctx: CliContext, scopes: readonly string[]): OfficeRnDClient {
  const override = ctx.optionalEnv('OFFICERND_SCOPES');
  return new OfficeRnDClient({
    orgSlug: ctx.requireEnv('OFFICERND_ORG', 'the organisation slug'),
    clientId: ctx.requireEnv('OFFICERND_CLIENT_ID', 'the OAuth app client id'),
    clientSecret: ctx.requireEnv('OFFICERND_CLIENT_SECRET', 'the OAuth app client secret'),
    scopes: override ? override.split(/[\s,]+/).filter(Boolean) : scopes,
    ...optional('baseUrl', ctx.optionalEnv('OFFICERND_BASE_URL')),
    ...optional('identityUrl', ctx.optionalEnv('OFFICERND_IDENTITY_URL')),
    ...optional('fetch', ctx.fetch),
  });
}

/** `vendorkit officernd members|sync`. */
export function registerOfficeRnDCommands(program: Command, ctx: CliContext): void {
  const officernd = program
    .command('officernd')
    .description('OfficeRnD members and member sync (credentials from OFFICERND_* variables).');

  officernd
    .command('members')
    .description('List members (every page) as a table, or as JSON with --json.')
    .option(
      '--status <statuses>',
      `only these statuses, comma-separated (${MEMBER_STATUSES.join(', ')})`,
      parseStatuses,
    )
    .option('--json', 'print a JSON array instead of a table')
    .addHelpText('after', ENV_HELP)
    .action(async (options: { status?: string[]; json?: boolean }) => {
      const client = createClient(ctx, MEMBERS_SCOPES);
      const progress = createProgress(ctx, 'members');
      const members: Member[] = [];
      try {
        for await (const member of client.members.list(options.status ? { status: options.status } : {})) {
          members.push(member);
          progress.tick();
        }
      } finally {
        progress.done();
      }
      if (options.json) {
        ctx.out(`${JSON.stringify(members, null, 2)}\n`);
        return;
      }
      ctx.out(
        formatTable(
          ['ID', 'NAME', 'EMAIL', 'STATUS'],
          members.map((m) => [m._id, m.name ?? '', m.email ?? '', m.status ?? '']),
        ),
      );
      ctx.out(`${members.length} member(s)\n`);
    });

  officernd
    .command('sync')
    .description('Run a full member sync against a dry-run access system and print what it would change.')
    .option('--dry-run', 'required: report what a sync would do without writing anywhere')
    .addHelpText(
      'after',
      `${ENV_HELP}\n\nThe CLI has no access system to write to: use createMemberSync() from @vendorkit/officernd-client for that.`,
    )
    .action(async (options: { dryRun?: boolean }) => {
      if (!options.dryRun) {
        throw new UsageError(
          'Pass --dry-run: the CLI only reports what a sync would do; it has no access system to write to.',
        );
      }
      const client = createClient(ctx, SYNC_SCOPES);
      const upserts: AccessUser[] = [];
      const removals: string[] = [];
      const sync = createMemberSync({
        client,
        // The CLI has no tag configuration: a plan's code (or name) stands for its access tag.
        tagForPlan: (plan) => plan.code ?? plan.name ?? plan._id,
        target: {
          upsertUser: (user) => {
            upserts.push(user);
          },
          removeUser: (id) => {
            removals.push(id);
          },
        },
      });
      const read: Partial<Record<SyncPhase, number>> = {};
      const bar = createSyncProgressBar(ctx);
      let report: FullSyncReport;
      try {
        report = await sync.fullSync({
          onProgress: (progress) => {
            if (progress.phase !== 'target' && progress.total !== undefined) read[progress.phase] = progress.total;
            bar.update(progress);
          },
        });
      } finally {
        bar.stop();
      }
      const byTag = new Map<string, number>();
      for (const user of upserts) {
        for (const tag of user.tags.length > 0 ? user.tags : ['(no tag)']) byTag.set(tag, (byTag.get(tag) ?? 0) + 1);
      }
      ctx.out('Dry run: nothing was written.\n\n');
      ctx.out(
        formatTable(
          ['ACCESS TAG', 'USERS'],
          [...byTag].sort(([a], [b]) => a.localeCompare(b)).map(([tag, n]) => [tag, String(n)]),
        ),
      );
      ctx.out('\n');
      ctx.out(
        formatTable(
          ['RESULT', 'COUNT'],
          [
            ['would create/update', String(report.upserted)],
            ['would remove', String(report.removed)],
            ['failed', String(report.failed.length)],
          ],
        ),
      );
      ctx.out(
        `\nRead ${read.plans ?? 0} plan(s), ${read.memberships ?? 0} membership(s) and ${read.members ?? 0} member(s) ` +
          `in ${report.requests ?? '?'} API request(s), ${(report.durationMs / 1000).toFixed(1)} s.\n`,
      );
      if (report.failed.length > 0) throw new SyncDryRunFailed(report.failed.length);
    });
}

/** Some members could not be processed in a dry run (only the count is reported). */
class SyncDryRunFailed extends Error {
  readonly code = 'sync_failed';
  constructor(count: number) {
    super(`${count} member(s) could not be processed; see the table above.`);
  }
}
