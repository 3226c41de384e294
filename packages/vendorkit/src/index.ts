/**
 * vendorkit: every vendorkit package in one install. Each package is re-exported as a
 * namespace here and as a subpath (`vendorkit/rijndael`, `vendorkit/printlounge-sso`,
 * `vendorkit/mcparken-session`, `vendorkit/officernd-client`, `vendorkit/wialon-okdesk-auth`);
 * the local vendor sandbox is `vendorkit/sandbox`. Importing one namespace pulls in only what
 * you use (`sideEffects: false`).
 *
 * @example Print-Lounge autologin link
 * ```ts
 * import { printloungeSso } from 'vendorkit';
 *
 * const url = printloungeSso.createAutologinUrl({
 *   shop: 'acme',
 *   passphrase: process.env.PRINTLOUNGE_PASSPHRASE!,
 *   fields: { customer_user_name: 'max@example.com' },
 * });
 * ```
 *
 * @packageDocumentation
 */

/**
 * The shared error base and its guard: `isVendorkitError(error, code?)` recognises an error of
 * any vendorkit package (even from another copy of it); every error has a stable `code`.
 */
export { ConfigurationError, isVendorkitError, VendorkitError } from '@vendorkit/core';

/**
 * `@vendorkit/mcparken-session`: McParken session tokens, cached and renewed.
 *
 * @example
 * ```ts
 * import { mcparkenSession } from 'vendorkit';
 *
 * const session = new mcparkenSession.McParkenSession({
 *   apiKey: process.env.MCPARKEN_APIKEY!,
 *   username: process.env.MCPARKEN_USERNAME!,
 *   password: process.env.MCPARKEN_PASSWORD!,
 * });
 * const token = await session.getAccessToken();
 * ```
 */
export * as mcparkenSession from '@vendorkit/mcparken-session';
/**
 * `@vendorkit/officernd-client`: OfficeRnD OAuth client, resources, webhooks and member sync.
 *
 * @example
 * ```ts
 * import { officerndClient } from 'vendorkit';
 *
 * const client = new officerndClient.OfficeRnDClient({
 *   orgSlug: 'acme',
 *   clientId: process.env.OFFICERND_CLIENT_ID!,
 *   clientSecret: process.env.OFFICERND_CLIENT_SECRET!,
 * });
 * for await (const member of client.members.list()) console.log(member.name);
 * ```
 */
export * as officerndClient from '@vendorkit/officernd-client';
/**
 * `@vendorkit/printlounge-sso`: Print-Lounge autologin links (`autologin.php?u_data=…`).
 *
 * @example
 * ```ts
 * import { printloungeSso } from 'vendorkit';
 *
 * const fields = printloungeSso.decodeAutologinData(uData, process.env.PRINTLOUNGE_PASSPHRASE!);
 * ```
 */
export * as printloungeSso from '@vendorkit/printlounge-sso';
/**
 * `@vendorkit/rijndael`: Rijndael with 128–256-bit blocks, PHP mcrypt compatible.
 *
 * @example
 * ```ts
 * import { rijndael } from 'vendorkit';
 *
 * const key = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
 * const bytes = rijndael.mcryptEncrypt('rijndael-256', key, 'hello', 'ecb');
 * ```
 */
export * as rijndael from '@vendorkit/rijndael';

/**
 * `@vendorkit/wialon-okdesk-auth`: verifies Wialon → Okdesk pass-through logins.
 *
 * @example
 * ```ts
 * import { wialonOkdeskAuth } from 'vendorkit';
 *
 * const auth = wialonOkdeskAuth.createWialonOkdeskAuth({
 *   trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
 *   okdesk: { baseUrl: 'https://acme.okdesk.ru', apiToken: process.env.OKDESK_API_TOKEN! },
 * });
 * const { wialonUser, contact } = await auth.verify(requestUrl);
 * ```
 */
export * as wialonOkdeskAuth from '@vendorkit/wialon-okdesk-auth';
