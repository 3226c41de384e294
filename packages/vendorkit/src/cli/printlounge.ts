import { type AutologinLinkFields, createAutologinUrl, decodeAutologinData } from '@vendorkit/printlounge-sso';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, UsageError } from './context.js';
import { integerArgument } from './format.js';

const PASSPHRASE_ENV = 'PRINTLOUNGE_PASSPHRASE';

interface LinkOptions {
  shop?: string;
  baseUrl?: string;
  user: string;
  field: Array<[string, string]>;
  validFor?: number;
  legacyKey?: boolean;
}

function collectField(value: string, previous: Array<[string, string]>): Array<[string, string]> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('Expected key=value, e.g. --field customer_longname="Max Mustermann".');
  return [...previous, [value.slice(0, at), value.slice(at + 1)]];
}

/** `vendorkit printlounge link|decode`. */
export function registerPrintLoungeCommands(program: Command, ctx: CliContext): void {
  const printlounge = program
    .command('printlounge')
    .description(`Print-Lounge SSO autologin links (passphrase from $${PASSPHRASE_ENV}).`);

  printlounge
    .command('link')
    .description('Print a signed autologin URL for a shop user.')
    .option('--shop <shop>', 'shop name: https://<shop>.print-server.net/autologin.php')
    .option('--base-url <url>', 'shop URL instead of --shop, e.g. the sandbox shop URL')
    .requiredOption('--user <name>', 'customer_user_name (up to 50 of A-Z 0-9 _ - . @)')
    .option('--field <key=value>', 'another field, repeatable (e.g. customer_longname=Max)', collectField, [])
    .option('--valid-for <seconds>', 'link lifetime in seconds (sets valid_to)', integerArgument(1, 31_536_000))
    .option('--legacy-key', 'PHP < 5.6 key handling: zero-pad/cut the passphrase instead of rejecting it')
    .addHelpText(
      'after',
      `\nEnvironment:\n  ${PASSPHRASE_ENV}  the shop's SSO passphrase (Administration → Kunden → bearbeiten → SSO-Schnittstelle)\n\nExample:\n  ${PASSPHRASE_ENV}=… vendorkit printlounge link --shop acme --user max@example.com --field customer_longname="Max Mustermann"`,
    )
    .action((options: LinkOptions) => {
      if ((options.shop === undefined) === (options.baseUrl === undefined)) {
        throw new UsageError('Pass exactly one of --shop <shop> or --base-url <url>.');
      }
      const passphrase = ctx.requireEnv(PASSPHRASE_ENV, "the shop's SSO passphrase");
      // Extra fields are passed as given; the package validates them against the vendor's table.
      const fields = { customer_user_name: options.user, ...Object.fromEntries(options.field) } as AutologinLinkFields;
      const url = createAutologinUrl({
        ...(options.shop !== undefined ? { shop: options.shop } : { baseUrl: options.baseUrl as string }),
        passphrase,
        fields,
        ...(options.validFor !== undefined ? { validFor: options.validFor } : {}),
        ...(options.legacyKey ? { keyHandling: 'legacy' as const } : {}),
      });
      ctx.out(`${url}\n`);
    });

  printlounge
    .command('decode')
    .description('Decrypt an autologin URL (or its u_data value) and print the fields as JSON.')
    .argument('<url>', 'the autologin URL, or just the u_data value')
    .option('--legacy-key', 'PHP < 5.6 key handling for the passphrase')
    .addHelpText('after', `\nEnvironment:\n  ${PASSPHRASE_ENV}  the shop's SSO passphrase`)
    .action((input: string, options: { legacyKey?: boolean }) => {
      const passphrase = ctx.requireEnv(PASSPHRASE_ENV, "the shop's SSO passphrase");
      const uData = extractUData(input);
      const fields = decodeAutologinData(uData, passphrase, options.legacyKey ? { keyHandling: 'legacy' } : {});
      ctx.out(`${JSON.stringify(fields, null, 2)}\n`);
      const validTo = Number(fields.valid_to);
      if (fields.valid_to === undefined) {
        ctx.err('note: no valid_to field: shops since 4.3.23 refuse such a link.\n');
      } else if (Number.isFinite(validTo)) {
        const seconds = Math.round(validTo - Date.now() / 1000);
        const at = new Date(validTo * 1000).toISOString();
        ctx.err(
          seconds >= 0
            ? `note: valid until ${at} (in ${seconds} s).\n`
            : `note: expired at ${at} (${-seconds} s ago): the shop will refuse it.\n`,
        );
      }
    });
}

function extractUData(input: string): string {
  const trimmed = input.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    const value = new URL(trimmed).searchParams.get('u_data');
    if (value === null || value === '') {
      throw new UsageError('The URL has no u_data parameter: pass the full autologin URL (…/autologin.php?u_data=…).');
    }
    // searchParams decoded it once (the decoder accepts plain base64); base64 has no spaces,
    // so a space can only be a '+' someone forgot to encode.
    return value.replace(/ /g, '+');
  }
  if (trimmed.startsWith('u_data=')) return decodeURIComponent(trimmed.slice('u_data='.length));
  if (trimmed === '') throw new UsageError('Pass the autologin URL or its u_data value.');
  return trimmed;
}
