import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isVendorkitError } from 'vendorkit';
import { type MemberSync, SIGNATURE_HEADER, verifyWebhook } from 'vendorkit/officernd-client';

/** A running webhook receiver. */
export interface RunningReceiver {
  /** The URL to register in OfficeRnD (Settings → Webhooks, or `client.webhooks.create`). */
  url: string;
  /** Sets the webhook secret (known once the webhook is registered). */
  setSecret(secret: string): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

async function readRawBody(req: IncomingMessage): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Uint8Array).byteLength;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks);
}

/**
 * Receives OfficeRnD webhooks on `POST /webhooks/officernd`: verifies the signature over the RAW
 * body (never a re-serialised JSON), then applies the event to the access system. Answers
 * 400 to forged or stale deliveries, 500 when applying failed (OfficeRnD redelivers), 200 otherwise.
 */
export async function startWebhookReceiver(
  sync: MemberSync,
  { port = 0, host = '127.0.0.1', log = console.log as (line: string) => void } = {},
): Promise<RunningReceiver> {
  let secret: string | undefined;
  const server: Server = createServer(async (req, res) => {
    const reply = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname !== '/webhooks/officernd') {
      reply(404, { error: 'not_found' });
      return;
    }
    if (secret === undefined) {
      reply(503, { error: 'not_ready' });
      return;
    }
    const payload = await readRawBody(req);
    if (payload === undefined) {
      reply(413, { error: 'too_large' });
      return;
    }
    let event: Awaited<ReturnType<typeof verifyWebhook>>;
    try {
      event = await verifyWebhook({ payload, signature: req.headers[SIGNATURE_HEADER] as string | undefined, secret });
    } catch (error) {
      const code = isVendorkitError(error) ? error.code : 'invalid';
      log(`rejected a delivery: ${code} (${(error as { reason?: string }).reason ?? 'no reason'})`);
      reply(400, { error: code });
      return;
    }
    try {
      const result = await sync.handleEvent(event);
      log(`${event.eventType} ${result.status}${result.action ? ` (${result.action} ${result.memberId})` : ''}`);
      reply(200, { status: result.status });
    } catch (error) {
      // Not acknowledged: OfficeRnD will deliver it again and the sync applies it then.
      log(`could not apply ${event.eventType}: ${isVendorkitError(error) ? error.code : 'error'}`);
      reply(500, { error: 'apply_failed' });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${actualPort}/webhooks/officernd`,
    setSecret(value) {
      secret = value;
    },
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
