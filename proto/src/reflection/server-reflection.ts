import { type DescService, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { ServiceImpl } from '@connectrpc/connect';
import * as v1 from '../../gen/grpc/reflection/v1/reflection_pb.js';
import * as v1alpha from '../../gen/grpc/reflection/v1alpha/reflection_pb.js';
import { ReflectedSchema } from './reflected-schema.js';
import { answerReflectionRequest } from './reflection-answer.js';

/** A reflection service with its implementation, for a server to mount. */
export interface ReflectionMount<S extends DescService> {
  readonly service: S;
  readonly impl: ServiceImpl<S>;
}

/** grpc.reflection.v1, and its predecessor v1alpha, which older clients still use. */
export interface ServerReflection {
  readonly v1: ReflectionMount<typeof v1.ServerReflection>;
  readonly v1alpha: ReflectionMount<typeof v1alpha.ServerReflection>;
}

/**
 * Server reflection describing `served` and the reflection services themselves, as Connect
 * ServiceImpls: the coordinator mounts them on grpc-js, the gateway on connect-node, with one
 * implementation. Both mount them without the access check: the schema is public, and clients
 * (buf curl, grpcurl) send no token when they reflect.
 */
export function serverReflection(served: readonly DescService[]): ServerReflection {
  const schema = new ReflectedSchema([...served, v1.ServerReflection, v1alpha.ServerReflection]);
  return {
    v1: {
      service: v1.ServerReflection,
      impl: {
        async *serverReflectionInfo(requests) {
          for await (const request of requests) yield answerReflectionRequest(schema, request);
        },
      },
    },
    v1alpha: {
      service: v1alpha.ServerReflection,
      impl: {
        async *serverReflectionInfo(requests) {
          // v1alpha is v1 under another package name, field for field: the bytes translate.
          for await (const request of requests) {
            const asV1 = fromBinary(
              v1.ServerReflectionRequestSchema,
              toBinary(v1alpha.ServerReflectionRequestSchema, request),
            );
            const answer = answerReflectionRequest(schema, asV1);
            yield fromBinary(
              v1alpha.ServerReflectionResponseSchema,
              toBinary(v1.ServerReflectionResponseSchema, answer),
            );
          }
        },
      },
    },
  };
}
