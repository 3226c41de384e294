import { createWialonOkdeskAuth, wialonAppSettings } from '@vendorkit/wialon-okdesk-auth';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { optional } from './format.js';

const VERIFY_ENV_HELP =
  '\nEnvironment:\n  WIALON_TRUSTED_BASE_URLS  comma-separated Wialon API base URLs you trust, e.g. https://hst-api.wialon.com\n  OKDESK_URL                your Okdesk account, e.g. https://acme.okdesk.ru\n  OKDESK_API_TOKEN          an Okdesk API token (Settings → API)';

/** `vendorkit wialon app-settings|verify`. */
export function registerWialonCommands(program: Command, ctx: CliContext): void {
  const wialon = program.command('wialon').description('Wialon → Okdesk pass-through login.');

  wialon
    .command('app-settings')
    .description('Print the settings of the Wialon application to register for the Okdesk client portal.')
    .requiredOption('--okdesk-url <url>', 'your Okdesk account address, e.g. https://acme.okdesk.ru')
    .option('--path <path>', 'receiver path, if you host the check yourself', '/wialonauth')
    .option('--json', 'print JSON instead of text')
    .action((options: { okdeskUrl: string; path: string; json?: boolean }) => {
      const settings = wialonAppSettings({ okdeskUrl: options.okdeskUrl, path: options.path });
      if (options.json) {
        ctx.out(`${JSON.stringify({ name: settings.name, url: settings.url, options: settings.options }, null, 2)}\n`);
      } else {
        ctx.out(`${settings.text}\n`);
      }
    });

  wialon
    .command('verify')
    .description('Check a /wialonauth link as Okdesk would: trusted host, auth hash, contact. Uses the hash up.')
    .argument('<url>', 'the full link Wialon opened, with user, baseUrl and authHash')
    .addHelpText('after', VERIFY_ENV_HELP)
    .action(async (url: string) => {
      const trusted = ctx
        .requireEnv('WIALON_TRUSTED_BASE_URLS', 'the Wialon hosts you trust')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const auth = createWialonOkdeskAuth({
        trustedWialonBaseUrls: trusted,
        okdesk: {
          baseUrl: ctx.requireEnv('OKDESK_URL', 'your Okdesk account URL'),
          apiToken: ctx.requireEnv('OKDESK_API_TOKEN', 'an Okdesk API token'),
        },
        ...optional('fetch', ctx.fetch),
        // Refusals become the command's error message; no second copy on the console.
        logger: { warn() {}, info() {} },
      });
      const { wialonUser, contact } = await auth.verify(url);
      ctx.out(
        `OK: Wialon user ${JSON.stringify(wialonUser.name)}${wialonUser.id === null ? '' : ` (id ${wialonUser.id})`} is signed in and is Okdesk contact ${contact.id}${contact.email ? ` <${contact.email}>` : ''}.\n` +
          'The auth hash is now used up; Wialon makes a new one on the next click.\n',
      );
    });
}
