/**
 * Issue 9, "other runtimes": the built ESM bundles of the two pure packages run in a real
 * browser (headless Chromium, no Node globals) and give the same bytes as Node.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  createSsoUrl,
  encodeAutologinData,
  encodeSsoData,
  type SsoCipherOptions,
  type SsoMethod,
} from '@vendorkit/printlounge-sso';
import { encrypt, mcryptEncrypt, Rijndael } from '@vendorkit/rijndael';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestMode, findChromium, launchChromium, missingChromiumError } from './support/chromium.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const builtEntries = ['../rijndael/dist/index.js', '../printlounge-sso/dist/index.js'].map((p) =>
  fileURLToPath(new URL(p, new URL('../', import.meta.url))),
);
const chromiumPath = findChromium();
const mode = browserTestMode(chromiumPath);

describe.runIf(mode === 'fail')('browser tests under CI', () => {
  it('need a Chromium', () => {
    throw missingChromiumError();
  });
});

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const bytesOf = (length: number, seed: number) => Uint8Array.from({ length }, (_, i) => (i * 31 + seed * 7 + 3) & 0xff);

/** Inputs computed in both runtimes; expected values come from Node, never from a constant. */
const CASES = {
  mcrypt: [
    { cipher: 'rijndael-256', key: 'K'.repeat(32), data: 'customer_user_name=max%40example.com', mode: 'ecb' },
    { cipher: 'rijndael-128', key: '0123456789abcdef', data: 'Grüße ✓ 😀', mode: 'cbc', iv: hex(bytesOf(16, 1)) },
    { cipher: 'rijndael-192', key: 'x'.repeat(24), data: '', mode: 'ncfb', iv: hex(bytesOf(24, 2)) },
    { cipher: 'rijndael-256', key: 'y'.repeat(32), data: 'a'.repeat(1000), mode: 'ctr', iv: hex(bytesOf(32, 3)) },
  ],
  blocks: [128, 160, 192, 224, 256].map((bits, i) => ({
    bits,
    key: hex(bytesOf(16 + (i % 5) * 4, i)),
    block: hex(bytesOf(bits / 8, i + 9)),
  })),
  pkcs7: { key: hex(bytesOf(32, 5)), data: 'pkcs7 padded, 160-bit block', blockBits: 160 },
  autologin: [
    {
      fields: { customer_user_name: 'max@example.com', customer_longname: 'Max Mustermann', valid_to: 1_900_000_000 },
      passphrase: 'p'.repeat(32),
    },
    { fields: { customer_user_name: 'A.B-C_D', customfield1: 'ä ö ü & = ~ * +' }, passphrase: 'sixteen byte key' },
  ],
  // SSO v2: AES-CBC through the same cipher (128-bit block), the IV's SHA-256, every method and IV rule.
  sso: [
    {
      fields: { customer_user_name: 'max@example.com', view_settings: { header: 0 } },
      passphrase: 'kurz5',
      method: 'aes-128-cbc',
      iv: 'passphrase',
    },
    {
      fields: { customer_user_name: 'x', customfield1: 'Grüße & 😀' },
      passphrase: 'Hier steht die geheime Passphrase',
      method: 'aes-192-cbc',
      iv: 'method',
    },
    {
      fields: { customer_user_name: 'y', lang: 'de_DE' },
      passphrase: 'Geheime-Pässe-€-Schlüssel',
      method: 'aes-256-cbc',
      iv: hex(bytesOf(16, 4)),
    },
  ],
};
const ssoOptions = (c: (typeof CASES.sso)[number], fromHex: (h: string) => Uint8Array): SsoCipherOptions => ({
  method: c.method as SsoMethod,
  iv: c.iv === 'passphrase' || c.iv === 'method' ? c.iv : fromHex(c.iv),
});
const SSO_NOW = Date.UTC(2026, 11, 1, 21, 0, 0);

describe.runIf(mode === 'run')('pure packages in headless Chromium', () => {
  let server: Server;
  let origin: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;

  beforeAll(async () => {
    for (const entry of builtEntries) {
      if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`pnpm run build\` first.`);
    }
    const bundle = await build({
      stdin: {
        contents:
          "export * as rijndael from '@vendorkit/rijndael';\nexport * as sso from '@vendorkit/printlounge-sso';\n",
        resolveDir: packageDir,
        loader: 'js',
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const code = bundle.outputFiles[0]!.text;
    server = createServer((req, res) => {
      if (req.url === '/bundle.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(code);
      } else {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html><title>runtimes</title>');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(chromiumPath!);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('computes the same bytes as Node, without Node globals', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${origin}/`);
    // A module script tag (not an import() in this file, which the test runner would rewrite).
    await page.addScriptTag({
      type: 'module',
      content: "import * as m from '/bundle.js'; window.vendorkitBundle = m;",
    });
    await page.waitForFunction(() => 'vendorkitBundle' in window);
    const inBrowser = await page.evaluate(
      (cases) => {
        // biome-ignore lint/suspicious/noExplicitAny: the bundle's shape is checked by the comparisons below
        const m = (window as any).vendorkitBundle;
        const { now } = cases;
        const toHex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
        const fromHex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => Number.parseInt(x, 16));
        return {
          nodeGlobals:
            typeof (globalThis as { process?: unknown }).process + typeof (globalThis as { Buffer?: unknown }).Buffer,
          mcrypt: cases.mcrypt.map((c) =>
            toHex(m.rijndael.mcryptEncrypt(c.cipher, c.key, c.data, c.mode, c.iv ? fromHex(c.iv) : undefined)),
          ),
          blocks: cases.blocks.map((c) =>
            toHex(new m.rijndael.Rijndael(fromHex(c.key), c.bits).encryptBlock(fromHex(c.block))),
          ),
          pkcs7: toHex(
            m.rijndael.encrypt(cases.pkcs7.data, fromHex(cases.pkcs7.key), {
              blockBits: cases.pkcs7.blockBits,
              padding: 'pkcs7',
              mode: 'ecb',
            }),
          ),
          autologin: cases.autologin.map((c) => m.sso.encodeAutologinData(c.fields, c.passphrase)),
          roundTrip: cases.autologin.map((c) =>
            m.sso.decodeAutologinData(m.sso.encodeAutologinData(c.fields, c.passphrase), c.passphrase),
          ),
          sso: cases.sso.map((c) => {
            const options = {
              method: c.method,
              iv: c.iv === 'passphrase' || c.iv === 'method' ? c.iv : fromHex(c.iv),
            };
            const h = m.sso.encodeSsoData(c.fields, c.passphrase, options);
            const url = m.sso.createSsoUrl({
              shop: 'demo',
              passphrase: c.passphrase,
              fields: c.fields,
              now: now,
              ...options,
            });
            return {
              h,
              url,
              back: m.sso.decodeSsoData(h, c.passphrase, options),
              parsed: m.sso.parseSsoUrl(url, { passphrase: c.passphrase, now, ...options }).customer_user_name,
            };
          }),
        };
      },
      { ...CASES, now: SSO_NOW },
    );

    const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
    expect(inBrowser.nodeGlobals).toBe('undefinedundefined');
    expect(inBrowser.mcrypt).toEqual(
      CASES.mcrypt.map((c) =>
        hex(
          mcryptEncrypt(c.cipher as 'rijndael-256', c.key, c.data, c.mode as 'ecb', c.iv ? fromHex(c.iv) : undefined),
        ),
      ),
    );
    expect(inBrowser.blocks).toEqual(
      CASES.blocks.map((c) => hex(new Rijndael(fromHex(c.key), c.bits as 256).encryptBlock(fromHex(c.block)))),
    );
    expect(inBrowser.pkcs7).toBe(
      hex(encrypt(CASES.pkcs7.data, fromHex(CASES.pkcs7.key), { blockBits: 160, padding: 'pkcs7', mode: 'ecb' })),
    );
    expect(inBrowser.autologin).toEqual(CASES.autologin.map((c) => encodeAutologinData(c.fields, c.passphrase)));
    // And the receiver side in the browser reads back what was written (valid_to as PHP's string).
    expect(inBrowser.roundTrip).toEqual(
      CASES.autologin.map((c) => Object.fromEntries(Object.entries(c.fields).map(([k, v]) => [k, String(v)]))),
    );
    expect(inBrowser.sso.map((r) => [r.h, r.url])).toEqual(
      CASES.sso.map((c) => [
        encodeSsoData(c.fields, c.passphrase, ssoOptions(c, fromHex)),
        createSsoUrl({
          shop: 'demo',
          passphrase: c.passphrase,
          fields: c.fields,
          now: SSO_NOW,
          ...ssoOptions(c, fromHex),
        }),
      ]),
    );
    expect(inBrowser.sso.map((r) => r.parsed)).toEqual(CASES.sso.map((c) => c.fields.customer_user_name));
    expect(inBrowser.sso[0]!.back).toEqual({ customer_user_name: 'max@example.com', 'view_settings[header]': '0' });
    await page.close();
  });
});
