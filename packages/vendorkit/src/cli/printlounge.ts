import {
  type AutologinLinkFields,
  createAutologinUrl,
  createSsoUrl,
  decodeAutologinData,
  decodeSsoData,
  parseRequestTime,
  SSO_METHODS,
  type SsoIv,
  type SsoLinkFields,
  type SsoMethod,
} from '@vendorkit/printlounge-sso';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, UsageError } from './context.js';
import { integerArgument, optional } from './format.js';

const PASSPHRASE_ENV = 'PRINTLOUNGE_PASSPHRASE';

interface LinkOptions extends SsoOptions {
  shop?: string;
  baseUrl?: string;
  user: string;
  field: Array<[string, string]>;
  validFor?: number;
  legacyKey?: boolean;
}

interface SsoOptions {
  v2?: boolean;
  method?: SsoMethod;
  iv?: SsoIv;
}

/** The default request_time validity of a v2 shop (VENDORS.md "Print-Lounge SSO v2" [C]). */
const SSO_DEFAULT_MAX_AGE = 500;

function methodArgument(value: string): SsoMethod {
  if ((SSO_METHODS as readonly string[]).includes(value)) return value as SsoMethod;
  throw new InvalidArgumentError(`Expected one of ${SSO_METHODS.join(', ')} (the shop's Verschlüsselungsverfahren).`);
}

function ivArgument(value: string): SsoIv {
  if (value === 'passphrase' || value === 'method') return value;
  if (/^[0-9a-fA-F]{32}$/.test(value)) return Uint8Array.from(value.match(/../g)!, (hex) => Number.parseInt(hex, 16));
  throw new InvalidArgumentError("Expected 'passphrase', 'method' or the 16 IV bytes as 32 hex digits.");
}

/** Refuses --method/--iv without --v2, and the v1-only flags with it. */
function checkVersionFlags(options: SsoOptions & { validFor?: number; legacyKey?: boolean }): void {
  if (options.v2) {
    if (options.validFor !== undefined) {
      throw new UsageError(
        `--valid-for is for v1 links: a v2 link carries request_time (now) and the shop accepts it for its own time (${SSO_DEFAULT_MAX_AGE} s by default).`,
      );
    }
    if (options.legacyKey)
      throw new UsageError('--legacy-key is for v1 (mcrypt) links: v2 pads or cuts any passphrase as openssl does.');
  } else if (options.method !== undefined || options.iv !== undefined) {
    throw new UsageError('--method and --iv are for SSO v2 links (sso.php?h=…): add --v2.');
  }
}

/** `--field` pairs as fields; `name[key]=value` (view_settings[header]=0, settings[…]) become nested records. */
function fieldsFrom(user: string, pairs: Array<[string, string]>): Record<string, unknown> {
  const fields: Record<string, unknown> = { customer_user_name: user };
  for (const [name, value] of pairs) {
    const nested = /^([^[\]]+)\[([^[\]]+)\]$/.exec(name);
    if (nested === null) {
      fields[name] = value;
      continue;
    }
    const record = fields[nested[1]!];
    const target = typeof record === 'object' && record !== null ? (record as Record<string, string>) : {};
    target[nested[2]!] = value;
    fields[nested[1]!] = target;
  }
  return fields;
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
    .description(
      `Print-Lounge SSO links: v1 autologin.php?u_data=, v2 sso.php?h= (passphrase from $${PASSPHRASE_ENV}).`,
    );

  printlounge
    .command('link')
    .description('Print a signed login URL for a shop user (v1 autologin.php, or v2 sso.php with --v2).')
    .option('--shop <shop>', 'shop name: https://<shop>.print-server.net/autologin.php (or /sso.php)')
    .option('--base-url <url>', 'shop URL instead of --shop, e.g. the sandbox shop URL')
    .requiredOption('--user <name>', 'customer_user_name (up to 50 of A-Z 0-9 _ - . @)')
    .option(
      '--field <key=value>',
      'another field, repeatable (e.g. customer_longname=Max; v2: view_settings[header]=0)',
      collectField,
      [],
    )
    .option('--valid-for <seconds>', 'v1: link lifetime in seconds (sets valid_to)', integerArgument(1, 31_536_000))
    .option('--legacy-key', 'v1: PHP < 5.6 key handling: zero-pad/cut the passphrase instead of rejecting it')
    .option('--v2', 'SSO v2 link (sso.php?h=…, AES-CBC, request_time = now)')
    .option(
      '--method <method>',
      `v2: the shop's encryption method (${SSO_METHODS.join(', ')}; default aes-256-cbc)`,
      methodArgument,
    )
    .option(
      '--iv <rule>',
      "v2: IV rule (unconfirmed by the vendor): 'passphrase' (default), 'method', or 32 hex digits",
      ivArgument,
    )
    .addHelpText(
      'after',
      `\nEnvironment:\n  ${PASSPHRASE_ENV}  the shop's SSO passphrase (Administration → Kunden → bearbeiten → SSO-Schnittstelle)\n\nExamples:\n  ${PASSPHRASE_ENV}=… vendorkit printlounge link --shop acme --user max@example.com --field customer_longname="Max Mustermann"\n  ${PASSPHRASE_ENV}=… vendorkit printlounge link --v2 --method aes-128-cbc --shop acme --user max@example.com --field test=true`,
    )
    .action((options: LinkOptions) => {
      if ((options.shop === undefined) === (options.baseUrl === undefined)) {
        throw new UsageError('Pass exactly one of --shop <shop> or --base-url <url>.');
      }
      checkVersionFlags(options);
      const passphrase = ctx.requireEnv(PASSPHRASE_ENV, "the shop's SSO passphrase");
      const location = options.shop !== undefined ? { shop: options.shop } : { baseUrl: options.baseUrl as string };
      // Extra fields are passed as given; the package validates them against the vendor's table.
      const fields = fieldsFrom(options.user, options.field);
      const url = options.v2
        ? createSsoUrl({
            ...location,
            passphrase,
            fields: fields as SsoLinkFields,
            ...optional('method', options.method),
            ...optional('iv', options.iv),
          })
        : createAutologinUrl({
            ...location,
            passphrase,
            fields: fields as AutologinLinkFields,
            ...optional('validFor', options.validFor),
            ...(options.legacyKey ? { keyHandling: 'legacy' as const } : {}),
          });
      ctx.out(`${url}\n`);
    });

  printlounge
    .command('decode')
    .description('Decrypt a login URL (or its u_data / h value) and print the fields as JSON.')
    .argument('<url>', 'the autologin.php or sso.php URL, or just its u_data value (h value with --v2)')
    .option('--legacy-key', 'v1: PHP < 5.6 key handling for the passphrase')
    .option('--v2', 'the value is a v2 h value (URLs with h= are recognised without it)')
    .option('--method <method>', `v2: the shop's encryption method (${SSO_METHODS.join(', ')})`, methodArgument)
    .option('--iv <rule>', "v2: IV rule: 'passphrase' (default), 'method', or 32 hex digits", ivArgument)
    .addHelpText('after', `\nEnvironment:\n  ${PASSPHRASE_ENV}  the shop's SSO passphrase`)
    .action((input: string, options: SsoOptions & { legacyKey?: boolean }) => {
      const link = extractLinkData(input, options.v2 === true);
      checkVersionFlags({ ...options, v2: link.version === 2 });
      const passphrase = ctx.requireEnv(PASSPHRASE_ENV, "the shop's SSO passphrase");
      if (link.version === 2) {
        const fields = decodeSsoData(link.value, passphrase, {
          ...optional('method', options.method),
          ...optional('iv', options.iv),
        });
        ctx.out(`${JSON.stringify(fields, null, 2)}\n`);
        ctx.err(requestTimeNote(fields.request_time));
        return;
      }
      const fields = decodeAutologinData(link.value, passphrase, options.legacyKey ? { keyHandling: 'legacy' } : {});
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

/** What decode says about a v2 link's age, against the shop's default validity. */
function requestTimeNote(requestTime: string | undefined): string {
  if (requestTime === undefined) return 'note: no request_time field: a v2 shop refuses such a link.\n';
  const sent = parseRequestTime(requestTime);
  if (sent === undefined)
    return `note: request_time is not ISO 8601 as PHP writes it: a v2 shop refuses such a link.\n`;
  const age = Math.round(Date.now() / 1000 - sent);
  if (age < 0) return `note: request_time lies ${-age} s in the future: check the sender's clock.\n`;
  return age <= SSO_DEFAULT_MAX_AGE
    ? `note: made ${age} s ago; a shop with the default validity (${SSO_DEFAULT_MAX_AGE} s) accepts it for ${SSO_DEFAULT_MAX_AGE - age} s more.\n`
    : `note: made ${age} s ago: a shop with the default validity (${SSO_DEFAULT_MAX_AGE} s) refuses it.\n`;
}

/** The encrypted value of a v1 (`u_data`) or v2 (`h`) link, URL or bare value, and which version it is. */
function extractLinkData(input: string, v2: boolean): { version: 1 | 2; value: string } {
  const trimmed = input.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    const params = new URL(trimmed).searchParams;
    const h = params.get('h');
    const uData = params.get('u_data');
    // searchParams decoded it once (the decoders accept plain base64); base64 has no spaces,
    // so a space can only be a '+' someone forgot to encode.
    if (h !== null && h !== '') return { version: 2, value: h.replace(/ /g, '+') };
    if (uData !== null && uData !== '' && !v2) return { version: 1, value: uData.replace(/ /g, '+') };
    throw new UsageError(
      v2
        ? 'The URL has no h parameter: pass the full SSO v2 URL (…/sso.php?h=…).'
        : 'The URL has no u_data parameter: pass the full autologin URL (…/autologin.php?u_data=…) or SSO v2 URL (…/sso.php?h=…).',
    );
  }
  for (const [prefix, version] of [
    ['u_data=', 1],
    ['h=', 2],
  ] as const) {
    if (trimmed.startsWith(prefix)) return { version, value: decodeURIComponent(trimmed.slice(prefix.length)) };
  }
  if (trimmed === '') throw new UsageError('Pass the login URL or its u_data (or, with --v2, h) value.');
  return { version: v2 ? 2 : 1, value: trimmed };
}
