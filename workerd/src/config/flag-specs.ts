/** One daemon option: its flag, the environment variable that gives its default, and its help. */
export interface FlagSpec {
  readonly flag: string;
  readonly env?: string;
  readonly kind: 'string' | 'list' | 'boolean';
  readonly value?: string;
  readonly fallback?: string;
  /** A file or directory: a relative value starts at the current directory (or the config file's). */
  readonly path?: boolean;
  readonly help: string;
}

/** Every workerd option; parsing and --help both read this table, so they cannot drift apart. */
export const FLAG_SPECS: readonly FlagSpec[] = [
  {
    flag: 'coordinator',
    env: 'TASKWIRE_COORDINATOR',
    kind: 'list',
    value: 'host:port[,host:port...]',
    fallback: '127.0.0.1:7380',
    help: 'coordinators to connect to; on a lost connection the next one is tried (failover)',
  },
  {
    flag: 'slots',
    env: 'TASKWIRE_SLOTS',
    kind: 'string',
    value: 'n',
    fallback: '4',
    help: 'tasks run at once',
  },
  {
    flag: 'prefetch',
    env: 'TASKWIRE_PREFETCH',
    kind: 'string',
    value: 'n',
    fallback: '0',
    help:
      'assignments taken beyond --slots and queued here, each started as a slot frees (no claim round trip ' +
      "between tasks: for many short tasks); a task's timeout counts from its start. 0..10000",
  },
  {
    flag: 'labels',
    env: 'TASKWIRE_LABELS',
    kind: 'list',
    value: 'a,b',
    help: 'labels this worker carries; tasks that require labels go only to workers with all of them',
  },
  {
    flag: 'handlers',
    env: 'TASKWIRE_HANDLERS',
    kind: 'list',
    value: 'file|dir',
    path: true,
    help:
      'handler modules (.js .mjs .cjs, or .ts .mts compiled on load) exporting `handlers` (or a default export): ' +
      'task kind -> handler; a directory loads every module directly in it except names starting with "_"',
  },
  {
    flag: 'no-builtins',
    env: 'TASKWIRE_NO_BUILTINS',
    kind: 'boolean',
    help: 'do not offer the built-in kinds (demo, demo.input)',
  },
  {
    flag: 'shell',
    env: 'TASKWIRE_SHELL',
    kind: 'boolean',
    help:
      'offer the `shell` kind: it runs any command a submitter sends, as this user ' +
      '(work directories under TASKWIRE_SHELL_WORK_DIR, default the OS temp dir; ' +
      'SIGTERM-to-SIGKILL grace TASKWIRE_SHELL_KILL_GRACE, default 2s)',
  },
  {
    flag: 'name',
    env: 'TASKWIRE_WORKER_NAME',
    kind: 'string',
    value: 'text',
    help: 'name shown to people (default: the host name)',
  },
  {
    flag: 'state-dir',
    env: 'TASKWIRE_STATE_DIR',
    kind: 'string',
    value: 'dir',
    fallback: '.taskwire/workerd',
    path: true,
    help: 'where the persistent worker id is kept (relative to the current directory)',
  },
  {
    flag: 'drain-grace',
    env: 'TASKWIRE_DRAIN_GRACE',
    kind: 'string',
    value: 'duration',
    fallback: '30s',
    help: 'on SIGTERM/SIGINT, how long running tasks may finish before they are aborted (500ms, 30s, 2m, or ms)',
  },
  {
    flag: 'token',
    env: 'TASKWIRE_TOKEN',
    kind: 'string',
    value: 'token',
    help: 'API token with the worker role, sent as `authorization: Bearer <token>`',
  },
  {
    flag: 'tls',
    env: 'TASKWIRE_TLS',
    kind: 'boolean',
    help: "connect over TLS, trusting the system's CAs (implied by every other --tls-* flag)",
  },
  {
    flag: 'tls-ca',
    env: 'TASKWIRE_TLS_CA',
    kind: 'string',
    value: 'file',
    path: true,
    help:
      "connect over TLS and trust only this PEM CA for the coordinators' certificates; never falls back to " +
      'plaintext (a failed handshake is logged as an error and retried with backoff)',
  },
  {
    flag: 'tls-client-cert',
    env: 'TASKWIRE_TLS_CLIENT_CERT',
    kind: 'string',
    value: 'file',
    path: true,
    help:
      'PEM client certificate (mutual TLS); a coordinator with --tls-client-ca accepts it in place of a ' +
      'worker token; needs --tls-client-key',
  },
  {
    flag: 'tls-client-key',
    env: 'TASKWIRE_TLS_CLIENT_KEY',
    kind: 'string',
    value: 'file',
    path: true,
    help: 'PEM private key of --tls-client-cert',
  },
  {
    flag: 'tls-server-name',
    env: 'TASKWIRE_TLS_SERVER_NAME',
    kind: 'string',
    value: 'name',
    help: "the name the coordinators' certificates must carry (default: the host of each address)",
  },
  {
    flag: 'log-level',
    env: 'TASKWIRE_LOG_LEVEL',
    kind: 'string',
    value: 'level',
    fallback: 'info',
    help: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    flag: 'metrics-port',
    env: 'TASKWIRE_METRICS_PORT',
    kind: 'string',
    value: 'port',
    help:
      'serve GET /metrics (Prometheus text: slots, running tasks by kind, handler durations, reconnects, ' +
      'event-loop delay) on this port; 0 picks a free one. Default: no metrics',
  },
  {
    flag: 'metrics-host',
    env: 'TASKWIRE_METRICS_HOST',
    kind: 'string',
    value: 'address',
    fallback: '127.0.0.1',
    help: 'the address --metrics-port listens on (0.0.0.0 for every interface)',
  },
  {
    flag: 'browser-executable',
    env: 'TASKWIRE_BROWSER_EXECUTABLE',
    kind: 'string',
    value: 'path',
    fallback: '/usr/bin/chromium',
    path: true,
    help: 'the Chromium that browser tasks launch and `check` tries; its version is reported to the coordinator',
  },
  {
    flag: 'config',
    env: 'TASKWIRE_CONFIG',
    kind: 'string',
    value: 'file',
    path: true,
    help:
      'JSON file of options keyed by flag name, e.g. {"coordinator": ["a:7380"], "slots": 8}; ' +
      'flags and TASKWIRE_* variables win over it, and its relative paths start at its own directory',
  },
  { flag: 'help', kind: 'boolean', help: 'print this help and exit' },
  { flag: 'version', kind: 'boolean', help: 'print the workerd version and exit' },
];
