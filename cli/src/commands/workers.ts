import { ListWorkersResponseSchema } from '@taskwire/proto';
import type { CommandContext, CommandSpec } from '../args/command-spec.js';
import { ExitCode } from '../exit-codes.js';
import { writeJsonLine } from '../output/json-line.js';
import { renderTable } from '../output/table.js';
import { WORKER_HEADERS, workerRows } from '../output/worker-text.js';

async function run({ args, io, clients }: CommandContext): Promise<number> {
  const response = await clients().fleet.listWorkers({ onlineOnly: args.flag('online') });
  if (args.flag('json')) {
    writeJsonLine(io.stdout, ListWorkersResponseSchema, response);
    return ExitCode.Ok;
  }
  io.stdout.write(renderTable(WORKER_HEADERS, workerRows(response.workers, new Date())));
  if (response.workers.length === 0) {
    io.stderr.write('no workers; `taskwire dev` starts one, or run `workerd --coordinator <address>`\n');
  }
  return ExitCode.Ok;
}

export const workersCommand: CommandSpec = {
  name: 'workers',
  summary: 'list the workers: status, slots in use, kinds, labels, last heartbeat',
  details: ['With --json: the ListWorkersResponse.'],
  positionals: [],
  options: { online: { type: 'boolean', help: 'leave out offline workers' } },
  remote: true,
  run,
};
