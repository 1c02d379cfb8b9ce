#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIo } from './io.js';

// exitCode rather than exit(): pending output is flushed and open handles (a dev coordinator)
// decide themselves when the process ends.
process.exitCode = await runCli(process.argv.slice(2), processIo());
