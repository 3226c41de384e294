import { type BridgeConfig, startWialonBridge } from './bridge.js';

/** What the scenario needs from a Wialon server: a way to get a fresh auth hash for a user. */
export interface WialonSide {
  /** The Wialon API base URL a link carries (must be one of the trusted ones). */
  baseUrl: string;
  /** A fresh `authHash` for `user`, as Wialon puts in the application link. */
  mintAuthHash(user: string): Promise<string> | string;
  /** Requests Wialon has received so far (to show an untrusted link makes none). */
  requestCount(): number;
}

/**
 * Plays three clicks against the bridge: a genuine Wialon link (→ redirect into the Okdesk
 * portal), the same link again (→ refused: hashes are single use), and a forged link whose
 * `baseUrl` points to an attacker's server (→ refused without any request). Resolves to the
 * statuses seen.
 */
export async function runWialonBridgeScenario(
  config: BridgeConfig,
  wialon: WialonSide,
  user: string,
  log: (line: string) => void = console.log,
): Promise<{ genuine: number; replay: number; forged: number }> {
  const bridge = await startWialonBridge(config);
  try {
    log(`bridge listening at ${bridge.wialonAuthUrl}`);
    const link = (baseUrl: string, authHash: string) =>
      `${bridge.wialonAuthUrl}?${new URLSearchParams({ authHash, user, baseUrl, lang: 'en' })}`;
    const genuineLink = link(wialon.baseUrl, await wialon.mintAuthHash(user));

    const genuine = await fetch(genuineLink, { redirect: 'manual' });
    const location = genuine.headers.get('location');
    if (genuine.status !== 302 || !location) {
      throw new Error(`Genuine click refused: HTTP ${genuine.status} ${(await genuine.text()).slice(0, 200)}`);
    }
    log(`genuine click by ${user} → ${genuine.status} redirect to the Okdesk portal (${new URL(location).origin}/…)`);

    const replay = await fetch(genuineLink, { redirect: 'manual' });
    if (replay.status !== 403) throw new Error(`Replayed link was not refused: HTTP ${replay.status}`);
    log(`same link again → ${replay.status} (auth hashes are accepted once)`);

    const before = wialon.requestCount();
    const forged = await fetch(link('https://wialon.attacker.example', 'deadbeef'), { redirect: 'manual' });
    if (forged.status !== 403) throw new Error(`Forged link was not refused: HTTP ${forged.status}`);
    const madeRequests = wialon.requestCount() - before;
    if (madeRequests !== 0) throw new Error('An untrusted baseUrl caused a request.');
    log(`link with an untrusted baseUrl → ${forged.status}, no request made to any Wialon server`);
    return { genuine: genuine.status, replay: replay.status, forged: forged.status };
  } finally {
    await bridge.close();
  }
}
