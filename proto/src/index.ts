export { grpcServiceDefinition } from './grpc-definition.js';
export { addServiceImpl, type GrpcCallGuard } from './grpc-server.js';
export { type ReflectionMount, type ServerReflection, serverReflection } from './reflection/index.js';
export * from './schema.js';
export { sendableStatusMessage, withSendableMessage } from './status-message.js';
