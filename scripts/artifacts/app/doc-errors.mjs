// Checks what each vendor guide says about its errors against what the installed packages
// throw. argv[2] is JSON: { "<guide>": { "packages": [...], "named": ["PrintLoungeError", …] } },
// the error classes the guide's troubleshooting section names, taken from the Markdown. Every
// error the triggers below provoke must be an instance of a named class, and every named class
// must be met by one of them (a guide that promises a class nobody throws is wrong too).
const guides = JSON.parse(process.argv[2]);

const wrongPassphrase = 'a-wrong-passphrase-of-32-bytes!!';
const json = (status, body) => async () =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const triggers = {
  'docs/printlounge.md': async ({ createAutologinUrl, parseAutologinUrl, decodeAutologinData }) => [
    () => createAutologinUrl({ shop: 'demo', passphrase: 'too short', fields: { customer_user_name: 'max' } }),
    () => createAutologinUrl({ shop: 'demo', passphrase: 'p'.repeat(32), fields: { customer_user_name: 'm a x' } }),
    () =>
      parseAutologinUrl('https://demo.print-server.net/autologin.php?u_data=%25%25', { passphrase: 'p'.repeat(32) }),
    () =>
      parseAutologinUrl(
        createAutologinUrl({ shop: 'demo', passphrase: 'p'.repeat(32), fields: { customer_user_name: 'max' } }),
        { passphrase: wrongPassphrase },
      ),
    () => decodeAutologinData('not base64 at all', 'p'.repeat(32)),
  ],
  'docs/mcparken.md': async ({ McParkenSession }) => [
    () =>
      new McParkenSession({
        apiKey: 'doc-check-apikey',
        username: 'someone',
        password: 'wrong',
        fetch: json(401, { errormessage: 'Wrong username or password', errorcode: 401.2 }),
      }).getAccessToken(),
  ],
  'docs/officernd.md': async ({ OfficeRnDClient, verifyWebhook }) => [
    () => verifyWebhook({ payload: '{}', signature: 't=1,signature=00', secret: 'webhook-secret' }),
    () =>
      new OfficeRnDClient({
        orgSlug: 'acme',
        clientId: 'doc-check-client',
        clientSecret: 'doc-check-secret',
        fetch: json(401, { error: 'invalid_client' }),
      }).members.page(),
  ],
  'docs/wialon-okdesk.md': async ({ createWialonOkdeskAuth }) => [
    () =>
      createWialonOkdeskAuth({
        trustedWialonBaseUrls: ['https://hst-api.wialon.com'],
        okdesk: { baseUrl: 'https://acme.okdesk.ru', apiToken: 'doc-check-token' },
      }).verify('https://acme.okdesk.ru/wialonauth?user=a&authHash=b&baseUrl=https%3A%2F%2Fevil.example'),
  ],
};

const problems = [];
for (const [guide, { packages, named }] of Object.entries(guides)) {
  const modules = await Promise.all(packages.map((name) => import(name)));
  const exports = Object.assign({}, ...modules);
  const classes = named.map((name) => [name, exports[name]]);
  for (const [name, value] of classes) {
    if (typeof value !== 'function')
      problems.push(`${guide} names ${name}, which ${packages.join(' / ')} do not export`);
  }
  const met = new Set();
  for (const provoke of await triggers[guide](exports)) {
    let error;
    try {
      await provoke();
    } catch (caught) {
      error = caught;
    }
    if (error === undefined) {
      problems.push(`${guide}: a trigger did not throw (${provoke})`);
      continue;
    }
    const matching = classes.filter(([, value]) => typeof value === 'function' && error instanceof value);
    if (matching.length === 0) problems.push(`${guide}: ${error.name} (${error.code}) is none of ${named.join(', ')}`);
    for (const [name] of matching) met.add(name);
  }
  for (const name of named) if (!met.has(name)) problems.push(`${guide} names ${name}, but nothing threw one`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`${Object.keys(guides).length} guides name the errors their packages throw`);
