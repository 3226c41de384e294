import { createSsoSigner, createSsoUrl, encodeSsoData } from '@vendorkit/printlounge-sso';
import { createPrintLoungeMock, MOCK_SESSION_COOKIE } from '@vendorkit/printlounge-sso/mocks';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const demoPassphrase = 'Hier steht die geheime Passphrase'; // 33 bytes: fine for v2
const otherPassphrase = 'other-shop-key16';
const now = Date.UTC(2026, 11, 1, 21, 0, 0);
const mock = createPrintLoungeMock({
  shops: {
    demo: { passphrase: demoPassphrase, keyHandling: 'legacy' },
    other: { passphrase: otherPassphrase, method: 'aes-128-cbc', iv: 'method' },
  },
  now,
});
const server = setupServer(...mock.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.reset());
afterAll(() => server.close());

async function errorCode(url: string): Promise<[number, string | null]> {
  const response = await fetch(url, { redirect: 'manual' });
  return [response.status, response.headers.get('x-printlounge-mock-error')];
}

describe('Print-Lounge mock, SSO v2 (sso.php?h=)', () => {
  it('logs in with a createSsoUrl link: 302 + session cookie, then "Logged in as <user>"', async () => {
    const url = createSsoUrl({
      shop: 'demo',
      passphrase: demoPassphrase,
      now,
      fields: { customer_user_name: 'max@mustermann.de', customer_firstname: 'Max', customer_lastname: '<Mustermann>' },
    });
    expect(mock.ssoUrl('demo')).toBe('https://demo.print-server.net/sso.php');
    const redirect = await fetch(url, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([
      302,
      'https://demo.print-server.net/index.php',
    ]);
    const cookie = redirect.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toMatch(new RegExp(`^${MOCK_SESSION_COOKIE}=[0-9a-f]{32}$`));
    const html = await (await fetch(redirect.headers.get('location')!, { headers: { cookie } })).text();
    expect(html).toContain('Logged in as <span id="user">max@mustermann.de</span> (Max &#60;Mustermann&#62;)');
    expect(mock.logins.map((l) => [l.shop, l.via, l.fields.customer_user_name])).toEqual([
      ['demo', 'sso', 'max@mustermann.de'],
    ]);
  });

  it('uses each shop’s method and IV rule, routes to dest_page/dest_id', async () => {
    const signer = createSsoSigner({
      baseUrl: 'http://www.other.print-server.net',
      passphrase: otherPassphrase,
      method: 'aes-128-cbc',
      iv: 'method',
    });
    const redirect = await fetch(
      signer.createUrl({ customer_user_name: 'ERIKA', dest_page: 'article_detail', dest_id: 7 }, { now }),
      { redirect: 'manual' },
    );
    expect([redirect.status, redirect.headers.get('location')]).toEqual([
      302,
      'http://www.other.print-server.net/index.php?dest_page=article_detail&dest_id=7',
    ]);
    // The same link with the default settings (aes-256-cbc, IV from the passphrase) is refused.
    const defaults = createSsoUrl({
      shop: 'other',
      passphrase: otherPassphrase,
      now,
      fields: { customer_user_name: 'ERIKA' },
    });
    expect(await errorCode(defaults)).toEqual([403, 'invalid_passphrase']);
  });

  it('test=true shows the received data instead of logging in', async () => {
    const url = createSsoUrl({
      shop: 'demo',
      passphrase: demoPassphrase,
      now,
      fields: {
        customer_user_name: 'tester',
        customer_user_company1: 'Müller & Söhne <GmbH>',
        view_settings: { header: 0 },
        test: true,
      },
    });
    const response = await fetch(url, { redirect: 'manual' });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toContain('<h1>SSO-Test</h1>');
    expect(html).toContain('<tr><th>customer_user_company1</th><td>Müller &#38; Söhne &#60;GmbH&#62;</td></tr>');
    expect(html).toContain('<tr><th>view_settings[header]</th><td>0</td></tr>');
    expect(html).toContain('<tr><th>request_time</th><td>2026-12-01T21:00:00+00:00</td></tr>');
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(mock.logins).toHaveLength(0);
  });

  it('shows an error page for a missing or broken h, wrong settings, missing fields and old or future links', async () => {
    const base = 'https://demo.print-server.net/sso.php';
    const fresh = (at: number) =>
      createSsoUrl({ shop: 'demo', passphrase: demoPassphrase, now: at, fields: { customer_user_name: 'x' } });
    const cases: Array<[string, number, string]> = [
      [base, 400, 'missing_h'],
      [`${base}?h=`, 400, 'invalid_h'],
      [`${base}?h=garbage!!`, 400, 'invalid_h'],
      [`${base}?h=${fresh(now).split('?h=')[1]!.slice(0, 30)}`, 400, 'invalid_h'],
      [
        createSsoUrl({ shop: 'demo', passphrase: otherPassphrase, now, fields: { customer_user_name: 'x' } }),
        403,
        'invalid_passphrase',
      ],
      [`${base}?h=${encodeSsoData({ customer_user_name: 'x' }, demoPassphrase)}`, 400, 'missing_field'],
      [
        `${base}?h=${encodeSsoData({ customer_user_name: 'x', request_time: 'gestern' }, demoPassphrase)}`,
        400,
        'invalid_field',
      ],
      [fresh(now - 531_000), 403, 'expired'],
      [fresh(now + 31_000), 403, 'expired'],
    ];
    for (const [url, status, code] of cases) expect([url, ...(await errorCode(url))]).toEqual([url, status, code]);
    expect(await errorCode(fresh(now - 530_000))).toEqual([302, null]);
    expect(await errorCode('https://nosuchshop.print-server.net/sso.php?h=abc')).toEqual([404, null]);
  });

  it('takes maxAgeSeconds and settings for all shops from the mock options', async () => {
    const strict = createPrintLoungeMock({
      shops: { demo: demoPassphrase },
      keyHandling: 'legacy', // for autologin.php: mcrypt on PHP >= 5.6 refuses 33-byte keys
      baseUrl: 'http://127.0.0.1:4010/printlounge',
      method: 'aes-192-cbc',
      iv: new Uint8Array(16).fill(1),
      maxAgeSeconds: 60,
      now,
    });
    const local = setupServer(...strict.handlers);
    server.close();
    local.listen({ onUnhandledRequest: 'error' });
    try {
      const link = (at: number) =>
        createSsoUrl({
          baseUrl: strict.shopUrls.demo!,
          passphrase: demoPassphrase,
          method: 'aes-192-cbc',
          iv: new Uint8Array(16).fill(1),
          now: at,
          fields: { customer_user_name: 'x' },
        });
      expect(await errorCode(link(now - 90_000))).toEqual([302, null]);
      expect(await errorCode(link(now - 91_000))).toEqual([403, 'expired']);
    } finally {
      local.close();
      server.listen({ onUnhandledRequest: 'error' });
    }
  });
});
