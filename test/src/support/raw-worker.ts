import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { type ClientDuplexStream, credentials, Client as GrpcClient, Metadata } from '@grpc/grpc-js';
import {
  type CoordinatorMessage,
  CoordinatorMessageSchema,
  WorkerMessageSchema,
  WorkerService,
} from '@taskwire/proto';
import { withTimeout } from '../fleet/deadline.js';

interface Waiter {
  predicate: (message: CoordinatorMessage) => boolean;
  resolve: (message: CoordinatorMessage) => void;
  reject: (error: Error) => void;
}

/** How a stream ended: the gRPC status code (0 OK) and its details. */
export interface StreamEnd {
  code: number;
  details: string;
}

const passThrough = (bytes: Buffer) => bytes;

/**
 * A WorkerService.Connect stream opened by hand with grpc-js, speaking the schema directly: lets a
 * test act as a worker (e.g. send a late result for an old attempt) without workerd. Frames go
 * out as bytes (`sendRaw` writes ones that are no WorkerMessage at all).
 */
export class RawWorkerStream {
  /** Every message received, in order. */
  readonly received: CoordinatorMessage[] = [];
  /** Settles with the status once the coordinator (or close()) ends the stream. */
  readonly ended: Promise<StreamEnd>;
  private readonly waiters = new Set<Waiter>();
  private failure: Error | undefined;

  private constructor(
    private readonly client: GrpcClient,
    private readonly call: ClientDuplexStream<Buffer, Buffer>,
  ) {
    call.on('data', (bytes: Buffer) => {
      const message = fromBinary(CoordinatorMessageSchema, bytes);
      this.received.push(message);
      for (const waiter of this.waiters) {
        if (waiter.predicate(message)) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    this.ended = new Promise((resolve) => call.on('status', (status) => resolve(status)));
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiter of this.waiters) waiter.reject(this.failure);
      this.waiters.clear();
    };
    call.on('error', fail);
    call.on('end', () => fail(new Error('the coordinator ended the worker stream')));
  }

  static open(address: string, headers: Record<string, string> = {}): RawWorkerStream {
    const client = new GrpcClient(address, credentials.createInsecure());
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(headers)) metadata.set(key, value);
    const call = client.makeBidiStreamRequest<Buffer, Buffer>(
      `/${WorkerService.typeName}/Connect`,
      passThrough,
      passThrough,
      metadata,
    );
    return new RawWorkerStream(client, call);
  }

  send(message: MessageInitShape<typeof WorkerMessageSchema>): void {
    this.sendRaw(toBinary(WorkerMessageSchema, create(WorkerMessageSchema, message)));
  }

  /** Writes one frame of exactly these bytes. */
  sendRaw(bytes: Uint8Array): void {
    this.call.write(Buffer.from(bytes));
  }

  /** The first message received (so far or later) for which `predicate` holds. */
  next(predicate: (message: CoordinatorMessage) => boolean, timeoutMs = 10_000): Promise<CoordinatorMessage> {
    const found = this.received.find(predicate);
    if (found) return Promise.resolve(found);
    if (this.failure) return Promise.reject(this.failure);
    const promise = new Promise<CoordinatorMessage>((resolve, reject) => {
      this.waiters.add({ predicate, resolve, reject });
    });
    return withTimeout(promise, timeoutMs, 'a message on the raw worker stream');
  }

  close(): void {
    this.call.end();
    this.call.cancel();
    this.client.close();
  }
}
