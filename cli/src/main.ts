#!/usr/bin/env node
import { runCli } from './cli.js';
import { processIo } from './io.js';

// `taskwire watch ID --json | head -1` closes the pipe early: that is the reader being done, not
// an error worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

// exitCode rather than exit(): pending output is flushed and open handles (a dev coordinator)
// decide themselves when the process ends.
process.exitCode = await runCli(process.argv.slice(2), processIo());
