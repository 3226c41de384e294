import { ConfigurationError, parseHttpUrl } from '@vendorkit/core';

/** Where a shop lives: its Print-Lounge name (`https://NAME.print-server.net`) or its own base URL. */
export type ShopLocation = { shop: string; baseUrl?: undefined } | { baseUrl: string | URL; shop?: undefined };

const SHOP_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

/** The Print-Lounge host of a shop name, e.g. `https://demo.print-server.net`. */
export function printServerBaseUrl(shop: string): string {
  if (typeof shop !== 'string' || !SHOP_NAME.test(shop)) {
    throw new ConfigurationError(
      'shop must be the shop name from the Print-Lounge admin (one DNS label: letters, digits, hyphens), e.g. "demo" for demo.print-server.net. Use baseUrl for a full URL.',
    );
  }
  return `https://${shop.toLowerCase()}.print-server.net`;
}

/**
 * The `autologin.php` endpoint for `{ shop }` or `{ baseUrl }`. A `baseUrl` is the shop root
 * (`https://www.demo.print-server.net`, `https://print.example.com/shop/`) or already ends in
 * `autologin.php`; http and https are accepted. Query and fragment of `baseUrl` are not allowed.
 */
export function autologinEndpoint(location: { shop?: string | undefined; baseUrl?: string | URL | undefined }): string {
  return shopEndpoint(location, 'autologin.php');
}

/** The SSO v2 `sso.php` endpoint for `{ shop }` or `{ baseUrl }`; `baseUrl` as for {@link autologinEndpoint}. */
export function ssoEndpoint(location: { shop?: string | undefined; baseUrl?: string | URL | undefined }): string {
  return shopEndpoint(location, 'sso.php');
}

function shopEndpoint(
  location: { shop?: string | undefined; baseUrl?: string | URL | undefined },
  script: 'autologin.php' | 'sso.php',
): string {
  if (location.shop !== undefined && location.baseUrl !== undefined) {
    throw new ConfigurationError('Pass either shop or baseUrl, not both.');
  }
  if (location.shop === undefined && location.baseUrl === undefined) {
    throw new ConfigurationError('Pass shop (the Print-Lounge shop name) or baseUrl (the shop URL).');
  }
  const base = location.shop !== undefined ? printServerBaseUrl(location.shop) : String(location.baseUrl);
  const url = parseHttpUrl('baseUrl', base);
  if (url.search !== '' || url.hash !== '')
    throw new ConfigurationError('baseUrl must not contain a query or fragment.');
  if (url.username !== '' || url.password !== '') throw new ConfigurationError('baseUrl must not contain credentials.');
  if (!url.pathname.endsWith(`/${script}`)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/${script}`;
  return url.href;
}
