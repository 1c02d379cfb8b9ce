import { BROWSER_ENV } from '../handlers/browser/browser-options.js';
import { FLAG_SPECS } from './flag-specs.js';

/**
 * The browser kind's variables that have no flag (yet). Typed by BROWSER_ENV's keys, so that a
 * new variable does not compile until it is described here.
 */
const BROWSER_VARIABLES: Record<Exclude<keyof typeof BROWSER_ENV, 'executablePath'>, string> = {
  scriptsDir: 'directory of browser script modules; the `browser` kind is offered only when it is set',
  headless: 'false runs Chromium with a window (default true)',
  args: 'more Chromium flags, separated by spaces',
  profileDir:
    'keep cookies and storage here across attempts and restarts (default: a fresh context per attempt)',
  restartAfterFailures: 'replace the browser after this many failed attempts in a row; 0 never (default 3)',
  minGap: 'least time between the starts of two browser tasks on this worker (duration)',
  jitter: 'random extra time added to that gap (duration)',
};

/** The --help text, generated from the option table. */
export function helpText(): string {
  const rows = FLAG_SPECS.map((spec) => {
    const left = `  --${spec.flag}${spec.value ? ` <${spec.value}>` : ''}`;
    const extras = [
      spec.env ? `env ${spec.env}` : undefined,
      spec.fallback ? `default ${spec.fallback}` : undefined,
    ].filter(Boolean);
    return `${left}\n      ${spec.help}${extras.length ? ` [${extras.join('; ')}]` : ''}`;
  });
  return [
    'workerd: the Taskwire worker daemon. It connects to a coordinator and runs task handlers.',
    '',
    'Usage: workerd [options]           run the worker daemon',
    '       workerd check [options]     check the coordinator, the token, the handler modules and Chromium;',
    '                                   prints a checklist and exits 1 if a check fails',
    '',
    'Options: a flag wins over its TASKWIRE_* variable, which wins over the config file (--config),',
    'which wins over the default. List flags repeat or take a comma list.',
    ...rows,
    '',
    'Browser kind (environment variables; --browser-executable above gives its Chromium):',
    ...Object.entries(BROWSER_VARIABLES).map(
      ([key, help]) => `  ${BROWSER_ENV[key as keyof typeof BROWSER_VARIABLES]}\n      ${help}`,
    ),
    '',
    'Signals: SIGTERM or SIGINT drain the worker (no new work, running tasks get the drain grace,',
    'then are aborted and retried elsewhere); a second signal exits at once.',
    '',
  ].join('\n');
}
