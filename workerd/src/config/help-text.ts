import { FLAG_SPECS } from './flag-specs.js';

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
    'Usage: workerd [options]',
    '',
    'Options (a flag wins over its environment variable; list flags repeat or take a comma list):',
    ...rows,
    '',
    'Signals: SIGTERM or SIGINT drain the worker (no new work, running tasks get the drain grace,',
    'then are aborted and retried elsewhere); a second signal exits at once.',
    '',
  ].join('\n');
}
