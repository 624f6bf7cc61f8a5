#!/usr/bin/env node
// The `brigade` command. Brigade is written in TypeScript and run through
// tsx, so there is no build step between a clone and a working command.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../packages/cli/src/main.ts');
process.exitCode = await main({
  argv: process.argv.slice(2),
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
