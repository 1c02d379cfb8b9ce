export { grpcServiceDefinition } from './grpc-definition.js';
export { addServiceImpl, type GrpcCallGuard } from './grpc-server.js';
export { type ReflectionMount, type ServerReflection, serverReflection } from './reflection/index.js';
export * from './schema.js';
export { sendableStatusMessage, withSendableMessage } from './status-message.js';
export {
  type ClientCertificate,
  clientCertificateKey,
  clientCertificateOf,
} from './tls/client-certificate.js';
export type { ServerTls } from './tls/server-tls.js';
export { compactTlsDetail, explainTlsFailure, type TlsClientFlags } from './tls/tls-failure.js';
