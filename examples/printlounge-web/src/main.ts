import type { SsoMethod } from 'vendorkit/printlounge-sso';
import { startSandbox } from 'vendorkit/sandbox';
import { type PrintShopConfig, startPrintLoungeWebApp } from './app.js';
import { DEMO_USER } from './scenario.js';

// Real shop when PRINTLOUNGE_PASSPHRASE and PRINTLOUNGE_SHOP (or PRINTLOUNGE_BASE_URL) are set,
// otherwise the local sandbox shop.
const passphrase = process.env.PRINTLOUNGE_PASSPHRASE;
const shopBaseUrl =
  process.env.PRINTLOUNGE_BASE_URL ??
  (process.env.PRINTLOUNGE_SHOP ? `https://${process.env.PRINTLOUNGE_SHOP}.print-server.net` : undefined);

// PRINTLOUNGE_SSO_VERSION=2 signs SSO v2 links (sso.php?h=); PRINTLOUNGE_SSO_METHOD and PRINTLOUNGE_SSO_IV
// ('passphrase' or 'method') must then match the shop's SSO settings.
const sso: Pick<PrintShopConfig, 'version' | 'method' | 'iv'> =
  process.env.PRINTLOUNGE_SSO_VERSION === '2'
    ? {
        version: 2,
        ...(process.env.PRINTLOUNGE_SSO_METHOD ? { method: process.env.PRINTLOUNGE_SSO_METHOD as SsoMethod } : {}),
        ...(process.env.PRINTLOUNGE_SSO_IV === 'method' ? { iv: 'method' as const } : {}),
      }
    : {};

let config: PrintShopConfig;
let stopSandbox: (() => Promise<void>) | undefined;
if (passphrase && shopBaseUrl) {
  config = { shopBaseUrl, passphrase, ...sso };
  console.log(`Using the real shop at ${shopBaseUrl}`);
} else {
  const sandbox = await startSandbox();
  stopSandbox = sandbox.close;
  config = { shopBaseUrl: sandbox.urls.printlounge, passphrase: sandbox.credentials.printlounge.passphrase, ...sso };
  console.log(
    `Using the sandbox shop at ${config.shopBaseUrl} (set PRINTLOUNGE_PASSPHRASE and PRINTLOUNGE_SHOP for a real one)`,
  );
}

const app = await startPrintLoungeWebApp(config, DEMO_USER, { port: Number(process.env.PORT ?? 3000) });
console.log(`Intranet running: open ${app.url} and click "Open the print shop". Ctrl+C stops.`);

const stop = async () => {
  await app.close();
  await stopSandbox?.();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
