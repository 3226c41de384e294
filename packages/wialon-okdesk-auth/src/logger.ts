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
 * The default logger: refusals go to `console.warn` (a refused login is a security event worth
 * seeing without configuration), successes are not printed. Pass your own logger, or
 * `{ warn() {}, info() {} }` for silence.
 */
export const defaultLogger: WialonOkdeskAuthLogger = {
  warn(message, details) {
    console.warn(message, details ?? {});
  },
  info() {},
};
