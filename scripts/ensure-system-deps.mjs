#!/usr/bin/env node
// Installs the system programs some tests use, when they are missing and this machine can:
//   php + php-mcrypt  independent oracle for the mcrypt/Print-Lounge byte-compatibility tests
//   php-phpseclib3    a second independent Rijndael (all block sizes) for @vendorkit/rijndael
//   redis-server      real Redis for @vendorkit/redis-store and the cross-process tests
//   chromium          headless browser tests (Print-Lounge web example, pure packages in a browser)
// On Debian/Ubuntu as root (CI, dev containers) it runs apt-get; elsewhere it says what to
// install and the tests that need a missing program skip with a loud message. Under CI=true a
// program that is still missing fails the run here, so no oracle is ever skipped in CI.
// Set VENDORKIT_NO_SYSTEM_INSTALL=1 to never install anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const has = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
const hasPhpMcrypt = () =>
  spawnSync('php', ['-r', 'exit(function_exists("mcrypt_encrypt") ? 0 : 1);'], { stdio: 'ignore' }).status === 0;
const hasChromium = () => ['chromium', 'chromium-browser', 'google-chrome'].some((c) => has(c));

const wanted = [
  { what: 'php with mcrypt', ok: hasPhpMcrypt, apt: ['php-cli', 'php-mcrypt'] },
  { what: 'phpseclib3', ok: () => existsSync('/usr/share/php/phpseclib3/autoload.php'), apt: ['php-phpseclib3'] },
  { what: 'redis-server', ok: () => has('redis-server'), apt: ['redis-server'] },
  { what: 'chromium', ok: hasChromium, apt: ['chromium'] },
];
const missing = wanted.filter((w) => !w.ok());
if (missing.length === 0) process.exit(0);

const names = missing.map((m) => m.what).join(', ');
const canApt = process.platform === 'linux' && process.getuid?.() === 0 && has('apt-get', ['--version']);
if (process.env.VENDORKIT_NO_SYSTEM_INSTALL === '1' || !canApt) {
  if (process.env.CI) {
    console.error(`Missing under CI: ${names}, and this machine cannot install them (needs apt-get as root).`);
    process.exit(1);
  }
  console.warn(
    `\n!!! Missing: ${names}. Tests that need them will be skipped.\n` +
      `!!! On Debian/Ubuntu: sudo apt-get install -y ${missing.flatMap((m) => m.apt).join(' ')}\n`,
  );
  process.exit(0);
}

console.log(`Installing ${names} with apt-get (needed by some tests)…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.flatMap((m) => m.apt)], {
  stdio: 'inherit',
  env,
});
const still = missing.filter((m) => !m.ok());
if (still.length > 0) {
  console.error(`apt-get finished but these are still missing: ${still.map((m) => m.what).join(', ')}`);
  process.exit(1);
}
