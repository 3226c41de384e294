import { createAutologinSigner, createAutologinUrl, encodeAutologinData } from '@vendorkit/printlounge-sso';
import { createPrintLoungeMock, MOCK_SESSION_COOKIE } from '@vendorkit/printlounge-sso/mocks';
import fc from 'fast-check';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const demoPassphrase = 'demo-shop-passphrase-of-32-byte!';
const otherPassphrase = 'other-shop-key16';
const mock = createPrintLoungeMock({ shops: { demo: demoPassphrase, other: otherPassphrase } });
const server = setupServer(...mock.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => mock.reset());
afterAll(() => server.close());

async function follow(url: string): Promise<{ redirect: Response; page: Response; html: string }> {
  const redirect = await fetch(url, { redirect: 'manual' });
  expect(redirect.status).toBe(302);
  const cookie = redirect.headers.get('set-cookie')!.split(';')[0]!;
  const page = await fetch(redirect.headers.get('location')!, { headers: { cookie } });
  return { redirect, page, html: await page.text() };
}

describe('Print-Lounge mock (MSW, default print-server.net hosts)', () => {
  it('logs in with a link from createAutologinUrl: 302 + session cookie, then "Logged in as <user>"', async () => {
    const url = createAutologinUrl({
      shop: 'demo',
      passphrase: demoPassphrase,
      fields: { customer_user_name: 'max@mustermann.de', customer_longname: 'Max <Mustermann>' },
    });
    const { redirect, page, html } = await follow(url);
    expect(redirect.headers.get('location')).toBe('https://demo.print-server.net/index.php');
    expect(redirect.headers.get('set-cookie')).toMatch(
      new RegExp(`^${MOCK_SESSION_COOKIE}=[0-9a-f]{32}; Path=/; HttpOnly`),
    );
    expect(page.status).toBe(200);
    expect(html).toContain('Logged in as <span id="user">max@mustermann.de</span>');
    expect(html).toContain('Max &#60;Mustermann&#62;'); // escaped
    expect(mock.logins).toHaveLength(1);
    expect(mock.logins[0]!.fields.customer_user_name).toBe('max@mustermann.de');
  });

  it('answers on www. and http:, routes to dest_page/dest_id, and keeps shops apart', async () => {
    const signer = createAutologinSigner({ baseUrl: 'http://www.other.print-server.net', passphrase: otherPassphrase });
    const { redirect, html } = await follow(
      signer.createUrl({ customer_user_name: 'ERIKA', dest_page: 'wg', dest_id: 7 }),
    );
    expect(redirect.headers.get('location')).toBe('http://www.other.print-server.net/index.php?dest_page=wg&dest_id=7');
    expect(html).toContain('Logged in as <span id="user">ERIKA</span>');
    expect(html).toContain('Page wg 7');
    // the other shop's cookie is not a session in demo
    const cookie = redirect.headers.get('set-cookie')!.split(';')[0]!;
    const demoPage = await fetch('https://demo.print-server.net/index.php', { headers: { cookie } });
    expect(demoPage.status).toBe(401);
  });

  it('shows an error page for missing u_data, garbage, truncation, a wrong passphrase, missing fields, expiry', async () => {
    const base = 'https://demo.print-server.net/autologin.php';
    const good = createAutologinUrl({ shop: 'demo', passphrase: demoPassphrase, fields: { customer_user_name: 'x' } });
    const uData = good.slice(good.indexOf('u_data=') + 7);
    const cases: Array<[string, number, string]> = [
      [base, 400, 'missing_u_data'],
      [`${base}?u_data=`, 400, 'invalid_u_data'],
      [`${base}?u_data=garbage!!`, 400, 'invalid_u_data'],
      [`${base}?u_data=${uData.slice(0, 30)}`, 400, 'invalid_u_data'],
      [
        createAutologinUrl({ shop: 'demo', passphrase: otherPassphrase, fields: { customer_user_name: 'x' } }),
        403,
        'invalid_passphrase',
      ],
      [`${base}?u_data=${encodeAutologinData({ customer_user_name: 'x' }, demoPassphrase)}`, 400, 'missing_field'],
      [
        `${base}?u_data=${encodeAutologinData({ valid_to: 4_000_000_000, customer_user_name: 'bad name' }, demoPassphrase)}`,
        400,
        'invalid_field',
      ],
      [
        createAutologinUrl({
          shop: 'demo',
          passphrase: demoPassphrase,
          fields: { customer_user_name: 'x' },
          now: Date.now() - 3_600_000,
        }),
        403,
        'expired',
      ],
    ];
    for (const [url, status, code] of cases) {
      const response = await fetch(url, { redirect: 'manual' });
      expect([code, response.status, response.headers.get('x-printlounge-mock-error')]).toEqual([code, status, code]);
      expect(response.headers.get('content-type')).toContain('text/html');
      const html = await response.text();
      expect(html).toContain(`data-code="${code}"`);
      expect(html).not.toContain(demoPassphrase);
    }
    expect(mock.logins).toHaveLength(0);
  });

  it('answers 404 for an unknown shop and 401 for index.php without a session', async () => {
    const response = await fetch('https://nosuchshop.print-server.net/autologin.php?u_data=x');
    expect(response.status).toBe(404);
    expect((await fetch('https://demo.print-server.net/index.php')).status).toBe(401);
  });

  it('uses its own clock and clock skew', async () => {
    const clockMock = createPrintLoungeMock({
      shops: { demo: demoPassphrase },
      now: () => Date.UTC(2030, 0, 1),
      clockSkewSeconds: 0,
    });
    const local = setupServer(...clockMock.handlers);
    server.close();
    local.listen({ onUnhandledRequest: 'error' });
    try {
      const fresh = createAutologinUrl({
        shop: 'demo',
        passphrase: demoPassphrase,
        fields: { customer_user_name: 'x' },
        now: Date.UTC(2030, 0, 1) - 299_000,
      });
      expect((await fetch(fresh, { redirect: 'manual' })).status).toBe(302);
      const stale = createAutologinUrl({
        shop: 'demo',
        passphrase: demoPassphrase,
        fields: { customer_user_name: 'x' },
        now: Date.UTC(2030, 0, 1) - 301_000,
      });
      expect((await fetch(stale, { redirect: 'manual' })).status).toBe(403);
    } finally {
      local.close();
      server.listen({ onUnhandledRequest: 'error' });
    }
  });

  it('rejects bad configuration: no shops, baseUrl with several shops, a passphrase mcrypt refuses', () => {
    expect(() => createPrintLoungeMock({ shops: {} })).toThrow(/at least one shop/);
    expect(() =>
      createPrintLoungeMock({ shops: { a: demoPassphrase, b: demoPassphrase }, baseUrl: 'http://127.0.0.1:1' }),
    ).toThrow(/single shop/);
    const error = (() => {
      try {
        createPrintLoungeMock({ shops: { demo: 'Hier steht die geheime Passphrase' } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).toMatch(/33 bytes/);
    expect(error?.message).not.toContain('Hier steht');
    expect(
      createPrintLoungeMock({
        shops: { demo: { passphrase: 'Hier steht die geheime Passphrase', keyHandling: 'legacy' } },
      }).handlers.length,
    ).toBe(4); // autologin.php, sso.php, index.php, unknown shops
  });

  it('answers hostile u_data with a 4xx HTML page, never a 5xx or a crash (fast-check)', async () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom(...'AZaz09+/=%2B%2F '.split('')), maxLength: 300 }),
      fc.uint8Array({ minLength: 32, maxLength: 128 }).map((b) => encodeURIComponent(btoa(String.fromCharCode(...b)))),
    );
    await fc.assert(
      fc.asyncProperty(hostile, async (uData) => {
        const response = await fetch(
          `https://demo.print-server.net/autologin.php?u_data=${encodeURIComponent(uData)}`,
          {
            redirect: 'manual',
          },
        );
        expect([400, 403]).toContain(response.status);
        expect(response.headers.get('content-type')).toContain('text/html');
        expect(await response.text()).not.toContain(demoPassphrase);
      }),
      { numRuns: 300 },
    );
    expect(mock.logins).toHaveLength(0);
  });
});
