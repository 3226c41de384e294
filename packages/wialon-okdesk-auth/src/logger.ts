/**
 * Where refusals and successes are reported. Details never contain the auth hash, the Okdesk
 * `api_token` or a Wialon session id.
 */
export interface WialonOkdeskAuthLogger {
  /** Every refusal: `details.reason` says why. */
  warn(message: string, details?: Record<string, unknown>): void;
  /** Every successful login (Wialon user name, contact id) and best-effort cleanup notes. */
  info(message: string, details?: Record<string, unknown>): void;
}

/**
 * The default logger: silent. A library writes nowhere by itself; pass a logger (e.g.
 * `{ warn: (m, d) => console.warn(m, d), info() {} }`, or your pino/winston instance) to see
 * refusals — a refused login is a security event worth recording.
 */
export const defaultLogger: WialonOkdeskAuthLogger = {
  warn() {},
  info() {},
};
