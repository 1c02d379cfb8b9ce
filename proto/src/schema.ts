// The schema alone, safe for browsers: nothing here imports Node or grpc-js.
export * from '../gen/taskwire/v1/admin_service_pb.js';
export * from '../gen/taskwire/v1/fleet_service_pb.js';
export * from '../gen/taskwire/v1/task_pb.js';
export * from '../gen/taskwire/v1/task_service_pb.js';
export * from '../gen/taskwire/v1/worker_pb.js';
export * from '../gen/taskwire/v1/worker_service_pb.js';
export { jsonPayload, parseJsonPayload } from './json-payload.js';
export { FINAL_TASK_STATES, isFinalTaskState } from './task-states.js';
export { isValidTracestate, parseTraceparent, type Traceparent } from './trace-context.js';
