import { type Client, createClient, type Transport } from '@connectrpc/connect';
import { AdminService, FleetService, TaskService } from '@taskwire/proto/schema';
import { createTaskwireTransport, type TaskwireTransportOptions } from './transport.js';

/** Taskwire's public services over one transport. */
export interface TaskwireClient {
  /** Submit, get, list, watch, cancel, retry tasks; logs, events, artifacts, input. */
  readonly tasks: Client<typeof TaskService>;
  /** Workers (list, watch, drain, resume, remove) and stats. */
  readonly fleet: Client<typeof FleetService>;
  /** Tokens (create, list, revoke); admin role only. */
  readonly admin: Client<typeof AdminService>;
}

export type TaskwireClientOptions = TaskwireTransportOptions;

/**
 * Clients of every Taskwire service at `baseUrl`:
 * `createTaskwireClient({ baseUrl: 'http://127.0.0.1:7380', token })`.
 */
export function createTaskwireClient(options: TaskwireClientOptions): TaskwireClient {
  return taskwireClientOver(createTaskwireTransport(options));
}

/** The same clients over a transport you made (e.g. `createRouterTransport` in tests). */
export function taskwireClientOver(transport: Transport): TaskwireClient {
  return {
    tasks: createClient(TaskService, transport),
    fleet: createClient(FleetService, transport),
    admin: createClient(AdminService, transport),
  };
}
