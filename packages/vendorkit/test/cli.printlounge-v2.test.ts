import { decodeSsoData, parseSsoUrl } from '@vendorkit/printlounge-sso';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox.js';
import { type CliResult, runCli } from './support/cli.js';

// `vendorkit printlounge link --v2` / `decode` for SSO v2 links (sso.php?h=…), end to end against the
// sandbox's Print-Lounge shop.

let sandbox: Sandbox;
const transcripts: CliResult[] = [];
const cli = async (...args: Parameters<typeof runCli>) => {
  const result = await runCli(...args);
  transcripts.push(result);
  return result;
};
const passphrase = () => sandbox.credentials.printlounge.passphrase;
const env = () => ({ PRINTLOUNGE_PASSPHRASE: passphrase() });

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
  for (const { stdout, stderr } of transcripts) {
    expect(stdout + stderr).not.toContain(passphrase());
    expect(stdout + stderr).not.toContain(encodeURIComponent(passphrase()));
  }
});

describe('printlounge link --v2 / decode', () => {
  it('makes a v2 link the sandbox shop logs the user in with; decode reads it back with a note on its age', async () => {
    const link = await cli(
      [
        'printlounge',
        'link',
        '--v2',
        '--base-url',
        sandbox.urls.printlounge,
        '--user',
        'max@example.com',
        '--field',
        'customer_firstname=Max',
        '--field',
        'view_settings[header]=0',
        '--field',
        'view_settings[nav]=1',
        '--field',
        'customfield1=a=b&c',
      ],
      env(),
    );
    expect(link.code).toBe(0);
    const url = link.stdout.trim();
    expect(url.startsWith(`${sandbox.urls.printlounge}/sso.php?h=`)).toBe(true);
    expect(parseSsoUrl(url, { passphrase: passphrase() })).toMatchObject({
      customer_user_name: 'max@example.com',
      view_settings: { header: 0, nav: 1 },
      customfield1: 'a=b&c',
    });

    const shop = await fetch(url, { redirect: 'manual' });
    expect(shop.status).toBe(302);
    expect(sandbox.mocks.printlounge.logins.at(-1)).toMatchObject({
      via: 'sso',
      fields: { customer_firstname: 'Max' },
    });

    const decoded = await cli(['printlounge', 'decode', url], env());
    expect(decoded.code).toBe(0);
    expect(decoded.stderr).toMatch(
      /^note: made \d s ago; a shop with the default validity \(500 s\) accepts it for \d+ s more\.\n$/,
    );
    const fields = JSON.parse(decoded.stdout) as Record<string, string>;
    expect(Object.keys(fields)).toEqual([
      'customer_user_name',
      'customer_firstname',
      'view_settings[header]',
      'view_settings[nav]',
      'customfield1',
      'request_time',
    ]);
    expect(fields.request_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);

    // The bare h value decodes the same way with --v2.
    const h = new URL(url).searchParams.get('h')!;
    const bare = await cli(['printlounge', 'decode', '--v2', h], env());
    expect(JSON.parse(bare.stdout)).toEqual(fields);
  });

  it('--method and --iv must match the shop: the link decodes with them and not without', async () => {
    const link = await cli(
      [
        'printlounge',
        'link',
        '--v2',
        '--shop',
        'acme',
        '--user',
        'max',
        '--method',
        'aes-128-cbc',
        '--iv',
        '00112233445566778899aabbccddeeff',
      ],
      env(),
    );
    expect(link.code).toBe(0);
    expect(link.stdout).toMatch(/^https:\/\/acme\.print-server\.net\/sso\.php\?h=[A-Za-z0-9%]+\n$/);
    const iv = Uint8Array.from('00112233445566778899aabbccddeeff'.match(/../g)!, (b) => Number.parseInt(b, 16));
    const h = new URL(link.stdout.trim()).searchParams.get('h')!;
    expect(decodeSsoData(h, passphrase(), { method: 'aes-128-cbc', iv }).customer_user_name).toBe('max');

    const right = await cli(
      [
        'printlounge',
        'decode',
        link.stdout.trim(),
        '--method',
        'aes-128-cbc',
        '--iv',
        '00112233445566778899aabbccddeeff',
      ],
      env(),
    );
    expect([right.code, JSON.parse(right.stdout).customer_user_name]).toEqual([0, 'max']);
    const wrong = await cli(['printlounge', 'decode', link.stdout.trim()], env());
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^error \[invalid_passphrase\]: .*method \(aes-256-cbc\) or IV rule/);

    const byMethodName = await cli(
      ['printlounge', 'link', '--v2', '--shop', 'acme', '--user', 'max', '--iv', 'method'],
      env(),
    );
    const back = await cli(['printlounge', 'decode', byMethodName.stdout.trim(), '--iv', 'method'], env());
    expect(JSON.parse(back.stdout).customer_user_name).toBe('max');
  });

  it('the seed’s 33-byte passphrase works for v2 without --legacy-key', async () => {
    const seed = { PRINTLOUNGE_PASSPHRASE: 'Hier steht die geheime Passphrase' };
    const link = await cli(['printlounge', 'link', '--v2', '--shop', 'acme', '--user', 'max'], seed);
    expect(link.code).toBe(0);
    const back = await cli(['printlounge', 'decode', link.stdout.trim()], seed);
    expect(JSON.parse(back.stdout).customer_user_name).toBe('max');
    expect(link.stdout + link.stderr + back.stdout + back.stderr).not.toContain(seed.PRINTLOUNGE_PASSPHRASE);
  });

  it('tells v1-only and v2-only flags apart, and names broken v2 fields', async () => {
    for (const { argv, says } of [
      {
        argv: ['link', '--shop', 'x', '--user', 'max', '--method', 'aes-128-cbc'],
        says: /--method and --iv are for SSO v2 links.*add --v2/,
      },
      {
        argv: ['link', '--v2', '--shop', 'x', '--user', 'max', '--valid-for', '60'],
        says: /--valid-for is for v1 links/,
      },
      { argv: ['link', '--v2', '--shop', 'x', '--user', 'max', '--legacy-key'], says: /--legacy-key is for v1/ },
      {
        argv: ['link', '--v2', '--shop', 'x', '--user', 'max', '--method', 'aes-256-gcm'],
        says: /Expected one of aes-128-cbc, aes-192-cbc, aes-256-cbc/,
      },
      {
        argv: ['link', '--v2', '--shop', 'x', '--user', 'max', '--iv', 'random'],
        says: /Expected 'passphrase', 'method' or the 16 IV bytes as 32 hex digits/,
      },
      { argv: ['decode', '--v2', 'https://acme.print-server.net/sso.php'], says: /no h parameter/ },
    ]) {
      const result = await cli(['printlounge', ...argv], env());
      expect([argv.join(' '), result.code]).toEqual([argv.join(' '), 2]);
      expect(result.stderr).toMatch(says);
    }
    const bad = await cli(
      ['printlounge', 'link', '--v2', '--shop', 'x', '--user', 'max', '--field', 'sprache=de', '--field', 'lang=de'],
      env(),
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error \[invalid_field\]: .*sprache is not an SSO v2 field: v2 uses lang/);
    expect(bad.stderr).toContain('lang must be a locale such as de_DE');
  });

  it('decode warns about old and future-dated v2 links', async () => {
    for (const [requestTime, says] of [
      [
        '2001-09-09T01:46:40+00:00',
        /^note: made \d+ s ago: a shop with the default validity \(500 s\) refuses it\.\n$/,
      ],
      ['2999-01-01T00:00:00+0000', /^note: request_time lies \d+ s in the future: check the sender's clock\.\n$/],
    ] as const) {
      const link = await cli(
        ['printlounge', 'link', '--v2', '--shop', 'acme', '--user', 'max', '--field', `request_time=${requestTime}`],
        env(),
      );
      const decoded = await cli(['printlounge', 'decode', link.stdout.trim()], env());
      expect(decoded.code).toBe(0);
      expect(decoded.stderr).toMatch(says);
    }
  });
});
