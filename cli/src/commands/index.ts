import type { CommandSpec } from '../args/command-spec.js';
import { cancelCommand } from './cancel.js';
import { coordinatorCommand } from './coordinator.js';
import { devCommand } from './dev.js';
import { eventsCommand } from './events.js';
import { explainCommand } from './explain.js';
import { gatewayCommand } from './gateway.js';
import { getCommand } from './get.js';
import { inputCommand } from './input.js';
import { listCommand } from './list.js';
import { logsCommand } from './logs.js';
import { retryCommand } from './retry.js';
import { submitCommand } from './submit.js';
import { tokenCommand } from './token.js';
import { watchCommand } from './watch.js';
import { workersCommand } from './workers.js';

/** Every command, in the order `taskwire --help` lists them: start, use, inspect. */
export const COMMANDS: readonly CommandSpec[] = [
  devCommand,
  coordinatorCommand,
  gatewayCommand,
  submitCommand,
  watchCommand,
  getCommand,
  listCommand,
  cancelCommand,
  retryCommand,
  inputCommand,
  explainCommand,
  eventsCommand,
  logsCommand,
  workersCommand,
  tokenCommand,
];
