import {
  type ChannelOptions,
  type Client,
  type ClientDuplexStream,
  credentials,
  Metadata,
  makeGenericClientConstructor,
} from '@grpc/grpc-js';
import {
  type CoordinatorMessage,
  grpcServiceDefinition,
  type WorkerMessage,
  WorkerService,
} from '@taskwire/proto';

/** The worker's one stream to a coordinator: WorkerMessages out, CoordinatorMessages in. */
export type WorkerStream = ClientDuplexStream<WorkerMessage, CoordinatorMessage>;

const WorkerServiceClient = makeGenericClientConstructor(
  grpcServiceDefinition(WorkerService),
  'WorkerService',
);

/**
 * Keepalive pings notice a dead peer within seconds (half-open TCP otherwise lingers for
 * minutes while the leases run out). Assignment batches may be larger than grpc-js's 4 MiB default.
 */
const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.keepalive_time_ms': 5000,
  'grpc.keepalive_timeout_ms': 5000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
};

/** Opens WorkerService.Connect on a fresh channel; close() releases the channel afterwards. */
export function openWorkerStream(address: string, token?: string): { stream: WorkerStream; close(): void } {
  const client = new WorkerServiceClient(
    address,
    credentials.createInsecure(),
    CHANNEL_OPTIONS,
  ) as unknown as Client & {
    Connect(metadata: Metadata): WorkerStream;
  };
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return { stream: client.Connect(metadata), close: () => client.close() };
}
