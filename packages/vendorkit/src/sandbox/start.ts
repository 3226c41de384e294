import { createMcParkenMock, type McParkenMock } from '@vendorkit/mcparken-session/mocks';
import { createOfficeRnDMock, generateMockData, type OfficeRnDMock } from '@vendorkit/officernd-client/mocks';
import { createAutologinUrl, createSsoUrl } from '@vendorkit/printlounge-sso';
import { createPrintLoungeMock, type PrintLoungeMock } from '@vendorkit/printlounge-sso/mocks';
import { createWialonOkdeskAuth } from '@vendorkit/wialon-okdesk-auth';
import {
  createOkdeskMock,
  createWialonMock,
  type OkdeskMock,
  type WialonMock,
} from '@vendorkit/wialon-okdesk-auth/mocks';
import { HttpResponse, http, type RequestHandler } from 'msw';
import { serveRequestHandlers } from './http-bridge.js';

/** Options of {@link startSandbox}. */
export interface SandboxOptions {
  /** TCP port; default `0` (any free port). The CLI uses 4010. */
  port?: number;
  /** Interface to bind; default `127.0.0.1` (loopback only). */
  host?: string;
  /** Members the mock OfficeRnD starts with (generated, with plans and memberships). Default 12. */
  officerndMembers?: number;
}

/** Base URLs of the sandbox vendors, each to be passed as the package's `baseUrl` (or `identityUrl`). */
export interface SandboxUrls {
  /** Print-Lounge shop root (`baseUrl` of `createAutologinUrl`); the endpoint is `…/autologin.php`. */
  printlounge: string;
  /** McParken API root (`baseUrl` of `McParkenSession`). */
  mcparken: string;
  /** OfficeRnD API host (`baseUrl` of `OfficeRnDClient`). */
  officernd: string;
  /** OfficeRnD token host (`identityUrl` of `OfficeRnDClient`). */
  officerndIdentity: string;
  /** Wialon API base URL (a trusted base URL of `createWialonOkdeskAuth`). */
  wialon: string;
  /** Okdesk account URL (`okdesk.baseUrl` of `createWialonOkdeskAuth`). */
  okdesk: string;
}

/**
 * Ready-to-click example links. Each is a sandbox address that makes a fresh link on every click
 * (auth hashes and signed links expire) and redirects to it.
 */
export interface SandboxLinks {
  /**
   * A click on the "Okdesk client portal" application in Wialon, as the sandbox user: a fresh
   * auth hash, then the sandbox Okdesk's `/wialonauth` receiver (this package's `handle()`), then
   * the portal. `?user=BobSmith` plays a Wialon user without an Okdesk contact.
   */
  wialonApp: string;
  /** A freshly signed Print-Lounge v1 autologin link (`autologin.php?u_data=`) for the demo shop user. */
  printloungeV1: string;
  /** A freshly signed Print-Lounge SSO v2 link (`sso.php?h=`, aes-256-cbc, the default IV rule) for the demo shop user. */
  printloungeV2: string;
}

/** The fake credentials every sandbox accepts. They protect nothing: never reuse them elsewhere. */
export const SANDBOX_CREDENTIALS = Object.freeze({
  printlounge: Object.freeze({ shop: 'demo', passphrase: 'vendorkit-sandbox-passphrase-32b' }),
  mcparken: Object.freeze({
    apiKey: 'sandbox-mcparken-apikey',
    username: 'demo@example.com',
    password: 'sandbox-mcparken-password',
  }),
  officernd: Object.freeze({
    orgSlug: 'sandbox-org',
    clientId: 'sandbox-client-id',
    clientSecret: 'sandbox-client-secret',
  }),
  // Wialon tokens are 72 characters; this one signs AliceNorris in on the sandbox's Wialon (token/login).
  wialon: Object.freeze({ user: 'AliceNorris', token: `sandbox-wialon-token-${'0'.repeat(51)}` }),
  okdesk: Object.freeze({ apiToken: 'sandbox-okdesk-api-token' }),
});

/** The sandbox's fake credentials (see {@link SANDBOX_CREDENTIALS}). */
export type SandboxCredentials = typeof SANDBOX_CREDENTIALS;

/** A running sandbox. */
export interface Sandbox {
  /** `http://host:port` of the server. */
  origin: string;
  /** Each vendor's base URL on this server. */
  urls: SandboxUrls;
  /** Ready-to-click example links (see {@link SandboxLinks}). */
  links: SandboxLinks;
  /** The fake credentials the sandbox accepts. */
  credentials: SandboxCredentials;
  /** The vendor mocks, to inspect or steer their state (e.g. `mocks.mcparken.revokeAll()`). */
  mocks: {
    printlounge: PrintLoungeMock;
    mcparken: McParkenMock;
    officernd: OfficeRnDMock;
    wialon: WialonMock;
    okdesk: OkdeskMock;
  };
  /** Stops the server. */
  close(): Promise<void>;
}

/**
 * Starts a local HTTP server that answers like Print-Lounge, McParken, OfficeRnD (API and
 * identity), Wialon and Okdesk, each under its own path prefix, using the MSW handlers the
 * packages publish as `@vendorkit/<pkg>/mocks`. Nothing is intercepted globally: point a client
 * at `urls.<vendor>` to use it. The data is fake and lives in memory until `close()`.
 *
 * @example
 * ```ts
 * import { startSandbox } from 'vendorkit/sandbox';
 * import { McParkenSession } from 'vendorkit/mcparken-session';
 *
 * const sandbox = await startSandbox();
 * const session = new McParkenSession({ ...sandbox.credentials.mcparken, baseUrl: sandbox.urls.mcparken });
 * console.log(await session.http.get('parking/zones').json());
 * await sandbox.close();
 * ```
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const memberCount = options.officerndMembers ?? 12;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`startSandbox: port must be an integer from 0 to 65535, got ${String(port)}.`);
  }
  if (!Number.isInteger(memberCount) || memberCount < 0) {
    throw new RangeError(`startSandbox: officerndMembers must be a non-negative integer, got ${String(memberCount)}.`);
  }
  const credentials = SANDBOX_CREDENTIALS;
  let built: { urls: SandboxUrls; links: SandboxLinks; mocks: Sandbox['mocks'] } | undefined;

  const server = await serveRequestHandlers({
    port,
    host,
    createHandlers(origin) {
      const urls: SandboxUrls = {
        printlounge: `${origin}/printlounge/${credentials.printlounge.shop}`,
        mcparken: `${origin}/mcparken/api`,
        officernd: `${origin}/officernd`,
        officerndIdentity: `${origin}/identity`,
        wialon: `${origin}/wialon`,
        okdesk: `${origin}/okdesk`,
      };
      const mocks: Sandbox['mocks'] = {
        printlounge: createPrintLoungeMock({
          shops: {
            [credentials.printlounge.shop]: {
              passphrase: credentials.printlounge.passphrase,
              baseUrl: urls.printlounge,
            },
          },
        }),
        mcparken: createMcParkenMock({
          baseUrl: urls.mcparken,
          apiKeys: [credentials.mcparken.apiKey],
          users: [{ username: credentials.mcparken.username, password: credentials.mcparken.password }],
        }),
        officernd: createOfficeRnDMock({
          baseUrl: urls.officernd,
          identityUrl: urls.officerndIdentity,
          orgSlug: credentials.officernd.orgSlug,
          clients: [{ clientId: credentials.officernd.clientId, clientSecret: credentials.officernd.clientSecret }],
          seed: generateMockData(memberCount, { seed: 7 }),
        }),
        wialon: createWialonMock({
          baseUrl: urls.wialon,
          users: [{ name: credentials.wialon.user, token: credentials.wialon.token }, 'BobSmith'],
        }),
        okdesk: createOkdeskMock({
          baseUrl: urls.okdesk,
          apiToken: credentials.okdesk.apiToken,
          contacts: [
            { login: credentials.wialon.user, first_name: 'Alice', last_name: 'Norris', email: 'alice@example.com' },
            { login: 'carol', first_name: 'Carol', last_name: 'Jones', email: 'carol@example.com' },
          ],
        }),
      };
      const links: SandboxLinks = {
        wialonApp: `${origin}/try/wialon-app`,
        printloungeV1: `${origin}/try/printlounge-v1`,
        printloungeV2: `${origin}/try/printlounge-v2`,
      };
      built = { urls, links, mocks };
      const index: RequestHandler = http.get(`${origin}/`, () =>
        HttpResponse.json({ sandbox: 'vendorkit', note: 'Fake vendor APIs with fake data.', urls, links }),
      );
      // What Wialon does when a user clicks an application with Current user, Base URL and
      // Authorize hash: open its URL with a fresh hash (VENDORS.md §3).
      const wialonApp: RequestHandler = http.get(links.wialonApp, ({ request }) => {
        const user = new URL(request.url).searchParams.get('user') ?? credentials.wialon.user;
        let authHash: string;
        try {
          authHash = mocks.wialon.mintAuthHash(user);
        } catch {
          return html(404, '<h1>Wialon</h1><p>No such Wialon user in the sandbox.</p>');
        }
        const search = new URLSearchParams({ authHash, user, baseUrl: urls.wialon, lang: 'en' });
        return redirect(`${urls.okdesk}/wialonauth?${search}`);
      });
      // The receiver Okdesk itself serves at /wialonauth, played by this package: it trusts only
      // the sandbox Wialon and redirects into the portal stand-in below through the mock's login link.
      const receiver = createWialonOkdeskAuth({
        trustedWialonBaseUrls: [urls.wialon],
        okdesk: { baseUrl: urls.okdesk, apiToken: credentials.okdesk.apiToken, loginLink: true },
      });
      const wialonauth: RequestHandler = http.get(`${urls.okdesk}/wialonauth`, ({ request }) =>
        receiver.handle(request),
      );
      const printloungeV1: RequestHandler = http.get(links.printloungeV1, () =>
        redirect(
          createAutologinUrl({
            baseUrl: urls.printlounge,
            passphrase: credentials.printlounge.passphrase,
            fields: { customer_user_name: 'max@example.com' },
          }),
        ),
      );
      const printloungeV2: RequestHandler = http.get(links.printloungeV2, () =>
        redirect(
          createSsoUrl({
            baseUrl: urls.printlounge,
            passphrase: credentials.printlounge.passphrase,
            fields: { customer_user_name: 'max@example.com' },
          }),
        ),
      );
      // Where the Okdesk mock's one-time login links point: a stand-in for the client portal, so a
      // browser following the /wialonauth redirect lands somewhere that says who is signed in.
      const okdeskPortal: RequestHandler = http.get(`${urls.okdesk}/login_link/:token`, ({ request }) => {
        const link = mocks.okdesk.loginLinks.find((l) => l.url === request.url.split('?')[0]);
        const contact = link && mocks.okdesk.contacts.find((c) => c.id === link.contactId);
        if (!contact) return html(404, '<h1>Okdesk</h1><p>This login link is unknown.</p>');
        const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ');
        return html(
          200,
          `<h1>Okdesk client portal (sandbox)</h1><p class="user">Signed in as <span id="contact">${escapeHtml(String(contact.login))}</span> (${escapeHtml(name)})</p>`,
        );
      });
      return [
        index,
        wialonApp,
        wialonauth,
        printloungeV1,
        printloungeV2,
        okdeskPortal,
        ...mocks.printlounge.handlers,
        ...mocks.mcparken.handlers,
        ...mocks.officernd.handlers,
        ...mocks.wialon.handlers,
        ...mocks.okdesk.handlers,
      ];
    },
  });
  if (!built) throw new Error('startSandbox: the server started without building its handlers.');
  return {
    origin: server.origin,
    urls: built.urls,
    links: built.links,
    credentials,
    mocks: built.mocks,
    close: server.close,
  };
}

/**
 * A human-readable summary of a running sandbox: example links to click, URLs, credentials and
 * `export` lines for the CLI.
 */
export function describeSandbox(sandbox: Pick<Sandbox, 'origin' | 'urls' | 'links' | 'credentials'>): string {
  const { urls, links, credentials: c } = sandbox;
  return `vendorkit sandbox on ${sandbox.origin} (fake APIs, fake data, fake credentials)

Print-Lounge  shop "${c.printlounge.shop}"    ${urls.printlounge}/autologin.php
              passphrase          ${c.printlounge.passphrase}
McParken      API                 ${urls.mcparken}
              apikey / user / pw  ${c.mcparken.apiKey} / ${c.mcparken.username} / ${c.mcparken.password}
OfficeRnD     API host            ${urls.officernd}  (org "${c.officernd.orgSlug}")
              identity host       ${urls.officerndIdentity}
              client id / secret  ${c.officernd.clientId} / ${c.officernd.clientSecret}
Wialon        API base URL        ${urls.wialon}  (user "${c.wialon.user}")
Okdesk        account URL         ${urls.okdesk}  (api token ${c.okdesk.apiToken})

Try it in a browser (every click makes a fresh link):
  Wialon → Okdesk     ${links.wialonApp}
                      ${c.wialon.user} clicks the Okdesk application in Wialon: a fresh auth hash
                      (valid 2 minutes), checked by the sandbox Okdesk's /wialonauth, lands in the portal
                      (?user=BobSmith: a Wialon user without an Okdesk contact, refused)
  Print-Lounge v1     ${links.printloungeV1}
                      a freshly signed autologin link (valid 300 s) into shop "${c.printlounge.shop}"
  Print-Lounge v2     ${links.printloungeV2}
                      a freshly signed SSO v2 link (sso.php?h=, aes-256-cbc, valid 500 s) into the same shop

Use them with the CLI:
  export PRINTLOUNGE_PASSPHRASE=${c.printlounge.passphrase}
  export MCPARKEN_BASE_URL=${urls.mcparken} MCPARKEN_APIKEY=${c.mcparken.apiKey} MCPARKEN_USERNAME=${c.mcparken.username} MCPARKEN_PASSWORD=${c.mcparken.password}
  export OFFICERND_BASE_URL=${urls.officernd} OFFICERND_IDENTITY_URL=${urls.officerndIdentity} OFFICERND_ORG=${c.officernd.orgSlug} OFFICERND_CLIENT_ID=${c.officernd.clientId} OFFICERND_CLIENT_SECRET=${c.officernd.clientSecret}
  export WIALON_TRUSTED_BASE_URLS=${urls.wialon} OKDESK_URL=${urls.okdesk} OKDESK_API_TOKEN=${c.okdesk.apiToken}
  export WIALON_BASE_URL=${urls.wialon} WIALON_TOKEN=${c.wialon.token}
  vendorkit printlounge link --base-url ${urls.printlounge} --user max@example.com
  vendorkit printlounge link --v2 --base-url ${urls.printlounge} --user max@example.com
  vendorkit wialon verify "$(vendorkit wialon app-link --app-url ${urls.okdesk}/wialonauth)"
`;
}

function html(status: number, body: string): Response {
  return new HttpResponse(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Okdesk</title></head><body>${body}</body></html>`,
    {
      status,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    },
  );
}

function redirect(location: string): Response {
  return new HttpResponse(null, { status: 302, headers: { location, 'cache-control': 'no-store' } });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
