/**
 * Submits a task through the Taskwire gateway and follows it to the end, with the client generated
 * from the schema. Copy it as a starting point for your own scripts.
 *
 *   TASKWIRE_TOKEN=$(cat .taskwire/token) node examples/dist/submit-and-watch.js demo '{"steps":5}'
 *
 * Arguments: KIND (default demo) and a JSON payload (default {"steps":5,"stepMs":200}).
 * Environment: TASKWIRE_TOKEN (required; `taskwire dev` saves one in .taskwire/token) and
 * TASKWIRE_GATEWAY (default http://127.0.0.1:7381).
 * Progress goes to stderr and the result alone to stdout, so `RESULT=$(node ...)` captures it.
 * Exit code: 0 when the task succeeded, 1 when it failed or was cancelled (or a call failed),
 * 2 for a usage error.
 */
import { ConnectError, createClient, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  isFinalTaskState,
  jsonPayload,
  parseJsonPayload,
  type Task,
  TaskService,
  TaskState,
} from '@taskwire/proto';

const gatewayUrl = process.env.TASKWIRE_GATEWAY || 'http://127.0.0.1:7381';
const token = process.env.TASKWIRE_TOKEN;
const [kind = 'demo', payloadText = '{"steps":5,"stepMs":200}'] = process.argv.slice(2);

/** Every call carries the token; without one the gateway answers UNAUTHENTICATED (HTTP 401). */
function bearerToken(secret: string): Interceptor {
  return (next) => (request) => {
    request.header.set('authorization', `Bearer ${secret}`);
    return next(request);
  };
}

/** `RUNNING 40% step 3/5`: the state's short name, then what the handler last reported. */
function progressLine(task: Task): string {
  const percent = `${Math.floor(task.progress?.percent ?? 0)}%`;
  const parts = [TaskState[task.state], percent, task.progress?.step, task.progress?.message];
  return parts.filter((part) => part !== undefined && part !== '').join(' ');
}

function usageError(message: string): number {
  process.stderr.write(`error: ${message}\n`);
  return 2;
}

async function main(): Promise<number> {
  if (!token) return usageError('set TASKWIRE_TOKEN, e.g. TASKWIRE_TOKEN=$(cat .taskwire/token)');
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch (error) {
    return usageError(`the payload is not JSON: ${(error as Error).message}`);
  }

  // The Connect protocol (JSON over HTTP/1.1 here), the same one curl speaks to the gateway;
  // server streams such as WatchTask work over HTTP/1.1 too.
  const transport = createConnectTransport({
    baseUrl: gatewayUrl,
    httpVersion: '1.1',
    interceptors: [bearerToken(token)],
  });
  const tasks = createClient(TaskService, transport);

  // jsonPayload() wraps the value as the schema's Payload: JSON bytes, content type application/json.
  const { task: submitted } = await tasks.submitTask({ spec: { kind, payload: jsonPayload(payload) } });
  if (!submitted) throw new Error('SubmitTask answered without a task');
  process.stderr.write(`submitted ${submitted.id}\n`);

  // WatchTask sends the task as it is now, then once per change, and ends at a final state.
  let last = submitted;
  let lastLine = '';
  for await (const { task } of tasks.watchTask({ id: submitted.id })) {
    if (!task) continue;
    last = task;
    const line = progressLine(task);
    if (line !== lastLine) process.stderr.write(`${line}\n`);
    lastLine = line;
    if (isFinalTaskState(task.state)) break; // WatchTask ends there too
  }

  switch (last.state) {
    case TaskState.SUCCEEDED:
      // parseJsonPayload() turns the handler's JSON result back into a value.
      process.stdout.write(`${JSON.stringify(parseJsonPayload(last.result))}\n`);
      return 0;
    case TaskState.FAILED: {
      const error = last.lastError;
      process.stderr.write(
        `task ${last.id} failed: ${error ? `${error.type}: ${error.message}` : last.endReason}\n`,
      );
      return 1;
    }
    case TaskState.CANCELLED:
      process.stderr.write(`task ${last.id} was cancelled${last.endReason ? `: ${last.endReason}` : ''}\n`);
      return 1;
    default:
      process.stderr.write(`the watch of task ${last.id} ended while it was ${TaskState[last.state]}\n`);
      return 1;
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  // ConnectError carries the status code: unauthenticated, permission_denied, unavailable, ...
  const message = error instanceof ConnectError ? error.message : String(error);
  process.stderr.write(`error: ${message} (gateway ${gatewayUrl})\n`);
  process.exitCode = 1;
}
