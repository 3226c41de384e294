import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWialonOkdeskAuth, type Logger, toNodeHandler } from 'vendorkit/wialon-okdesk-auth';

/** Configuration of the bridge: whom to trust and which Okdesk account to log into. */
export interface BridgeConfig {
  /** Wialon API servers whose answers are trusted, e.g. `['https://hst-api.wialon.com']`. */
  trustedWialonBaseUrls: string[];
  /** Okdesk account URL and API token (the token stays on this server). */
  okdesk: { baseUrl: string; apiToken: string };
  /** Where refusals and successes are reported. Default: nowhere (the package itself is silent). */
  logger?: Logger;
}

/** A running bridge. */
export interface RunningBridge {
  /** The URL to register as the Wialon application URL. */
  wialonAuthUrl: string;
  close(): Promise<void>;
}

/**
 * A `/wialonauth` receiver for the Wialon application link: checks that the link's Wialon
 * server is trusted, that Wialon confirms the auth hash for that very user, that an Okdesk
 * contact has this login, and redirects to a one-time Okdesk portal login link. Refusals get
 * an HTML page with 400/403/502.
 */
export async function startWialonBridge(
  config: BridgeConfig,
  { port = 0, host = '127.0.0.1' } = {},
): Promise<RunningBridge> {
  const auth = createWialonOkdeskAuth({
    trustedWialonBaseUrls: config.trustedWialonBaseUrls,
    // Redirect into the portal through Okdesk's login_link endpoint: undocumented (VENDORS.md §3,
    // [G]) hence opt-in; the sandbox serves it. On an account without it, pass portalLoginLink.
    okdesk: { ...config.okdesk, loginLink: true },
    ...(config.logger ? { logger: config.logger } : {}),
  });
  const wialonauth = toNodeHandler((request) => auth.handle(request));
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/wialonauth') {
      void wialonauth(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    wialonAuthUrl: `http://${host}:${actualPort}/wialonauth`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
