// Runs under Node, Deno and Bun from the test app's node_modules (the installed tarballs): the
// pure packages and verifyWebhook against known answers made by PHP (vectors.json holds the
// packages' committed PHP fixtures), then prints one JSON line of results. The stage requires
// every runtime to pass and to print exactly what Node printed.
import { signWebhookPayload, verifyWebhook } from '@vendorkit/officernd-client';
import {
  createAutologinUrl,
  decodeAutologinData,
  encodeAutologinData,
  isPrintLoungeError,
  parseAutologinUrl,
} from '@vendorkit/printlounge-sso';
import { isRijndaelError, mcryptDecrypt, mcryptEncrypt, Rijndael } from '@vendorkit/rijndael';
import vectors from './vectors.json' with { type: 'json' };

const fromBase64 = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const fail = (what) => {
  throw new Error(what);
};

// mcrypt, every cipher, mode and key handling PHP was asked for.
for (const c of vectors.rijndael) {
  const key = fromBase64(c.key);
  const data = fromBase64(c.data);
  const iv = c.iv === null ? undefined : fromBase64(c.iv);
  const options = { keyHandling: c.keyHandling };
  const label = `${c.cipher}/${c.mode}/${c.keyHandling} key ${c.key}`;
  if (toBase64(mcryptEncrypt(c.cipher, key, data, c.mode, iv, options)) !== c.encrypted) fail(`encrypt ${label}`);
  if (toBase64(mcryptDecrypt(c.cipher, key, data, c.mode, iv, options)) !== c.decrypted) fail(`decrypt ${label}`);
}

// Print-Lounge autologin data, byte for byte what the vendor's PHP snippet makes, and back.
for (const c of vectors.printlounge) {
  if (encodeAutologinData(c.fields, c.passphrase) !== c.u_data) fail(`encode ${c.name}`);
  if (c.parsed) {
    const decoded = decodeAutologinData(c.u_data, c.passphrase);
    const expected = Object.fromEntries(c.parsed);
    if (JSON.stringify(Object.entries(decoded).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
      fail(`decode ${c.name}`);
    }
  }
}

// Things PHP cannot answer; compared with what Node printed.
const passphrase = 'runtime-check-passphrase-32-byte';
const nowSeconds = 1_700_000_000;
const now = nowSeconds * 1000;
const link = createAutologinUrl({ shop: 'demo', passphrase, fields: { customer_user_name: 'max' }, validFor: 60, now });
const parsed = parseAutologinUrl(link, { passphrase, now });
let wrongPassphrase;
try {
  parseAutologinUrl(link, { passphrase: 'a-wrong-passphrase-of-32-bytes!!', now });
} catch (error) {
  wrongPassphrase = { code: error.code, name: error.name, guard: isPrintLoungeError(error) };
}
let badKey;
try {
  mcryptEncrypt('rijndael-256', 'short', 'x', 'ecb');
} catch (error) {
  badKey = { code: error.code, name: error.name, guard: isRijndaelError(error) };
}
const blocks = [128, 160, 192, 224, 256].map((bits) =>
  hex(new Rijndael(new Uint8Array(32).fill(7), bits).encryptBlock(new Uint8Array(bits / 8).fill(1))),
);

const payload = JSON.stringify({
  event: 'evt-1',
  eventType: 'member.updated',
  createdAt: '2023-11-14T22:13:20.000Z',
  data: { object: { _id: 'm1', name: 'Ada', email: 'ada@example.com', status: 'active' } },
});
const secret = 'runtime-check-webhook-secret';
const signature = await signWebhookPayload({ payload, secret, timestamp: nowSeconds });
const clock = () => now;
const event = await verifyWebhook({ payload: new TextEncoder().encode(payload), signature, secret, now: clock });
let forged;
try {
  await verifyWebhook({ payload: `${payload} `, signature, secret, now: clock });
} catch (error) {
  forged = { code: error.code, reason: error.reason, name: error.name };
}

console.log(
  JSON.stringify({
    checked: { rijndael: vectors.rijndael.length, printlounge: vectors.printlounge.length },
    link,
    parsed,
    wrongPassphrase,
    badKey,
    blocks,
    signature,
    event: { id: event.event, type: event.eventType, member: event.data.object.name },
    forged,
  }),
);
