import { create } from '@bufbuild/protobuf';
import { type WorkerMessage, WorkerMessageSchema, type WorkerResources } from '@taskwire/proto';
import { hostInfo } from '../host/host-info.js';
import { WORKERD_VERSION } from '../version.js';

/** What a worker says about itself in every hello; fixed for the worker's life. */
export interface WorkerIdentity {
  workerId: string;
  name: string;
  labels: string[];
  kinds: string[];
  slots: number;
  /** Assignments queued beyond the slots. */
  prefetch: number;
  /** Software versions (node, workerd, os, chromium...), taken once at start. */
  versions: Record<string, string>;
}

/** What changes from one hello to the next. */
export interface HelloState {
  /** Attempts still running or awaiting the ack of their outcome, so that a reconnect resumes them. */
  running: Array<{ taskId: string; attempt: number }>;
  draining: boolean;
  resources: WorkerResources;
}

/** The first message of a connection: who the worker is and what it still runs. */
export function helloMessage(identity: WorkerIdentity, state: HelloState): WorkerMessage {
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
        kinds: identity.kinds,
        labels: identity.labels,
        slots: identity.slots,
        prefetch: identity.prefetch,
        running: state.running,
        resources: state.resources,
        versions: identity.versions,
        draining: state.draining,
      },
    },
  });
}
