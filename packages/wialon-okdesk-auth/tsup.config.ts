import { defineConfig } from 'tsup';
import { packageConfig } from '../../tsup.shared.js';

export default defineConfig(packageConfig({ index: 'src/index.ts', 'mocks/index': 'src/mocks/index.ts' }));
