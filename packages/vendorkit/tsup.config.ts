import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared.js';

// One build: the library entries, the sandbox and the CLI. The CLI's `#!/usr/bin/env node`
// line sits at the top of src/cli.ts; esbuild keeps it and tsup marks dist/cli.js executable.
// `platform: 'node'` because the sandbox and CLI use node:http; the re-export entries are
// platform-neutral code either way (the vendor packages stay external).
export default defineConfig(
  packageConfig(
    {
      index: 'src/index.ts',
      rijndael: 'src/rijndael.ts',
      'printlounge-sso': 'src/printlounge-sso.ts',
      'mcparken-session': 'src/mcparken-session.ts',
      'officernd-client': 'src/officernd-client.ts',
      'wialon-okdesk-auth': 'src/wialon-okdesk-auth.ts',
      sandbox: 'src/sandbox.ts',
      cli: 'src/cli.ts',
    },
    { platform: 'node' },
  ),
);
