/**
 * Exit codes scripts can rely on. They are part of the CLI's contract: --help prints this table,
 * so a new code is added here and nowhere else.
 */
export const ExitCode = {
  Ok: 0,
  Usage: 1,
  RpcFailed: 2,
  Unreachable: 3,
  TaskFailed: 4,
  TaskCancelled: 5,
  NotFound: 6,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One line per code, in the order --help lists them. */
export const EXIT_CODE_HELP: readonly (readonly [ExitCode, string])[] = [
  [ExitCode.Ok, 'success (for --wait and watch: the task SUCCEEDED)'],
  [ExitCode.Usage, 'bad arguments or usage (also: dev/coordinator could not start, e.g. port in use)'],
  [ExitCode.RpcFailed, 'the coordinator answered with an error (printed as "error: <code>: <message>")'],
  [ExitCode.Unreachable, 'the coordinator is unreachable (start one with `taskwire dev`)'],
  [ExitCode.TaskFailed, 'the awaited task ended FAILED'],
  [ExitCode.TaskCancelled, 'the awaited task ended CANCELLED'],
  [ExitCode.NotFound, 'the task (or worker) does not exist'],
];
