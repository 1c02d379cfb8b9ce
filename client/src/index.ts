// The schema (messages, enums, services, payload helpers) comes along: one import for callers.
export * from '@taskwire/proto/schema';
export { bearerToken } from './bearer-token.js';
export {
  createTaskwireClient,
  type TaskwireClient,
  type TaskwireClientOptions,
  taskwireClientOver,
} from './taskwire-client.js';
export {
  createTaskwireTransport,
  type TaskwireProtocol,
  type TaskwireTransportOptions,
} from './transport.js';
