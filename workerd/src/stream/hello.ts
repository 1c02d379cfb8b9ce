import { create } from '@bufbuild/protobuf';
import { type WorkerMessage, WorkerMessageSchema } from '@taskwire/proto';
import { hostInfo } from '../host/host-info.js';
import type { ResourceSampler } from '../host/resource-sampler.js';
import { softwareVersions } from '../host/software-versions.js';
import type { TaskRunner } from '../runner/task-runner.js';
import { WORKERD_VERSION } from '../version.js';

/** What a worker says about itself in every hello. */
export interface WorkerIdentity {
  workerId: string;
  name: string;
  labels: string[];
}

/** The first message of a connection: who the worker is and what it still runs. */
export function helloMessage(
  identity: WorkerIdentity,
  runner: TaskRunner,
  resources: ResourceSampler,
): WorkerMessage {
  const host = hostInfo();
  return create(WorkerMessageSchema, {
    body: {
      case: 'hello',
      value: {
        workerId: identity.workerId,
        name: identity.name,
        hostname: host.hostname,
        addresses: host.addresses,
        version: WORKERD_VERSION,
        kinds: runner.kinds,
        labels: identity.labels,
        slots: runner.slots,
        running: runner.runningAttempts(),
        resources: resources.sample(),
        versions: softwareVersions(),
        draining: runner.shuttingDown,
      },
    },
  });
}
