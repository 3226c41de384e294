import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAutologinUrl } from '@vendorkit/printlounge-sso';
import { createPrintLoungeMock, type PrintLoungeMock } from '@vendorkit/printlounge-sso/mocks';
import { getResponse } from 'msw';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What the umbrella's sandbox does: serve the mock's handlers on a real localhost HTTP server.
const passphrase = 'sandbox-passphrase-with-32-bytes';
let server: Server;
let baseUrl: string;
let mock: PrintLoungeMock;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const request = new Request(new URL(req.url ?? '/', baseUrl), {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        typeof v === 'string' ? [[k, v] as [string, string]] : [],
      ),
    });
    const response = await getResponse(mock.handlers, request);
    if (!response) {
      res.writeHead(599).end();
      return;
    }
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/printlounge`;
  mock = createPrintLoungeMock({ shops: { sandbox: passphrase }, baseUrl });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('Print-Lounge mock served on localhost under a configurable base URL', () => {
  it('redirects into the shop and shows the logged-in user, with a cookie scoped to the base path', async () => {
    expect(mock.autologinUrl('sandbox')).toBe(`${baseUrl}/autologin.php`);
    const url = createAutologinUrl({ baseUrl, passphrase, fields: { customer_user_name: 'SANDBOX_USER' } });
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(`${baseUrl}/index.php`);
    const setCookie = redirect.headers.get('set-cookie')!;
    expect(setCookie).toContain('Path=/printlounge/');
    const page = await fetch(redirect.headers.get('location')!, { headers: { cookie: setCookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Logged in as <span id="user">SANDBOX_USER</span>');
  });

  it('serves error pages too', async () => {
    const response = await fetch(`${baseUrl}/autologin.php?u_data=AAAA`);
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('data-code="invalid_u_data"');
  });
});
