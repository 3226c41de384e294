import { isVendorkitError } from '@vendorkit/core';
import { wialonAppSettings } from '@vendorkit/wialon-okdesk-auth';
import { describe, expect, it } from 'vitest';

describe('wialonAppSettings()', () => {
  it('builds the /wialonauth URL and the three options from the seed, with their parameter names', () => {
    const settings = wialonAppSettings({ okdeskUrl: 'acme.okdesk.ru' });
    expect(settings.url).toBe('https://acme.okdesk.ru/wialonauth');
    expect(settings.options.map((o) => [o.label, o.parameter])).toEqual([
      ['Current user', 'user'],
      ['Base URL', 'baseUrl'],
      ['Authorize hash', 'authHash'],
    ]);
    expect(settings.text).toContain('URL: https://acme.okdesk.ru/wialonauth');
    for (const label of ['Current user', 'Base URL', 'Authorize hash']) expect(settings.text).toContain(label);
  });

  it('accepts a parked domain with scheme and trailing slash, and a custom path', () => {
    expect(wialonAppSettings({ okdeskUrl: 'https://support.example.com/' }).url).toBe(
      'https://support.example.com/wialonauth',
    );
    expect(wialonAppSettings({ okdeskUrl: 'http://localhost:4010', path: '/sso/wialon' }).url).toBe(
      'http://localhost:4010/sso/wialon',
    );
  });

  it.each([
    [''],
    ['http://acme.okdesk.ru'],
    ['https://acme.okdesk.ru/some/path'],
    ['https://user:pw@acme.okdesk.ru'],
    ['https://acme.okdesk.ru?x=1'],
    ['https://'],
  ])('rejects %j with a ConfigurationError', (okdeskUrl) => {
    let error: unknown;
    try {
      wialonAppSettings({ okdeskUrl });
    } catch (caught) {
      error = caught;
    }
    expect(isVendorkitError(error, 'invalid_configuration')).toBe(true);
    expect((error as Error).message).toMatch(/okdeskUrl/);
  });
});
