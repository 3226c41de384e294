import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAutologinUrl, createSsoUrl, type SsoIv, type SsoMethod } from 'vendorkit/printlounge-sso';

/** Where the print shop is and how to sign links for it. The passphrase stays on the server. */
export interface PrintShopConfig {
  /** The shop's URL, e.g. `https://acme.print-server.net` or the sandbox shop URL. */
  shopBaseUrl: string;
  /** The shop's SSO passphrase (v1: 16, 24 or 32 bytes; v2: any length). */
  passphrase: string;
  /** The shop's SSO interface: 1 = `autologin.php?u_data=` (default), 2 = `sso.php?h=`. */
  version?: 1 | 2;
  /** v2: the shop's encryption method (default `aes-256-cbc`). */
  method?: SsoMethod;
  /** v2: the shop's IV rule (default `'passphrase'`; unconfirmed by the vendor). */
  iv?: SsoIv;
}

/** The signed-in user of this demo intranet. A real app takes it from its own session. */
export interface IntranetUser {
  userName: string;
  longName: string;
  company: string;
}

/** A running intranet app. */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

const page = (user: IntranetUser) => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Intranet</title></head>
<body>
  <h1>Welcome, ${escapeHtml(user.longName)}</h1>
  <p>Order business cards and flyers in our print shop: you are signed in automatically.</p>
  <p><a id="open-print-shop" href="/print-shop">Open the print shop</a></p>
</body>
</html>`;

/**
 * A tiny intranet: `/` shows an "Open the print shop" link; `/print-shop` signs a fresh,
 * short-lived login link (v1 autologin or v2 SSO, as the shop is configured) for the signed-in
 * user and redirects the browser to it. The link is made per click, on the server, so the
 * passphrase never reaches a page.
 */
export async function startPrintLoungeWebApp(
  config: PrintShopConfig,
  user: IntranetUser,
  { port = 0, host = '127.0.0.1' } = {},
): Promise<RunningApp> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(page(user));
      return;
    }
    if (req.method === 'GET' && path === '/print-shop') {
      try {
        // Name and company come from the intranet's directory, not from the user. Text users can edit
        // (a profile page) is safe here only as far as the links' splice-resistant layout goes: it keeps
        // them from logging in as someone else, but not from reusing the first 13 bytes of their own user
        // name or (v2) from dating their own link ahead — docs/printlounge.md, "Links users could splice
        // into someone else's". Send only what the shop needs.
        const fields = {
          customer_user_name: user.userName,
          customer_longname: user.longName,
          customer_user_company1: user.company,
        };
        const link =
          config.version === 2
            ? createSsoUrl({
                baseUrl: config.shopBaseUrl,
                passphrase: config.passphrase,
                fields, // request_time = now; the shop accepts the link for 500 s by default
                ...(config.method ? { method: config.method } : {}),
                ...(config.iv ? { iv: config.iv } : {}),
              })
            : createAutologinUrl({ baseUrl: config.shopBaseUrl, passphrase: config.passphrase, fields, validFor: 60 });
        res.writeHead(302, { location: link, 'cache-control': 'no-store' });
        res.end();
      } catch (error) {
        // Say what failed by code, never the passphrase or the link.
        const code = (error as { code?: string }).code ?? 'unknown_error';
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(`Could not open the print shop (${code}).`);
      }
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${actualPort}/`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
