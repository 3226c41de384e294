import { type ClientHooks, type Logger, McParkenSession } from '@vendorkit/mcparken-session';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { integerArgument, optional, tokenPrefix } from './format.js';

/** `vendorkit mcparken token`. */
export function registerMcParkenCommands(program: Command, ctx: CliContext): void {
  const mcparken = program
    .command('mcparken')
    .description('McParken API sessions (credentials from MCPARKEN_* variables).');
  mcparken
    .command('token')
    .description('Log in and show who is logged in and until when (the token itself is never printed in full).')
    .option('--timeout <ms>', 'give up after this many milliseconds, retries included', integerArgument(1, 600_000))
    .option('-v, --verbose', 'print each request, retry and renewal to stderr (secrets redacted)')
    .addHelpText(
      'after',
      '\nEnvironment:\n  MCPARKEN_APIKEY    the apikey header value (valid 90 days)\n  MCPARKEN_USERNAME  the API account name\n  MCPARKEN_PASSWORD  its password\n  MCPARKEN_BASE_URL  optional, default https://mcparken.se/api (the sandbox prints its own)',
    )
    .action(async (options: { timeout?: number; verbose?: boolean }) => {
      const session = new McParkenSession({
        apiKey: ctx.requireEnv('MCPARKEN_APIKEY', 'the McParken apikey'),
        username: ctx.requireEnv('MCPARKEN_USERNAME', 'the McParken API user name'),
        password: ctx.requireEnv('MCPARKEN_PASSWORD', "the McParken API user's password"),
        ...optional('baseUrl', ctx.optionalEnv('MCPARKEN_BASE_URL')),
        ...optional('fetch', ctx.fetch),
        ...(options.verbose ? verboseOutput(ctx) : {}),
      });
      const info = await session.getSession(optional('timeoutMs', options.timeout));
      const secondsLeft = Math.max(0, Math.round((info.expiresAt.getTime() - Date.now()) / 1000));
      const rows: Array<[string, string]> = [
        ['User', `${ctx.env.MCPARKEN_USERNAME}${info.userId ? ` (user id ${info.userId})` : ''}`],
        ['Token', `${tokenPrefix(info.accessToken)} (${info.tokenType ?? 'bearer'}, shown truncated)`],
        ['Expires', `${info.expiresAt.toISOString()} (in ${secondsLeft} s)`],
      ];
      if (info.expires) rows.push(['Vendor says', `expires ${info.expires}`]);
      ctx.out(`${rows.map(([k, v]) => `${k.padEnd(12)}${v}`).join('\n')}\n`);
    });
}

/** `--verbose`: the session's logger and hooks, written to stderr (already redacted; `ctx.err` redacts again). */
function verboseOutput(ctx: CliContext): { logger: Logger; hooks: ClientHooks } {
  const line = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    ctx.err(`${level}: ${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}\n`);
  return {
    logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    hooks: {
      onResponse: ({ method, url, status, durationMs, requestId }) =>
        ctx.err(
          `debug: ${method} ${url} → ${status} in ${durationMs} ms${requestId ? ` (request id ${requestId})` : ''}\n`,
        ),
      onRetry: ({ reason, delayMs }) => ctx.err(`debug: retrying in ${delayMs} ms (${reason})\n`),
    },
  };
}
