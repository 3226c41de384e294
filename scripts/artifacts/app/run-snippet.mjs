// Runs one documentation snippet (already transpiled to JavaScript) inside the test app, the way a
// user who pasted it would, with two differences that keep it off the network:
//
// - A snippet that brings no mocks of its own (no `msw/node`, `/mocks` or `vendorkit/sandbox`
//   import) talks to the vendors' real hosts. For it, the packages' own published mocks are
//   installed on those hosts with MSW first (`onUnhandledRequest: 'error'`: any other host fails
//   the snippet), and the environment variables the docs read are set to the mocks' credentials.
// - A server the snippet starts (`listen(3000)`) listens on a free loopback port instead; once
//   the snippet's top level has finished, each such server gets one plain request and must answer
//   it without a 5xx, then it is closed.
//
// Usage: node run-snippet.mjs <snippet.mjs> <own-mocks|vendor-mocks>
import http from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';

const [file, mode] = process.argv.slice(2);

const servers = [];
const originalListen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnFreeLoopbackPort(...args) {
  servers.push(this);
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const callback = args.find((arg) => typeof arg === 'function');
    return originalListen.call(this, 0, '127.0.0.1', callback);
  }
  if (typeof args[0] === 'object' && args[0] !== null && 'port' in args[0]) {
    args[0] = { ...args[0], port: 0, host: '127.0.0.1' };
  }
  return originalListen.apply(this, args);
};

let vendorMocks;
if (mode === 'vendor-mocks') vendorMocks = await installVendorMocks();

await import(pathToFileURL(file).href);

for (const server of servers) {
  if (!(server instanceof http.Server) || !server.listening) continue;
  const status = await plainGet(server.address().port);
  if (status >= 500) throw new Error(`the snippet's server answered GET / with ${status}`);
  console.error(`[run-snippet] the snippet's server answered GET / with ${status}`);
  server.closeAllConnections();
  server.close();
}
vendorMocks?.close();
// Let late rejections surface (they end the process with a failure) before leaving: snippets may
// keep handles open (an MSW server, a Redis store with a lazy connection) as a real app would.
setTimeout(() => process.exit(process.exitCode ?? 0), 200);

/** The vendors' real hosts, served by the packages' own mocks; the docs' variables set to match. */
async function installVendorMocks() {
  const { setupServer } = await import('msw/node');
  const { createMcParkenMock, MCPARKEN_MOCK_DEFAULTS } = await import('@vendorkit/mcparken-session/mocks');
  const { createOfficeRnDMock, generateMockData } = await import('@vendorkit/officernd-client/mocks');
  const { createPrintLoungeMock } = await import('@vendorkit/printlounge-sso/mocks');
  const { createOkdeskMock, createWialonMock } = await import('@vendorkit/wialon-okdesk-auth/mocks');

  const passphrase = 'artifact-stage-passphrase-32-byt';
  const mcparken = createMcParkenMock();
  const officernd = createOfficeRnDMock({ orgSlug: 'acme', seed: generateMockData(20) });
  const printlounge = createPrintLoungeMock({ shops: { acme: passphrase, demo: passphrase } });
  const wialon = createWialonMock({ users: ['AliceNorris'] });
  const okdesk = createOkdeskMock({ baseUrl: 'https://acme.okdesk.ru', contacts: [{ login: 'AliceNorris' }] });
  Object.assign(process.env, {
    PRINTLOUNGE_PASSPHRASE: passphrase,
    MCPARKEN_APIKEY: MCPARKEN_MOCK_DEFAULTS.apiKey,
    MCPARKEN_USERNAME: MCPARKEN_MOCK_DEFAULTS.username,
    MCPARKEN_PASSWORD: MCPARKEN_MOCK_DEFAULTS.password,
    OFFICERND_ORG: officernd.credentials.orgSlug,
    OFFICERND_CLIENT_ID: officernd.credentials.clientId,
    OFFICERND_CLIENT_SECRET: officernd.credentials.clientSecret,
    OFFICERND_WEBHOOK_SECRET: 'artifact-stage-webhook-secret',
    OKDESK_API_TOKEN: okdesk.apiToken,
  });
  const server = setupServer(
    ...mcparken.handlers,
    ...officernd.handlers,
    ...printlounge.handlers,
    ...wialon.handlers,
    ...okdesk.handlers,
  );
  server.listen({ onUnhandledRequest: 'error' });
  return server;
}

/** GET / over a raw socket, which no MSW interceptor sees; resolves to the status code. */
function plainGet(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    socket.setEncoding('latin1');
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
    socket.on('data', (chunk) => {
      head += chunk;
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (match) {
        socket.destroy();
        resolve(Number(match[1]));
      }
    });
    socket.on('error', reject);
    socket.on('end', () => reject(new Error(`connection closed without a status line: ${JSON.stringify(head)}`)));
  });
}
