import { fromBinary } from '@bufbuild/protobuf';
import {
  type ChannelOptions,
  type Client,
  type ClientDuplexStream,
  Metadata,
  makeGenericClientConstructor,
} from '@grpc/grpc-js';
import {
  type CoordinatorMessage,
  CoordinatorMessageSchema,
  grpcServiceDefinition,
  type WorkerMessage,
  WorkerService,
} from '@taskwire/proto';
import { channelSecurity, type WorkerTls } from './worker-tls.js';

/** The worker's one stream to a coordinator: WorkerMessages out, CoordinatorMessages in. */
export type WorkerStream = ClientDuplexStream<WorkerMessage, CoordinatorMessage>;

/**
 * The bytes each received message was decoded from. Handing a message to another thread as these
 * bytes costs a copy; as objects (structured clone) it cost ten times more, per field.
 */
const receivedBytes = new WeakMap<CoordinatorMessage, Uint8Array>();

/** The wire bytes of a message this stream received (a view; copy it to keep or transfer it). */
export function receivedBytesOf(message: CoordinatorMessage): Uint8Array | undefined {
  return receivedBytes.get(message);
}

const definition = grpcServiceDefinition(WorkerService);
const connect = definition['Connect'];
if (!connect) throw new Error('WorkerService has no Connect method');
const WorkerServiceClient = makeGenericClientConstructor(
  {
    Connect: {
      ...connect,
      responseDeserialize: (bytes: Buffer) => {
        const message = fromBinary(CoordinatorMessageSchema, bytes);
        receivedBytes.set(message, bytes);
        return message;
      },
    },
  },
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

/**
 * Opens WorkerService.Connect on a fresh channel, over TLS when `tls` is given (then never over
 * plaintext); close() releases the channel afterwards.
 */
export function openWorkerStream(
  address: string,
  token?: string,
  tls?: WorkerTls,
): { stream: WorkerStream; close(): void } {
  const security = channelSecurity(tls);
  const client = new WorkerServiceClient(address, security.credentials, {
    ...CHANNEL_OPTIONS,
    ...security.options,
  }) as unknown as Client & {
    Connect(metadata: Metadata): WorkerStream;
  };
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return { stream: client.Connect(metadata), close: () => client.close() };
}
