import { parseArgs } from 'node:util';

/** Everything a chaos run takes; the defaults are the full run. */
export interface ChaosOptions {
  coordinators: number;
  workers: number;
  slots: number;
  /** Assignments every other workerd takes beyond its slots (--prefetch; 0: none). */
  prefetch: number;
  tasks: number;
  /** Of `tasks`, how many are held back and submitted around the PostgreSQL restart. */
  tailTasks: number;
  durationS: number;
  killEveryS: number;
  restartDelayMaxS: number;
  faultEveryS: number;
  stallMaxS: number;
  terminateEveryS: number;
  pgDownS: number;
  maxAttempts: number;
  drainTimeoutS: number;
  seed: number;
  /** Violations listed per check. */
  show: number;
  /** Keep the temp dir (record, PostgreSQL log) instead of removing it. */
  keep: boolean;
  /** More `taskwire coordinator` flags. */
  coordinatorArgs: string[];
}

interface OptionSpec {
  key: keyof ChaosOptions;
  help: string;
}

/** flag -> option, with its help; the default comes from `defaultOptions`. */
const flags: Record<string, OptionSpec> = {
  coordinators: { key: 'coordinators', help: 'coordinators on the one PostgreSQL' },
  workers: { key: 'workers', help: 'workerd processes, each with a proxy to every coordinator' },
  slots: { key: 'slots', help: 'slots of each workerd' },
  prefetch: { key: 'prefetch', help: 'assignments every other workerd queues beyond its slots (0: none)' },
  tasks: { key: 'tasks', help: 'tasks in all (batches and singles, through random coordinators)' },
  'tail-tasks': {
    key: 'tailTasks',
    help: 'of those, submitted around the PostgreSQL restart (at most a tenth)',
  },
  duration: { key: 'durationS', help: 'seconds of faults' },
  'kill-every': { key: 'killEveryS', help: 'seconds between SIGKILLs of a random process' },
  'restart-delay': { key: 'restartDelayMaxS', help: 'longest wait before a killed process restarts (s)' },
  'fault-every': { key: 'faultEveryS', help: 'seconds between connection faults (cut, stall, slow)' },
  'stall-max': { key: 'stallMaxS', help: 'longest stall (s); beyond the 3 s lease on purpose' },
  'terminate-every': {
    key: 'terminateEveryS',
    help: "seconds between pg_terminate_backend of a coordinator's connections (0: never)",
  },
  'pg-down': { key: 'pgDownS', help: 'seconds PostgreSQL stays stopped in its restart' },
  'max-attempts': { key: 'maxAttempts', help: 'max_attempts of every task (kills cost attempts)' },
  'drain-timeout': { key: 'drainTimeoutS', help: 'seconds to wait for every task to end after the restart' },
  seed: { key: 'seed', help: 'seed of the workload and fault picks' },
  show: { key: 'show', help: 'violations listed per check' },
};

export function defaultOptions(): ChaosOptions {
  return {
    coordinators: 3,
    workers: 6,
    slots: 16,
    prefetch: 8,
    tasks: 10_000,
    tailTasks: 300,
    durationS: 120,
    killEveryS: 2,
    restartDelayMaxS: 1.5,
    faultEveryS: 3,
    stallMaxS: 5,
    terminateEveryS: 10,
    pgDownS: 3,
    // Kills and long stalls cost attempts: at the default rates a 5 s task loses at most about one
    // attempt in three to them (each workerd is killed every ~18 s, stalled past its lease every
    // ~2 min), so 20 (one planned failure, 19 to lose) runs out by bad luck alone with odds of
    // ~0.3^19 = 1e-10 per task.
    maxAttempts: 20,
    drainTimeoutS: 300,
    seed: Math.floor(Math.random() * 2 ** 31),
    show: 10,
    keep: false,
    coordinatorArgs: [],
  };
}

export function helpText(): string {
  const defaults = defaultOptions();
  const lines = Object.entries(flags).map(([flag, spec]) => {
    const value = spec.key === 'seed' ? 'random' : String(defaults[spec.key]);
    return `  --${flag.padEnd(16)} ${spec.help} (default ${value})`;
  });
  return [
    'npm run chaos -- [options]: the fault suite (see test/README.md, "Fault suite").',
    '',
    ...lines,
    '  --keep             keep the temp dir (handler record, PostgreSQL log)',
    '  --coordinator-arg  a further `taskwire coordinator` flag (repeatable), e.g. --coordinator-arg=--lease=5s',
    '  --help',
    '',
  ].join('\n');
}

/** Options from the command line; throws an Error naming a bad flag. */
export function parseOptions(argv: string[]): ChaosOptions | 'help' {
  const parsed = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...Object.fromEntries(Object.keys(flags).map((flag) => [flag, { type: 'string' as const }])),
      keep: { type: 'boolean' },
      help: { type: 'boolean' },
      'coordinator-arg': { type: 'string', multiple: true },
    },
  });
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  if (values['help']) return 'help';
  const options = defaultOptions();
  for (const [flag, spec] of Object.entries(flags)) {
    const text = values[flag];
    if (typeof text !== 'string') continue;
    const value = Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag}: "${text}" is not a number >= 0`);
    (options[spec.key] as number) = value;
  }
  if (values['tail-tasks'] === undefined) options.tailTasks = Math.min(300, Math.ceil(options.tasks / 10));
  options.keep = values['keep'] === true;
  options.coordinatorArgs = ((values['coordinator-arg'] as string[] | undefined) ?? []).flatMap((arg) =>
    arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg],
  );
  return validated(options);
}

/** Fails on combinations that cannot run. */
export function validated(options: ChaosOptions): ChaosOptions {
  const whole = [
    'coordinators',
    'workers',
    'slots',
    'prefetch',
    'tasks',
    'tailTasks',
    'maxAttempts',
  ] as const;
  for (const key of whole) {
    if (!Number.isInteger(options[key])) throw new Error(`${key} must be a whole number`);
  }
  if (options.coordinators < 1 || options.workers < 1 || options.slots < 1) {
    throw new Error('at least one coordinator, one worker and one slot');
  }
  if (options.tailTasks > options.tasks) throw new Error('tail-tasks cannot exceed tasks');
  return options;
}
