import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  create,
  createFileRegistry,
  type DescService,
  fromBinary,
  type MessageInitShape,
} from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
  file_google_protobuf_timestamp,
} from '@bufbuild/protobuf/wkt';
import { Code, createClient, createRouterTransport } from '@connectrpc/connect';
import * as v1 from '../../gen/grpc/reflection/v1/reflection_pb.js';
import * as v1alpha from '../../gen/grpc/reflection/v1alpha/reflection_pb.js';
import { FleetService, file_taskwire_v1_fleet_service, TaskService } from '../schema.js';
import { serverReflection } from './server-reflection.js';

const { INT32, MESSAGE, ENUM } = FieldDescriptorProto_Type;
const OPTIONAL = FieldDescriptorProto_Label.OPTIONAL;

/** A schema with what Taskwire's lacks: a nested message, a nested enum, an extension (proto2). */
const fixtureFile = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: 'fixture/v1/fixture.proto',
    package: 'fixture.v1',
    syntax: 'proto2',
    dependency: ['google/protobuf/timestamp.proto'],
    messageType: [
      {
        name: 'Outer',
        field: [
          { name: 'at', number: 1, label: OPTIONAL, type: MESSAGE, typeName: '.google.protobuf.Timestamp' },
          { name: 'color', number: 2, label: OPTIONAL, type: ENUM, typeName: '.fixture.v1.Outer.Color' },
        ],
        nestedType: [{ name: 'Inner', field: [{ name: 'n', number: 1, label: OPTIONAL, type: INT32 }] }],
        enumType: [{ name: 'Color', value: [{ name: 'COLOR_RED', number: 0 }] }],
        extensionRange: [{ start: 100, end: 200 }],
      },
    ],
    extension: [{ name: 'extra', number: 100, label: OPTIONAL, type: INT32, extendee: '.fixture.v1.Outer' }],
    service: [
      {
        name: 'FixtureService',
        method: [{ name: 'Get', inputType: '.fixture.v1.Outer', outputType: '.fixture.v1.Outer.Inner' }],
      },
    ],
  }),
  (name) => (name === 'google/protobuf/timestamp.proto' ? file_google_protobuf_timestamp : undefined),
);
const FixtureService = fixtureFile.getService('fixture.v1.FixtureService')!;

type Question = MessageInitShape<typeof v1.ServerReflectionRequestSchema>['messageRequest'];

/** Asks a v1 ServerReflectionInfo stream, in memory, each question in turn on one stream. */
async function askV1(served: DescService[], ...questions: Question[]) {
  const reflection = serverReflection(served);
  const client = createClient(
    v1.ServerReflection,
    createRouterTransport((router) => router.service(reflection.v1.service, reflection.v1.impl)),
  );
  async function* requests() {
    for (const messageRequest of questions) yield { host: 'here', messageRequest };
  }
  const answers = [];
  for await (const response of client.serverReflectionInfo(requests())) answers.push(response);
  return answers;
}

function fileNames(response: v1.ServerReflectionResponse): string[] {
  assert.equal(
    response.messageResponse.case,
    'fileDescriptorResponse',
    JSON.stringify(response.messageResponse),
  );
  return response.messageResponse.value.fileDescriptorProto.map(
    (bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name,
  );
}

test('list_services names the served services and both reflection services', async () => {
  const [answer] = await askV1([TaskService, FleetService], { case: 'listServices', value: '*' });
  assert.equal(answer?.messageResponse.case, 'listServicesResponse');
  assert.deepEqual(
    answer.messageResponse.value.service.map((service) => service.name),
    [
      'taskwire.v1.TaskService',
      'taskwire.v1.FleetService',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ],
  );
  assert.equal(answer.validHost, 'here');
  assert.deepEqual(answer.originalRequest?.messageRequest, { case: 'listServices', value: '*' });
});

test('file_containing_symbol finds nested messages, enum values, fields and methods, with their imports', async () => {
  const symbols = [
    'fixture.v1.Outer.Inner',
    'fixture.v1.Outer.COLOR_RED',
    'fixture.v1.Outer.color',
    'fixture.v1.FixtureService.Get',
  ];
  const answers = await askV1(
    [FixtureService],
    ...symbols.map((value) => ({ case: 'fileContainingSymbol' as const, value })),
  );
  for (const answer of answers) {
    assert.deepEqual(fileNames(answer), ['fixture/v1/fixture.proto', 'google/protobuf/timestamp.proto']);
  }
});

test('file_by_filename answers the generated descriptor itself and every file it imports, once each', async () => {
  const [answer] = await askV1([FleetService], {
    case: 'fileByFilename',
    value: 'taskwire/v1/fleet_service.proto',
  });
  const names = fileNames(answer!);
  assert.equal(names[0], 'taskwire/v1/fleet_service.proto');
  assert.equal(new Set(names).size, names.length);
  assert.deepEqual([...names].sort(), [
    'google/protobuf/duration.proto',
    'google/protobuf/timestamp.proto',
    'taskwire/v1/fleet_service.proto',
    'taskwire/v1/task.proto',
    'taskwire/v1/worker.proto',
  ]);
  assert.ok(answer?.messageResponse.case === 'fileDescriptorResponse');
  const served = fromBinary(FileDescriptorProtoSchema, answer.messageResponse.value.fileDescriptorProto[0]!);
  assert.deepEqual(served, file_taskwire_v1_fleet_service.proto);
});

test('an unknown symbol or file is NOT_FOUND in the stream, which goes on answering', async () => {
  const answers = await askV1(
    [TaskService],
    { case: 'fileContainingSymbol', value: 'taskwire.v1.NoSuchThing' },
    { case: 'fileByFilename', value: 'nope.proto' },
    { case: 'fileContainingSymbol', value: 'taskwire.v1.TaskService' },
  );
  assert.equal(answers.length, 3);
  assert.deepEqual(answers[0]?.messageResponse.case === 'errorResponse' && answers[0].messageResponse.value, {
    $typeName: 'grpc.reflection.v1.ErrorResponse',
    errorCode: Code.NotFound,
    errorMessage: 'no symbol named "taskwire.v1.NoSuchThing"',
  });
  assert.equal(
    answers[1]?.messageResponse.case === 'errorResponse' && answers[1].messageResponse.value.errorCode,
    Code.NotFound,
  );
  assert.equal(fileNames(answers[2]!)[0], 'taskwire/v1/task_service.proto');
});

test('extensions: the file declaring one, and the numbers of a message; an unknown type is NOT_FOUND', async () => {
  const [byNumber, numbers, unknownNumber, unknownType, none] = await askV1(
    [FixtureService],
    { case: 'fileContainingExtension', value: { containingType: 'fixture.v1.Outer', extensionNumber: 100 } },
    { case: 'allExtensionNumbersOfType', value: 'fixture.v1.Outer' },
    { case: 'fileContainingExtension', value: { containingType: 'fixture.v1.Outer', extensionNumber: 101 } },
    { case: 'allExtensionNumbersOfType', value: 'fixture.v1.Nope' },
    { case: 'allExtensionNumbersOfType', value: 'fixture.v1.Outer.Inner' },
  );
  assert.equal(fileNames(byNumber!)[0], 'fixture/v1/fixture.proto');
  assert.ok(numbers?.messageResponse.case === 'allExtensionNumbersResponse');
  assert.deepEqual(numbers.messageResponse.value.extensionNumber, [100]);
  assert.equal(
    unknownNumber?.messageResponse.case === 'errorResponse' && unknownNumber.messageResponse.value.errorCode,
    Code.NotFound,
  );
  assert.equal(
    unknownType?.messageResponse.case === 'errorResponse' && unknownType.messageResponse.value.errorCode,
    Code.NotFound,
  );
  assert.ok(none?.messageResponse.case === 'allExtensionNumbersResponse');
  assert.deepEqual(none.messageResponse.value.extensionNumber, []);
});

test('a request that asks nothing is INVALID_ARGUMENT', async () => {
  const [answer] = await askV1([TaskService], { case: undefined });
  assert.ok(answer?.messageResponse.case === 'errorResponse');
  assert.equal(answer.messageResponse.value.errorCode, Code.InvalidArgument);
  assert.match(answer.messageResponse.value.errorMessage, /file_containing_symbol/);
});

test('v1alpha answers as v1 does, in its own message types', async () => {
  const reflection = serverReflection([TaskService]);
  const client = createClient(
    v1alpha.ServerReflection,
    createRouterTransport((router) => router.service(reflection.v1alpha.service, reflection.v1alpha.impl)),
  );
  async function* requests() {
    yield create(v1alpha.ServerReflectionRequestSchema, {
      host: 'h',
      messageRequest: { case: 'listServices', value: '' },
    });
    yield create(v1alpha.ServerReflectionRequestSchema, {
      messageRequest: { case: 'fileContainingSymbol', value: 'nope' },
    });
  }
  const answers = [];
  for await (const response of client.serverReflectionInfo(requests())) answers.push(response);
  const [list, missing] = answers;
  assert.equal(list?.$typeName, 'grpc.reflection.v1alpha.ServerReflectionResponse');
  assert.equal(list.validHost, 'h');
  assert.ok(list.messageResponse.case === 'listServicesResponse');
  assert.deepEqual(
    list.messageResponse.value.service.map((service) => service.name),
    [
      'taskwire.v1.TaskService',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
    ],
  );
  assert.ok(missing?.messageResponse.case === 'errorResponse');
  assert.equal(missing.messageResponse.value.errorCode, Code.NotFound);
});
