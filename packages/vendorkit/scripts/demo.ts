/**
 * `pnpm --filter vendorkit run demo`: starts the sandbox and runs the example scenarios
 * end to end against it, printing what happened. Exits 0 when all pass, 1 otherwise.
 */
import { startSandbox } from '../src/sandbox.js';
import { sandboxScenarios } from './scenarios.js';

const sandbox = await startSandbox();
console.log(`vendorkit demo: sandbox running on ${sandbox.origin}\n`);

const { printlounge, printloungeV2, officernd, wialon, mcparken } = sandboxScenarios(sandbox);
const scenarios: Array<[string, (log: (line: string) => void) => Promise<unknown>]> = [
  ...[printlounge, printloungeV2].map((scenario): [string, (log: (line: string) => void) => Promise<unknown>] => [
    scenario.title,
    async (log) => {
      const { landingPage } = await scenario.run(log);
      if (!landingPage.includes('Logged in as')) throw new Error('The shop page does not show a logged-in user.');
    },
  ]),
  [officernd.title, officernd.run],
  [wialon.title, wialon.run],
  [mcparken.title, mcparken.run],
];

let failures = 0;
for (const [title, run] of scenarios) {
  console.log(`▶ ${title}`);
  try {
    await run((line) => console.log(`  ${line}`));
    console.log('  ✔ passed\n');
  } catch (error) {
    failures += 1;
    const code = (error as { code?: string }).code;
    console.log(`  ✘ failed${code ? ` [${code}]` : ''}: ${(error as Error).message}\n`);
  }
}
await sandbox.close();
console.log(
  failures === 0
    ? `All ${scenarios.length} scenarios passed.`
    : `${failures} of ${scenarios.length} scenario(s) failed.`,
);
process.exitCode = failures === 0 ? 0 : 1;
