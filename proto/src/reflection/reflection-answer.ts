import { create, type DescFile } from '@bufbuild/protobuf';
import { Code } from '@connectrpc/connect';
import {
  ErrorResponseSchema,
  ExtensionNumberResponseSchema,
  FileDescriptorResponseSchema,
  ListServiceResponseSchema,
  type ServerReflectionRequest,
  type ServerReflectionResponse,
  ServerReflectionResponseSchema,
} from '../../gen/grpc/reflection/v1/reflection_pb.js';
import type { ReflectedSchema } from './reflected-schema.js';

type Answer = ServerReflectionResponse['messageResponse'];

/**
 * The answer to one request of a ServerReflectionInfo stream (grpc.reflection.v1). A question the
 * schema cannot answer is an error_response in the stream (NOT_FOUND naming what was asked for),
 * never the end of the stream: that is what the reflection protocol asks of a server.
 */
export function answerReflectionRequest(
  schema: ReflectedSchema,
  request: ServerReflectionRequest,
): ServerReflectionResponse {
  return create(ServerReflectionResponseSchema, {
    validHost: request.host,
    originalRequest: request,
    messageResponse: answer(schema, request.messageRequest),
  });
}

function answer(schema: ReflectedSchema, question: ServerReflectionRequest['messageRequest']): Answer {
  switch (question.case) {
    case 'listServices':
      // The argument is unspecified by the protocol; every server in practice lists everything.
      return {
        case: 'listServicesResponse',
        value: create(ListServiceResponseSchema, { service: schema.serviceNames.map((name) => ({ name })) }),
      };
    case 'fileByFilename':
      return files(schema, schema.fileByName(question.value), `no file named "${question.value}"`);
    case 'fileContainingSymbol':
      return files(
        schema,
        schema.fileContainingSymbol(question.value),
        `no symbol named "${question.value}"`,
      );
    case 'fileContainingExtension': {
      const { containingType, extensionNumber } = question.value;
      const file = schema.fileContainingExtension(containingType, extensionNumber);
      return files(schema, file, `no extension of "${containingType}" with number ${extensionNumber}`);
    }
    case 'allExtensionNumbersOfType': {
      const numbers = schema.extensionNumbersOf(question.value);
      if (!numbers) return error(Code.NotFound, `no message type named "${question.value}"`);
      return {
        case: 'allExtensionNumbersResponse',
        value: create(ExtensionNumberResponseSchema, {
          baseTypeName: question.value,
          extensionNumber: numbers,
        }),
      };
    }
    case undefined:
      return error(
        Code.InvalidArgument,
        'message_request: set one of list_services, file_by_filename, file_containing_symbol, file_containing_extension, all_extension_numbers_of_type',
      );
  }
}

function files(schema: ReflectedSchema, file: DescFile | undefined, missing: string): Answer {
  if (!file) return error(Code.NotFound, missing);
  return {
    case: 'fileDescriptorResponse',
    value: create(FileDescriptorResponseSchema, {
      fileDescriptorProto: schema.encodedWithDependencies(file),
    }),
  };
}

function error(code: Code, message: string): Answer {
  return {
    case: 'errorResponse',
    value: create(ErrorResponseSchema, { errorCode: code, errorMessage: message }),
  };
}
