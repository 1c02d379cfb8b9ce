import { type DescMessage, type DescService, fromBinary, toBinary } from '@bufbuild/protobuf';
import type { MethodDefinition, ServiceDefinition } from '@grpc/grpc-js';

/**
 * A grpc-js service definition built from a protobuf-es descriptor, so that grpc-js servers and
 * clients speak exactly the generated schema (no proto-loader, no second copy of the messages).
 */
export function grpcServiceDefinition(
  service: DescService,
  options: { serving?: boolean } = {},
): ServiceDefinition {
  const definition: Record<string, MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methods) {
    definition[method.name] = {
      path: `/${service.typeName}/${method.name}`,
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: serializer(method.input),
      requestDeserialize: options.serving ? lenientDeserializer(method.input) : deserializer(method.input),
      responseSerialize: serializer(method.output),
      responseDeserialize: deserializer(method.output),
      originalName: method.localName,
    };
  }
  return definition;
}

function serializer(schema: DescMessage) {
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js hands us the message typed as unknown.
  return (message: any): Buffer => Buffer.from(toBinary(schema, message));
}

function deserializer(schema: DescMessage) {
  return (bytes: Buffer): unknown => fromBinary(schema, bytes);
}

/**
 * A request that is not a valid message of its type. A server hands it to the call instead of
 * throwing in the deserializer (grpc-js would answer INTERNAL): the caller sent bad bytes, which
 * is INVALID_ARGUMENT.
 */
export class UndecodableRequest {
  constructor(
    readonly typeName: string,
    readonly reason: string,
  ) {}

  get message(): string {
    return `the request is not a valid ${this.typeName}: ${this.reason}`;
  }
}

function lenientDeserializer(schema: DescMessage) {
  return (bytes: Buffer): unknown => {
    try {
      return fromBinary(schema, bytes);
    } catch (error) {
      return new UndecodableRequest(schema.typeName, (error as Error).message);
    }
  };
}
