/**
 * The Print-Lounge example web app, used as a person would: a real headless Chromium opens
 * the intranet page, clicks "Open the print shop" and must land logged in on the sandbox shop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrintLoungeWebApp } from '../../../examples/printlounge-web/src/app.js';
import { DEMO_USER } from '../../../examples/printlounge-web/src/scenario.js';
import { type Sandbox, startSandbox } from '../src/sandbox.js';
import { browserTestMode, findChromium, launchChromium, missingChromiumError } from './support/chromium.js';

const chromiumPath = findChromium();
const mode = browserTestMode(chromiumPath);

describe.runIf(mode === 'fail')('browser tests under CI', () => {
  it('need a Chromium', () => {
    throw missingChromiumError();
  });
});

describe.runIf(mode === 'run')('printlounge-web in headless Chromium', () => {
  let sandbox: Sandbox;
  let app: Awaited<ReturnType<typeof startPrintLoungeWebApp>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    sandbox = await startSandbox();
    app = await startPrintLoungeWebApp(
      { shopBaseUrl: sandbox.urls.printlounge, passphrase: sandbox.credentials.printlounge.passphrase },
      DEMO_USER,
    );
    browser = await launchChromium(chromiumPath!);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sandbox?.close();
  });

  it('clicks through to the shop and lands logged in', async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await page.getByRole('link', { name: 'Open the print shop' }).click();
    await page.waitForURL(`${sandbox.urls.printlounge}/index.php`);
    expect(await page.locator('#user').textContent()).toBe(DEMO_USER.userName);
    expect(await page.locator('p.user').textContent()).toBe(
      `Logged in as ${DEMO_USER.userName} (${DEMO_USER.longName})`,
    );
    // The shop saw exactly this login, with the fields the app signed.
    expect(sandbox.mocks.printlounge.logins.at(-1)?.fields).toMatchObject({
      customer_user_name: DEMO_USER.userName,
      customer_user_company1: DEMO_USER.company,
    });
    // The passphrase never reached the browser: not in the page, not in any URL it visited.
    expect(await page.content()).not.toContain(sandbox.credentials.printlounge.passphrase);
    await page.close();
  });

  it('a tampered link does not log anyone in', async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    const href = await page.getByRole('link', { name: 'Open the print shop' }).getAttribute('href');
    const response = await page.request.get(new URL(href!, app.url).href, { maxRedirects: 0 });
    const signed = response.headers().location!;
    const tampered = signed.replace(/u_data=([^&]{4})/, 'u_data=AAAA');
    const answer = await page.goto(tampered);
    expect(answer?.status()).toBeGreaterThanOrEqual(400);
    expect(await page.locator('#user').count()).toBe(0);
    await page.close();
  });
});
