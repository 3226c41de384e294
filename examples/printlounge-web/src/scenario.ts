import { type PrintShopConfig, startPrintLoungeWebApp } from './app.js';

/** A demo user of the intranet. */
export const DEMO_USER = { userName: 'max@example.com', longName: 'Max Mustermann', company: 'Mustermann GmbH' };

/**
 * Runs the web app against a shop and clicks through as a person would (without a browser):
 * loads the page, follows "Open the print shop", lets the app redirect to the signed link and
 * opens the shop. Resolves to what happened, line by line; throws when a step fails.
 */
export async function runPrintLoungeScenario(
  config: PrintShopConfig,
  log: (line: string) => void = console.log,
): Promise<{ landingUrl: string; landingPage: string }> {
  const app = await startPrintLoungeWebApp(config, DEMO_USER);
  try {
    log(`intranet app listening on ${app.url}`);
    const home = await fetch(app.url);
    const html = await home.text();
    const href = /<a id="open-print-shop" href="([^"]+)"/.exec(html)?.[1];
    if (!href) throw new Error('The intranet page has no "Open the print shop" link.');
    log(`page shows "Open the print shop" → ${href}`);
    const redirect = await fetch(new URL(href, app.url), { redirect: 'manual' });
    const location = redirect.headers.get('location');
    if (redirect.status !== 302 || !location) {
      throw new Error(`Expected a redirect to the shop, got HTTP ${redirect.status}: ${await redirect.text()}`);
    }
    const shown = new URL(location);
    const [parameter, value] = shown.searchParams.has('h')
      ? ['h', shown.searchParams.get('h')]
      : ['u_data', shown.searchParams.get('u_data')];
    log(`app redirected to ${shown.origin}${shown.pathname}?${parameter}=${value?.slice(0, 12)}…`);
    // Follow the shop's own redirect by hand, keeping its session cookie, as a browser would.
    const autologin = await fetch(location, { redirect: 'manual' });
    if (autologin.status >= 400) {
      throw new Error(
        `The shop refused the login link: HTTP ${autologin.status} ${(await autologin.text()).slice(0, 300)}`,
      );
    }
    let landingUrl = location;
    let cookie = '';
    let landing = autologin;
    if (autologin.status >= 300 && autologin.headers.get('location')) {
      cookie = autologin.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ');
      landingUrl = new URL(autologin.headers.get('location')!, location).href;
      log(`shop accepted the link and set a session cookie; redirect to ${landingUrl}`);
      landing = await fetch(landingUrl, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
    }
    const landingPage = await landing.text();
    if (!landing.ok) throw new Error(`The shop page answered HTTP ${landing.status}: ${landingPage.slice(0, 300)}`);
    const text = landingPage
      .replace(/<title>[^<]*<\/title>/i, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    log(`shop page: "${text.slice(0, 120)}"`);
    return { landingUrl, landingPage };
  } finally {
    await app.close();
  }
}
