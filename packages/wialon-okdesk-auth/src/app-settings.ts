import { ConfigurationError } from '@vendorkit/core';

/** One option to tick in the Wialon application's settings. */
export interface WialonAppOption {
  /** The option's label in Wialon's application dialog. */
  label: 'Current user' | 'Base URL' | 'Authorize hash';
  /** The query parameter Wialon then appends to the URL. */
  parameter: 'user' | 'baseUrl' | 'authHash';
  /** What it carries and why the receiver needs it. */
  purpose: string;
}

/** What to register in Wialon (Applications → new application "Okdesk client portal"). */
export interface WialonAppSettings {
  /** Suggested application name. */
  name: string;
  /** The application URL, e.g. `https://ACCOUNT.okdesk.ru/wialonauth`. */
  url: string;
  /** The three options to select under additional parameters. */
  options: WialonAppOption[];
  /** A human-readable summary (what `vendorkit wialon app-settings` prints). */
  text: string;
}

/** Options of {@link wialonAppSettings}. */
export interface WialonAppSettingsOptions {
  /** The Okdesk account address (`ACCOUNT.okdesk.ru` or a parked domain), with or without `https://`. */
  okdeskUrl: string;
  /** Path of the receiver. Default `/wialonauth` (Okdesk's own endpoint; change it if you host `handle()` elsewhere). */
  path?: string;
}

/**
 * The Wialon application settings for pass-through login into the Okdesk client portal (per
 * Okdesk's instructions): URL `https://<account>/wialonauth` and the additional parameters
 * Current user, Base URL and Authorize hash. The other Wialon application options only decide
 * which Wialon users see the application. Throws a ConfigurationError for an unusable address.
 */
export function wialonAppSettings(options: WialonAppSettingsOptions): WialonAppSettings {
  const raw = typeof options?.okdeskUrl === 'string' ? options.okdeskUrl.trim() : '';
  if (raw === '') {
    throw new ConfigurationError('okdeskUrl is required, e.g. "https://ACCOUNT.okdesk.ru" or "ACCOUNT.okdesk.ru".');
  }
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw new ConfigurationError(`okdeskUrl is not a valid address: ${JSON.stringify(raw).slice(0, 200)}.`);
  }
  const local = url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) {
    throw new ConfigurationError('okdeskUrl must use https (http is accepted only for localhost).');
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigurationError('okdeskUrl must be the account address only, without path, query or user info.');
  }
  const path = options.path ?? '/wialonauth';
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(path)) {
    throw new ConfigurationError('path must start with "/" and contain only URL-safe characters, e.g. "/wialonauth".');
  }
  const settings = {
    name: 'Okdesk client portal',
    url: `${url.origin}${path}`,
    options: [
      { label: 'Current user', parameter: 'user', purpose: 'Wialon user name; must equal the Okdesk contact login.' },
      { label: 'Base URL', parameter: 'baseUrl', purpose: 'Wialon server that confirms the login; must be trusted.' },
      {
        label: 'Authorize hash',
        parameter: 'authHash',
        purpose: 'One-time hash proving the user is signed in to Wialon now.',
      },
    ] satisfies WialonAppOption[],
  };
  return { ...settings, text: formatWialonAppSettings(settings) };
}

/** Formats settings as the text printed by `vendorkit wialon app-settings`. */
export function formatWialonAppSettings(settings: Pick<WialonAppSettings, 'name' | 'url' | 'options'>): string {
  const width = Math.max(...settings.options.map((o) => o.label.length));
  const paramWidth = Math.max(...settings.options.map((o) => o.parameter.length));
  return [
    `Wialon application: ${settings.name}`,
    `  URL: ${settings.url}`,
    '  Additional parameters (select all three):',
    ...settings.options.map(
      (o) => `    [x] ${o.label.padEnd(width)}  → ${o.parameter.padEnd(paramWidth)}  ${o.purpose}`,
    ),
    '  The remaining options only decide which Wialon users see the application.',
    '  Okdesk: contact logins must equal Wialon user names (case-sensitive).',
  ].join('\n');
}
