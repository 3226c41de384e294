import { createWialonAppLink, createWialonOkdeskAuth, wialonAppSettings } from '@vendorkit/wialon-okdesk-auth';
import type { Command } from 'commander';
import type { CliContext } from './context.js';
import { optional } from './format.js';

const VERIFY_ENV_HELP =
  '\nEnvironment:\n  WIALON_TRUSTED_BASE_URLS  comma-separated Wialon API base URLs you trust, e.g. https://hst-api.wialon.com\n  OKDESK_URL                your Okdesk account, e.g. https://acme.okdesk.ru\n  OKDESK_API_TOKEN          an Okdesk API token (Settings → API)';

const APP_LINK_ENV_HELP =
  '\nEnvironment:\n  WIALON_BASE_URL  the Wialon API base URL, e.g. https://hst-api.wialon.com\n  WIALON_TOKEN     a Wialon token of the user who "clicks" (72 characters; Wialon login page or token/list)\n\nExample (against `vendorkit sandbox`, which prints both values):\n  vendorkit wialon verify "$(vendorkit wialon app-link --app-url http://127.0.0.1:4010/okdesk/wialonauth)"';

/** `vendorkit wialon app-settings|app-link|verify`. */
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
    .command('app-link')
    .description(
      "Print the link Wialon opens when WIALON_TOKEN's user clicks the application: signs in (token/login) and makes a fresh auth hash (core/create_auth_hash, valid 2 minutes).",
    )
    .requiredOption(
      '--app-url <url>',
      'the application URL registered in Wialon, e.g. https://acme.okdesk.ru/wialonauth',
    )
    .option('--lang <code>', 'the lang parameter Wialon appends', 'en')
    .addHelpText('after', APP_LINK_ENV_HELP)
    .action(async (options: { appUrl: string; lang: string }) => {
      const link = await createWialonAppLink({
        wialonBaseUrl: ctx.requireEnv('WIALON_BASE_URL', 'the Wialon API base URL'),
        token: ctx.requireEnv('WIALON_TOKEN', 'a Wialon token of the user who clicks'),
        appUrl: options.appUrl,
        lang: options.lang,
        ...optional('fetch', ctx.fetch),
      });
      ctx.out(`${link}\n`);
    });

  wialon
    .command('verify')
    .description(
      'Check a /wialonauth link as a receiver would: trusted host, auth hash (asked of Wialon), contact. Remembers nothing: replay protection belongs to the receiver.',
    )
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
      });
      const { wialonUser, contact } = await auth.verify(url);
      ctx.out(
        `OK: Wialon user ${JSON.stringify(wialonUser.name)}${wialonUser.id === null ? '' : ` (id ${wialonUser.id})`} is signed in and is Okdesk contact ${contact.id}${contact.email ? ` <${contact.email}>` : ''}.\n` +
          'A receiver accepts this hash only once; Wialon makes a new one on every click (valid 2 minutes).\n',
      );
    });
}
