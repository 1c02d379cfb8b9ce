export * from '../gen/taskwire/v1/admin_service_pb.js';
export * from '../gen/taskwire/v1/fleet_service_pb.js';
export * from '../gen/taskwire/v1/task_pb.js';
export * from '../gen/taskwire/v1/task_service_pb.js';
export * from '../gen/taskwire/v1/worker_pb.js';
export * from '../gen/taskwire/v1/worker_service_pb.js';
export { grpcServiceDefinition } from './grpc-definition.js';
export { addServiceImpl, type GrpcCallGuard } from './grpc-server.js';
export { jsonPayload, parseJsonPayload } from './json-payload.js';
