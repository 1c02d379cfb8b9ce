import type { DescService } from '@bufbuild/protobuf';
import type { ConnectRouter } from '@connectrpc/connect';
import { serverReflection } from '@taskwire/proto';
import { sendableErrors } from './sendable-errors.js';

/**
 * Registers gRPC server reflection (v1, v1alpha) describing `served`. Its own interceptor list
 * replaces the gateway's, so the access check does not run: the schema is public, and buf curl or
 * grpcurl reflect without a token. The services themselves still demand theirs.
 */
export function registerReflection(router: ConnectRouter, served: readonly DescService[]): void {
  const reflection = serverReflection(served);
  const options = { interceptors: [sendableErrors] };
  router.service(reflection.v1.service, reflection.v1.impl, options);
  router.service(reflection.v1alpha.service, reflection.v1alpha.impl, options);
}
