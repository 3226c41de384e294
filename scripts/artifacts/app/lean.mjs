// Runs in an app that installed only `vendorkit` (no msw, no test tooling): the library entry
// points a link-making user imports must load and work without the optional peers.
import { isVendorkitError, printloungeSso } from 'vendorkit';
import { createAutologinUrl, parseAutologinUrl } from 'vendorkit/printlounge-sso';

const passphrase = 'lean-app-check-passphrase-32byte';
const link = createAutologinUrl({ shop: 'demo', passphrase, fields: { customer_user_name: 'max' } });
const fields = parseAutologinUrl(link, { passphrase });
if (fields.customer_user_name !== 'max') throw new Error('the link did not round-trip');
try {
  printloungeSso.parseAutologinUrl(link, { passphrase: 'a-wrong-passphrase-of-32-bytes!!' });
  throw new Error('a wrong passphrase was accepted');
} catch (error) {
  if (!isVendorkitError(error)) throw error;
}
console.log('vendorkit and vendorkit/printlounge-sso work without msw');
