import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSandbox, type Sandbox, startSandbox } from '../src/sandbox.js';
import { runCli } from './support/cli.js';

// Issue 16.6: the sandbox prints ready-to-click example links. Hashes and links expire (a Wialon
// auth hash after 2 minutes, a Print-Lounge v1 link after 300 s), so each printed link is a
// sandbox address that makes a fresh one on every click and redirects to it.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

/** Follows redirects by hand (carrying cookies), returning every status and the last page. */
async function click(url: string): Promise<{ statuses: number[]; locations: string[]; body: string }> {
  const statuses: number[] = [];
  const locations: string[] = [];
  let cookie = '';
  let next = url;
  for (let hop = 0; hop < 6; hop++) {
    const response = await fetch(next, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    statuses.push(response.status);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0] ?? '';
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || location === null) {
      return { statuses, locations, body: await response.text() };
    }
    next = new URL(location, next).toString();
    locations.push(next);
  }
  throw new Error('too many redirects');
}

describe('sandbox example links', () => {
  it('the Wialon app link plays a click on the Okdesk application: fresh hash → /wialonauth → portal', async () => {
    expect(sandbox.links.wialonApp.startsWith(sandbox.origin)).toBe(true);
    const before = sandbox.mocks.wialon.stats.useAuthHash;
    const first = await click(sandbox.links.wialonApp);
    expect(first.statuses).toEqual([302, 302, 200]);
    const appLink = new URL(first.locations[0] ?? '');
    expect(`${appLink.origin}${appLink.pathname}`).toBe(`${sandbox.urls.okdesk}/wialonauth`);
    expect(appLink.searchParams.get('user')).toBe('AliceNorris');
    expect(appLink.searchParams.get('baseUrl')).toBe(sandbox.urls.wialon);
    expect(first.body).toContain('Signed in as <span id="contact">AliceNorris</span>');
    expect(sandbox.mocks.wialon.stats.useAuthHash).toBe(before + 1);

    // Every click is a new hash; the old link is refused as replayed.
    const second = await click(sandbox.links.wialonApp);
    expect(second.statuses).toEqual([302, 302, 200]);
    expect(second.locations[0]).not.toBe(first.locations[0]);
    const replay = await click(first.locations[0] ?? '');
    expect(replay.statuses).toEqual([403]);
    expect(replay.body).toContain('Reference: replayed');
  });

  it('the Wialon app link for a user without an Okdesk contact ends on the refusal page', async () => {
    const bob = await click(`${sandbox.links.wialonApp}?user=BobSmith`);
    expect(bob.statuses).toEqual([302, 403]);
    expect(bob.body).toContain('Reference: unknown_contact');
    expect((await fetch(`${sandbox.links.wialonApp}?user=Nobody`, { redirect: 'manual' })).status).toBe(404);
  });

  it('the Print-Lounge v1 link signs a fresh autologin link that logs the demo user into the shop', async () => {
    const visit = await click(sandbox.links.printloungeV1);
    expect(visit.locations[0]).toMatch(new RegExp(`^${sandbox.urls.printlounge}/autologin\\.php\\?u_data=`));
    expect(visit.statuses.at(-1)).toBe(200);
    expect(visit.body).toContain('Logged in as <span id="user">');
  });

  it('the Print-Lounge v2 link signs a fresh sso.php?h= link that logs the demo user into the shop', async () => {
    const visit = await click(sandbox.links.printloungeV2);
    expect(visit.locations[0]).toMatch(new RegExp(`^${sandbox.urls.printlounge}/sso\\.php\\?h=`));
    expect(visit.statuses.at(-1)).toBe(200);
    expect(visit.body).toContain('Logged in as <span id="user">');
  });

  it('describeSandbox prints every link and the shell recipe for `wialon verify`', () => {
    const text = describeSandbox(sandbox);
    expect(text).toContain(sandbox.links.wialonApp);
    expect(text).toContain(sandbox.links.printloungeV1);
    expect(text).toContain(sandbox.links.printloungeV2);
    expect(text).toContain(`WIALON_BASE_URL=${sandbox.urls.wialon}`);
    expect(text).toContain(`WIALON_TOKEN=${sandbox.credentials.wialon.token}`);
    expect(text).toContain(
      `vendorkit wialon verify "$(vendorkit wialon app-link --app-url ${sandbox.urls.okdesk}/wialonauth)"`,
    );
  });

  it('`vendorkit sandbox` prints the links on start, and they work', async () => {
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
    const wialonApp = /https?:\/\/\S+\/try\/wialon-app/.exec(banner)?.[0];
    const printlounge = /https?:\/\/\S+\/try\/printlounge-v1/.exec(banner)?.[0];
    expect(wialonApp).toBeDefined();
    expect(printlounge).toBeDefined();
    expect((await click(wialonApp ?? '')).body).toContain('Signed in as');
    expect((await click(printlounge ?? '')).body).toContain('Logged in as');
    stop();
    expect((await running).code).toBe(0);
  });
});
