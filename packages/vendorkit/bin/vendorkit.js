#!/usr/bin/env node
// The `vendorkit` command. It lives outside dist/ so that it exists before any build: pnpm links a
// workspace package's bins at install time, and a bin under dist/ made a fresh clone's install
// warn "Failed to create bin" once per dependent.
import '../dist/cli.js';
