import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { Code } from '@connectrpc/connect';
import { file_taskwire_v1_task_service, Role } from '@taskwire/proto';
import { gatewayOf, startFleet } from './fleet.js';
import { bufCurl, describeBufCurl } from './support/buf-curl.js';
import { spec } from './support/specs.js';

const REFLECTION_SERVICES = [
  'grpc.reflection.v1.ServerReflection',
  'grpc.reflection.v1alpha.ServerReflection',
];
const GATEWAY_SERVICES = ['taskwire.v1.AdminService', 'taskwire.v1.FleetService', 'taskwire.v1.TaskService'];
const REFLECT_PROTOCOLS = { 'grpc-v1': 'grpc.reflection.v1', 'grpc-v1alpha': 'grpc.reflection.v1alpha' };

interface Server {
  readonly name: string;
  readonly url: string;
  /** buf curl's --protocol values it serves (the coordinator is grpc-js: gRPC only). */
  readonly protocols: readonly string[];
  readonly services: readonly string[];
}

/** A gateway serves every protocol, and the services a browser or script calls (no worker stream). */
function gatewayServer(name: string, url: string): Server {
  return {
    name,
    url,
    protocols: ['grpc', 'connect', 'grpcweb'],
    services: [...REFLECTION_SERVICES, ...GATEWAY_SERVICES],
  };
}

/** Runs buf curl (never with --schema) and expects it to succeed. */
async function bufCurlOk(args: string[]): Promise<string> {
  const result = await bufCurl(args);
  assert.equal(result.code, 0, describeBufCurl(args, result));
  return result.stdout;
}

test('buf curl without a schema lists, describes and calls the coordinator and both gateways; reflection needs no token, the services do', async (t) => {
  const fleet = await startFleet(t, { coordinatorArgs: ['--gateway', '0'] });
  const inProcess = await gatewayOf(fleet.coordinator.process);
  const standalone = await fleet.startGateway();
  // The first token turns access control on.
  fleet.token = (await fleet.admin().createToken({ name: 'root', role: Role.ADMIN })).secret;
  const workerToken = (await fleet.admin().createToken({ name: 'worker', role: Role.WORKER })).secret;
  await fleet.addWorker({ name: 'reflected', env: { TASKWIRE_TOKEN: workerToken } });
  const { task } = await fleet.tasks.submitTask({ spec: spec('nobody.handles.this') });
  const bearer = `authorization: Bearer ${fleet.token}`;

  const servers: Server[] = [
    {
      name: 'coordinator',
      url: `http://${fleet.address}`,
      protocols: ['grpc'],
      services: [...REFLECTION_SERVICES, ...GATEWAY_SERVICES, 'taskwire.v1.WorkerService'],
    },
    gatewayServer('in-process gateway', inProcess.url),
    gatewayServer('standalone gateway', standalone.url),
  ];
  for (const server of servers) {
    for (const [reflectProtocol, reflectionPackage] of Object.entries(REFLECT_PROTOCOLS)) {
      await t.test(`${server.name}, ${reflectProtocol}`, (t) =>
        checkServer(t, server, reflectProtocol, reflectionPackage, { taskId: task!.id, bearer }),
      );
    }
  }
});

async function checkServer(
  t: TestContext,
  server: Server,
  reflectProtocol: string,
  reflectionPackage: string,
  { taskId, bearer }: { taskId: string; bearer: string },
): Promise<void> {
  const reflect = ['--reflect-protocol', reflectProtocol];
  const listed = await bufCurlOk(['--protocol', 'grpc', ...reflect, '--list-services', server.url]);
  assert.deepEqual(listed.trim().split('\n'), [...server.services].sort());
  const methods = await bufCurlOk(['--protocol', 'grpc', ...reflect, '--list-methods', server.url]);
  assert.ok(methods.includes('taskwire.v1.TaskService/GetTask\n'), methods);
  assert.ok(methods.includes('taskwire.v1.FleetService/ListWorkers\n'), methods);

  // Describing a method is asking the reflection service (itself described by reflection) for
  // the file that declares it: the generated descriptor, byte for byte.
  const described = JSON.parse(
    await bufCurlOk([
      '--protocol',
      'grpc',
      ...reflect,
      '-d',
      JSON.stringify({ fileContainingSymbol: 'taskwire.v1.TaskService.GetTask' }),
      `${server.url}/${reflectionPackage}.ServerReflection/ServerReflectionInfo`,
    ]),
  ) as { fileDescriptorResponse: { fileDescriptorProto: string[] } };
  const [declaring] = described.fileDescriptorResponse.fileDescriptorProto;
  const file = fromBinary(FileDescriptorProtoSchema, Buffer.from(declaring!, 'base64'));
  assert.deepEqual(file, file_taskwire_v1_task_service.proto);
  const getTask = file.service
    .find((s) => s.name === 'TaskService')
    ?.method.find((m) => m.name === 'GetTask');
  assert.equal(getTask?.inputType, '.taskwire.v1.GetTaskRequest');

  for (const protocol of server.protocols) {
    await t.test(`--protocol ${protocol}`, async () => {
      const call = (method: string, body: unknown, headers: string[] = []) => [
        '--protocol',
        protocol,
        ...reflect,
        ...headers,
        '-d',
        JSON.stringify(body),
        `${server.url}/taskwire.v1.${method}`,
      ];
      const got = JSON.parse(await bufCurlOk(call('TaskService/GetTask', { id: taskId }, ['-H', bearer])));
      assert.equal(got.task.id, taskId);
      assert.equal(got.task.state, 'TASK_STATE_QUEUED');
      const listedWorkers = JSON.parse(await bufCurlOk(call('FleetService/ListWorkers', {}, ['-H', bearer])));
      assert.deepEqual(
        listedWorkers.workers.map((worker: { name: string }) => worker.name),
        ['reflected'],
      );

      const args = call('TaskService/GetTask', { id: taskId });
      const refused = await bufCurl(args);
      // buf curl exits with the RPC's code shifted left by 3.
      assert.equal(refused.code, Code.Unauthenticated << 3, describeBufCurl(args, refused));
      assert.match(refused.stderr, /"code": "unauthenticated"/);
    });
  }
}
