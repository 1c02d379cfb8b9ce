#!/usr/bin/env node
import { runChecks } from './check/run-checks.js';
import { helpText } from './config/help-text.js';
import { type DaemonConfig, parseCommandLine, UsageError } from './config/worker-flags.js';
import { BROWSER_ENV, type BrowserKindOptions, browserOptionsFromEnv } from './handlers/browser/index.js';
import { shellOptionsFromEnv } from './handlers/shell/index.js';
import { probeChromiumVersion } from './host/software-versions.js';
import { createLogger } from './logger.js';
import { WORKERD_VERSION } from './version.js';
import { startWorker } from './worker.js';

async function main(): Promise<void> {
  let config: DaemonConfig;
  let browser: BrowserKindOptions | undefined;
  try {
    const parsed = parseCommandLine(process.argv.slice(2), process.env, process.cwd());
    if (parsed.action === 'help') {
      process.stdout.write(helpText());
      return;
    }
    if (parsed.action === 'version') {
      process.stdout.write(`${WORKERD_VERSION}\n`);
      return;
    }
    if (parsed.action === 'check') {
      const code = await runChecks(parsed.config, (text) => process.stdout.write(text));
      // A handler module's timers or sockets must not keep the check from ending.
      process.exit(code);
    }
    config = parsed.config;
    // The flag or config file may name the executable; the other browser settings come from TASKWIRE_BROWSER_*.
    browser = browserOptionsFromEnv({ ...process.env, [BROWSER_ENV.executablePath]: config.chromiumPath });
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof RangeError)) throw error;
    process.stderr.write(`workerd: ${error.message}\nRun workerd --help for the options.\n`);
    process.exitCode = 2;
    return;
  }

  const logger = createLogger(config.logLevel);
  // Once, before the first hello, so that the fleet sees which Chromium this worker has.
  await probeChromiumVersion(config.chromiumPath);
  const worker = await startWorker({
    coordinators: config.coordinators,
    slots: config.slots,
    prefetch: config.prefetch,
    labels: config.labels,
    name: config.name,
    stateDir: config.stateDir,
    handlerModules: config.handlerModules,
    builtins: config.builtins,
    // Off unless asked for; its settings come from TASKWIRE_SHELL_* (see --help).
    shell: config.shell ? (shellOptionsFromEnv({ ...process.env, TASKWIRE_SHELL: '1' }) ?? true) : false,
    browser,
    drainGraceMs: config.drainGraceMs,
    token: config.token,
    ...(config.tls ? { tls: config.tls } : {}),
    // Not `logger`: by default the connection thread writes its own lines, at once (see WorkerOptions.logger).
    logLevel: config.logLevel,
    metricsPort: config.metricsPort,
    metricsHost: config.metricsHost,
  }).catch((error: unknown) => {
    logger.fatal({ err: error }, 'workerd could not start');
    process.exit(1);
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    worker.shutdown({ reason: signal }).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  process.stderr.write(`workerd: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
