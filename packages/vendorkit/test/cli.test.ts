import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox.js';
import { type CliResult, runCli } from './support/cli.js';

let sandbox: Sandbox;
/** Every output of every run, to check afterwards that no secret ever appeared. */
const transcripts: CliResult[] = [];
const cli = async (...args: Parameters<typeof runCli>) => {
  const result = await runCli(...args);
  transcripts.push(result);
  return result;
};

const SECRETS = {
  passphrase: 'vendorkit-sandbox-passphrase-32b',
  mcparkenApiKey: 'sandbox-mcparken-apikey',
  mcparkenPassword: 'sandbox-mcparken-password',
  officerndSecret: 'sandbox-client-secret',
  okdeskToken: 'sandbox-okdesk-api-token',
};

const env = () => ({
  PRINTLOUNGE_PASSPHRASE: sandbox.credentials.printlounge.passphrase,
  MCPARKEN_BASE_URL: sandbox.urls.mcparken,
  MCPARKEN_APIKEY: sandbox.credentials.mcparken.apiKey,
  MCPARKEN_USERNAME: sandbox.credentials.mcparken.username,
  MCPARKEN_PASSWORD: sandbox.credentials.mcparken.password,
  OFFICERND_BASE_URL: sandbox.urls.officernd,
  OFFICERND_IDENTITY_URL: sandbox.urls.officerndIdentity,
  OFFICERND_ORG: sandbox.credentials.officernd.orgSlug,
  OFFICERND_CLIENT_ID: sandbox.credentials.officernd.clientId,
  OFFICERND_CLIENT_SECRET: sandbox.credentials.officernd.clientSecret,
  WIALON_TRUSTED_BASE_URLS: sandbox.urls.wialon,
  OKDESK_URL: sandbox.urls.okdesk,
  OKDESK_API_TOKEN: sandbox.credentials.okdesk.apiToken,
});

beforeAll(async () => {
  sandbox = await startSandbox();
  // The test's secret list must match what the sandbox really uses, or the leak check proves nothing.
  expect(Object.values(SECRETS).sort()).toEqual(
    [
      sandbox.credentials.printlounge.passphrase,
      sandbox.credentials.mcparken.apiKey,
      sandbox.credentials.mcparken.password,
      sandbox.credentials.officernd.clientSecret,
      sandbox.credentials.okdesk.apiToken,
    ].sort(),
  );
});

afterAll(async () => {
  await sandbox.close();
  // No run, successful or failing, printed a secret (nor its URL-encoded form).
  expect(transcripts.length).toBeGreaterThan(20);
  for (const { stdout, stderr } of transcripts) {
    for (const secret of Object.values(SECRETS)) {
      expect(stdout + stderr).not.toContain(secret);
      expect(stdout + stderr).not.toContain(encodeURIComponent(secret));
    }
  }
});

describe('help and usage errors', () => {
  it('--help lists every command and exits 0', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    for (const command of ['printlounge', 'mcparken', 'officernd', 'wialon', 'sandbox'])
      expect(stdout).toContain(command);
  });

  it('-V prints the version before a command, but after one it is a value, not the version flag', async () => {
    const version = await cli(['-V']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    const env = { PRINTLOUNGE_PASSPHRASE: '0123456789abcdef0123456789abcdef' };
    // "-V" is a valid customer_user_name (its characters are A-Z0-9_-.@): a link for that user.
    const link = await cli(['printlounge', 'link', '--shop', 'acme', '--user', '-V'], env);
    expect(link.code).toBe(0);
    const decoded = await cli(['printlounge', 'decode', '--', link.stdout.trim()], env);
    expect(decoded.stdout).toContain('"customer_user_name": "-V"');
    // …and as a lifetime it is refused like any other non-number.
    const lifetime = await cli(['printlounge', 'link', '--shop', 'acme', '--user', 'MAX', '--valid-for', '-V'], env);
    expect(lifetime.code).toBe(2);
    expect(lifetime.stdout).toBe('');
    expect(lifetime.stderr).toMatch(/^error: option '--valid-for <seconds>' argument '-V' is invalid/m);
  });

  it.each([
    'printlounge link',
    'printlounge decode',
    'mcparken token',
    'officernd members',
    'officernd sync',
    'wialon app-settings',
    'wialon verify',
    'sandbox',
  ])('%s --help exits 0 with usage and, where secrets are needed, the variables', async (command) => {
    const args = command.split(' ');
    const { code, stdout } = await cli([...args, '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain(`Usage: vendorkit ${args.join(' ')}`);
    const expectedEnv: Record<string, string> = {
      link: 'PRINTLOUNGE_PASSPHRASE',
      token: 'MCPARKEN_PASSWORD',
      members: 'OFFICERND_CLIENT_SECRET',
      verify: 'OKDESK_API_TOKEN',
    };
    const variable = expectedEnv[args.at(-1)!];
    if (variable) expect(stdout).toContain(variable);
  });

  it.each([
    { argv: ['nope'], says: /unknown command 'nope'/ },
    { argv: ['printlounge', 'lnk'], says: /Did you mean link\?/ },
    { argv: ['printlounge', 'link', '--shop', 'demo'], says: /required option '--user <name>'/ },
    {
      argv: ['printlounge', 'link', '--user', 'max', '--valid-for', 'soon', '--shop', 'x'],
      says: /--valid-for.*whole number/s,
    },
    { argv: ['printlounge', 'link', '--user', 'max'], says: /exactly one of --shop <shop> or --base-url <url>/ },
    { argv: ['printlounge', 'link', '--user', 'max', '--field', 'novalue', '--shop', 'x'], says: /key=value/ },
    { argv: ['officernd', 'sync'], says: /Pass --dry-run/ },
    { argv: ['officernd', 'members', '--status', 'bogus'], says: /active, former, pending/ },
    { argv: ['sandbox', '--port', '99999'], says: /between 0 and 65535/ },
    { argv: ['wialon', 'app-settings'], says: /required option '--okdesk-url <url>'/ },
  ])('$argv → exit 2 and says what to fix', async ({ argv, says }) => {
    const { code, stderr, stdout } = await cli(argv, env());
    expect(code).toBe(2);
    expect(stderr).toMatch(says);
    expect(stdout).toBe('');
  });

  it('a missing secret variable is a usage error naming the variable', async () => {
    const { code, stderr } = await cli(['printlounge', 'link', '--shop', 'demo', '--user', 'max'], {});
    expect(code).toBe(2);
    expect(stderr).toContain('Missing environment variable PRINTLOUNGE_PASSPHRASE');
    const token = await cli(['mcparken', 'token'], { MCPARKEN_APIKEY: 'k'.repeat(10) });
    expect(token.code).toBe(2);
    expect(token.stderr).toContain('MCPARKEN_USERNAME');
  });

  it.each([
    'printlounge link --shop x --user u --passphrase flag-secret-value',
    'mcparken token --password=flag-secret-value',
    'officernd members --client-secret flag-secret-value',
  ])('secrets cannot be given as flags: %s', async (command) => {
    const { code, stderr, stdout } = await cli(command.split(' '), env());
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: --[a-z-]+ is not accepted: secrets never come from flags/);
    expect(stderr).toContain('PRINTLOUNGE_PASSPHRASE');
    expect(stderr + stdout).not.toContain('flag-secret-value');
  });
});

describe('printlounge', () => {
  it('link makes a URL the sandbox shop logs the user in with; decode reads the fields back', async () => {
    const before = Math.floor(Date.now() / 1000);
    const link = await cli(
      [
        'printlounge',
        'link',
        '--base-url',
        sandbox.urls.printlounge,
        '--user',
        'max@example.com',
        '--field',
        'customer_longname=Max Mustermann',
        '--field',
        'customfield1=a=b&c',
        '--valid-for',
        '120',
      ],
      env(),
    );
    expect(link.code).toBe(0);
    const url = link.stdout.trim();
    expect(url.startsWith(`${sandbox.urls.printlounge}/autologin.php?u_data=`)).toBe(true);

    const shop = await fetch(url, { redirect: 'manual' });
    expect(shop.status).toBe(302);
    expect(sandbox.mocks.printlounge.logins.at(-1)?.fields).toMatchObject({
      customer_user_name: 'max@example.com',
      customer_longname: 'Max Mustermann',
      customfield1: 'a=b&c',
    });

    const decoded = await cli(['printlounge', 'decode', url], env());
    expect(decoded.code).toBe(0);
    expect(decoded.stderr).toMatch(/^note: valid until \S+ \(in 1[12]\d s\)\.\n$/);
    const fields = JSON.parse(decoded.stdout) as Record<string, string>;
    expect(Object.keys(fields)).toEqual(['customer_user_name', 'customer_longname', 'customfield1', 'valid_to']);
    expect(fields.customfield1).toBe('a=b&c');
    const validTo = Number(fields.valid_to);
    expect(validTo).toBeGreaterThanOrEqual(before + 120);
    expect(validTo).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 120);

    // The bare u_data value decodes the same way.
    const uData = new URL(url).searchParams.get('u_data')!;
    const bare = await cli(['printlounge', 'decode', uData], env());
    expect(JSON.parse(bare.stdout)).toEqual(fields);
  });

  it('--shop builds the print-server.net URL', async () => {
    const { code, stdout } = await cli(['printlounge', 'link', '--shop', 'acme', '--user', 'max'], env());
    expect(code).toBe(0);
    expect(stdout).toMatch(/^https:\/\/acme\.print-server\.net\/autologin\.php\?u_data=[A-Za-z0-9%._-]+\n$/);
  });

  it('the seed’s 33-byte passphrase fails in strict mode with its code and works with --legacy-key', async () => {
    const passphrase = 'Hier steht die geheime Passphrase'; // 33 bytes, from the vendor's example
    const strict = await cli(['printlounge', 'link', '--shop', 'acme', '--user', 'max'], {
      PRINTLOUNGE_PASSPHRASE: passphrase,
    });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^error \[invalid_key_size\]: /);
    expect(strict.stderr).toContain('--legacy-key');
    expect(strict.stderr).not.toContain(passphrase);
    const legacy = await cli(['printlounge', 'link', '--shop', 'acme', '--user', 'max', '--legacy-key'], {
      PRINTLOUNGE_PASSPHRASE: passphrase,
    });
    expect(legacy.code).toBe(0);
    const back = await cli(['printlounge', 'decode', legacy.stdout.trim(), '--legacy-key'], {
      PRINTLOUNGE_PASSPHRASE: passphrase,
    });
    expect(JSON.parse(back.stdout)).toMatchObject({ customer_user_name: 'max' });
  });

  it('decode tells when a link has expired', async () => {
    const expired = await cli(
      ['printlounge', 'link', '--shop', 'acme', '--user', 'max', '--field', 'valid_to=1000000000'],
      env(),
    );
    expect(expired.code).toBe(0);
    const decoded = await cli(['printlounge', 'decode', expired.stdout.trim()], env());
    expect(decoded.code).toBe(0);
    expect(JSON.parse(decoded.stdout)).toMatchObject({ valid_to: '1000000000' });
    expect(decoded.stderr).toMatch(
      /^note: expired at 2001-09-09T01:46:40\.000Z \(\d+ s ago\): the shop will refuse it\.\n$/,
    );
  });

  it('invalid fields and foreign links fail with the package error code', async () => {
    const badUser = await cli(['printlounge', 'link', '--shop', 'acme', '--user', 'max mustermann!'], env());
    expect(badUser.code).toBe(1);
    expect(badUser.stderr).toMatch(/^error \[invalid_field\]: .*customer_user_name/);
    const wrongKey = await cli(['printlounge', 'link', '--shop', 'acme', '--user', 'max'], env());
    const decoded = await cli(['printlounge', 'decode', wrongKey.stdout.trim()], {
      PRINTLOUNGE_PASSPHRASE: 'another-passphrase-of-32-bytes!!',
    });
    expect(decoded.code).toBe(1);
    expect(decoded.stderr).toMatch(/^error \[(invalid_passphrase|invalid_u_data)\]: /);
    const noData = await cli(['printlounge', 'decode', 'https://acme.print-server.net/autologin.php'], env());
    expect(noData.code).toBe(2);
    expect(noData.stderr).toContain('no u_data');
  });
});

describe('mcparken token', () => {
  it('shows who is logged in and until when, and only a prefix of the token', async () => {
    const { code, stdout } = await cli(['mcparken', 'token'], env());
    expect(code).toBe(0);
    expect(stdout).toContain('demo@example.com (user id 72)');
    const expires = /Expires\s+(\S+) \(in (\d+) s\)/.exec(stdout);
    expect(expires).not.toBeNull();
    const expiresAt = Date.parse(expires![1]!);
    expect(expiresAt).toBeGreaterThan(Date.now());
    const tokens = sandbox.mocks.mcparken.activeTokens();
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) expect(stdout).not.toContain(token);
    const shown = /Token\s+(\S+)…/.exec(stdout)?.[1];
    expect(shown && tokens.some((t) => t.startsWith(shown))).toBe(true);
  });

  it('a wrong password fails with McParken’s code 401.2, the password nowhere', async () => {
    const { code, stderr } = await cli(['mcparken', 'token'], { ...env(), MCPARKEN_PASSWORD: 'wrong-password-123' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error \[401\.2\]: /);
    expect(stderr).not.toContain('wrong-password-123');
  });

  it('an unreachable host fails as a runtime error without the password from the query string', async () => {
    const { code, stderr } = await cli(['mcparken', 'token'], {
      ...env(),
      MCPARKEN_BASE_URL: 'http://127.0.0.1:9/api',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error \[[a-z_0-9.]+\]: /);
    expect(stderr).not.toContain(SECRETS.mcparkenPassword);
  });
});

describe('officernd', () => {
  // Each CLI run is a new process-like client with its own token request; the sandbox enforces
  // OfficeRnD's 5 token requests per minute, so start every test with a fresh window.
  beforeEach(() => sandbox.mocks.officernd.resetTokenRateLimit());

  it('members --json returns every member with the status filter applied', async () => {
    const { code, stdout } = await cli(['officernd', 'members', '--status', 'active,pending', '--json'], env());
    expect(code).toBe(0);
    const members = JSON.parse(stdout) as Array<{ _id: string; status: string }>;
    const expected = sandbox.mocks.officernd.db.members
      .all()
      .filter((m) => m.status === 'active' || m.status === 'pending')
      .map((m) => m._id);
    expect(members.map((m) => m._id).sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
  });

  it('members prints a table; progress goes to stderr only on a TTY', async () => {
    const plain = await cli(['officernd', 'members'], env());
    expect(plain.code).toBe(0);
    expect(plain.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+EMAIL\s+STATUS$/);
    expect(plain.stdout).toContain(`${sandbox.mocks.officernd.db.members.size} member(s)`);
    expect(plain.stderr).toBe('');
    const tty = await runCli(['officernd', 'members'], env(), { isTTY: true });
    transcripts.push(tty);
    expect(tty.stderr).toMatch(/\d+ members/);
    expect(tty.stdout).toBe(plain.stdout);
  });

  it('sync --dry-run prints the summary and writes nothing', async () => {
    const deliveriesBefore = sandbox.mocks.officernd.db.deliveries.length;
    const { code, stdout } = await cli(['officernd', 'sync', '--dry-run'], env());
    expect(code).toBe(0);
    expect(stdout).toContain('Dry run: nothing was written.');
    const active = sandbox.mocks.officernd.db.members.all().filter((m) => m.status === 'active').length;
    expect(stdout).toMatch(new RegExp(`would create/update\\s+${active}\\b`));
    expect(sandbox.mocks.officernd.db.deliveries.length).toBe(deliveriesBefore);
  });

  it('a wrong client secret fails with the typed error code, the secret nowhere', async () => {
    sandbox.mocks.officernd.resetTokenRateLimit();
    const { code, stderr } = await cli(['officernd', 'members'], {
      ...env(),
      OFFICERND_CLIENT_SECRET: 'not-the-secret-42',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error \[token_request_failed\]: /);
    expect(stderr).toMatch(/^hint: .*OFFICERND_CLIENT_SECRET/m);
    expect(stderr).not.toContain('not-the-secret-42');
    sandbox.mocks.officernd.resetTokenRateLimit();
  });
});

describe('wialon', () => {
  const link = (baseUrl: string, authHash: string, user = 'AliceNorris') =>
    `https://acme.okdesk.ru/wialonauth?${new URLSearchParams({ authHash, user, baseUrl })}`;

  it('app-settings prints the URL and the three options', async () => {
    const { code, stdout } = await cli(['wialon', 'app-settings', '--okdesk-url', 'acme.okdesk.ru', '--json']);
    expect(code).toBe(0);
    const settings = JSON.parse(stdout) as { url: string; options: Array<{ parameter: string }> };
    expect(settings.url).toBe('https://acme.okdesk.ru/wialonauth');
    expect(settings.options.map((o) => o.parameter)).toEqual(['user', 'baseUrl', 'authHash']);
    const bad = await cli(['wialon', 'app-settings', '--okdesk-url', 'http://acme.okdesk.ru/x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error \[invalid_configuration\]: /);
  });

  it('verify accepts a genuine link once and names the contact', async () => {
    const url = link(sandbox.urls.wialon, sandbox.mocks.wialon.mintAuthHash('AliceNorris'));
    const ok = await cli(['wialon', 'verify', url], env());
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('"AliceNorris"');
    const contact = sandbox.mocks.okdesk.contacts.find((c) => c.login === 'AliceNorris')!;
    expect(ok.stdout).toContain(`Okdesk contact ${contact.id}`);
  });

  it('verify refuses an untrusted host without contacting it, with the reason code', async () => {
    const before = sandbox.mocks.wialon.stats.requests;
    const { code, stderr } = await cli(['wialon', 'verify', link('https://wialon.attacker.example', 'abcdef')], env());
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error \[wialon_auth_untrusted_base_url\]: /);
    expect(sandbox.mocks.wialon.stats.requests).toBe(before);
  });

  it('verify reports an unknown contact and an invalid hash by code', async () => {
    const bob = await cli(
      ['wialon', 'verify', link(sandbox.urls.wialon, sandbox.mocks.wialon.mintAuthHash('BobSmith'), 'BobSmith')],
      env(),
    );
    expect(bob.code).toBe(1);
    expect(bob.stderr).toMatch(/^error \[wialon_auth_unknown_contact\]: /);
    const invalid = await cli(['wialon', 'verify', link(sandbox.urls.wialon, 'f'.repeat(32))], env());
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^error \[wialon_auth_invalid_auth_hash\]: /);
  });
});

describe('sandbox command', () => {
  it('prints each vendor URL and serves them until stopped', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let announced!: (text: string) => void;
    const started = new Promise<string>((resolve) => {
      announced = resolve;
    });
    const running = runCli(
      ['sandbox', '--port', '0'],
      {},
      { untilStopped: () => stopped, onStdout: (text) => announced(text) },
    );
    const banner = await started;
    const origin = /sandbox on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    expect(origin).toBeDefined();
    for (const path of [
      '/printlounge/demo/autologin.php',
      '/mcparken/api',
      '/officernd',
      '/identity',
      '/wialon',
      '/okdesk',
    ]) {
      expect(banner).toContain(`${origin}${path}`);
    }
    const index = (await (await fetch(`${origin}/`)).json()) as { urls: Record<string, string> };
    expect(index.urls.mcparken).toBe(`${origin}/mcparken/api`);
    const session = await fetch(
      `${origin}/mcparken/api/session/getsession?username=demo%40example.com&password=sandbox-mcparken-password`,
      { headers: { apikey: 'sandbox-mcparken-apikey' } },
    );
    expect(((await session.json()) as { access_token?: string }).access_token).toEqual(expect.any(String));
    stop();
    const result = await running;
    expect(result.code).toBe(0);
    await expect(fetch(`${origin}/`)).rejects.toThrow();
  });
});
