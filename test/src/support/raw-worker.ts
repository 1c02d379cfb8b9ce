import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { type ClientDuplexStream, credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import {
  type CoordinatorMessage,
  grpcServiceDefinition,
  type WorkerMessage,
  WorkerMessageSchema,
  WorkerService,
} from '@taskwire/proto';
import { withTimeout } from '../fleet/deadline.js';

interface Waiter {
  predicate: (message: CoordinatorMessage) => boolean;
  resolve: (message: CoordinatorMessage) => void;
  reject: (error: Error) => void;
}

/**
 * A WorkerService.Connect stream opened by hand with grpc-js, speaking the schema directly: lets a
 * test act as a worker (e.g. send a late result for an old attempt) without workerd.
 */
export class RawWorkerStream {
  private readonly received: CoordinatorMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  private failure: Error | undefined;

  private constructor(
    private readonly client: InstanceType<ReturnType<typeof makeGenericClientConstructor>>,
    private readonly call: ClientDuplexStream<WorkerMessage, CoordinatorMessage>,
  ) {
    call.on('data', (message: CoordinatorMessage) => {
      this.received.push(message);
      for (const waiter of this.waiters) {
        if (waiter.predicate(message)) {
          this.waiters.delete(waiter);
          waiter.resolve(message);
        }
      }
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiter of this.waiters) waiter.reject(this.failure);
      this.waiters.clear();
    };
    call.on('error', fail);
    call.on('end', () => fail(new Error('the coordinator ended the worker stream')));
  }

  static open(address: string): RawWorkerStream {
    const Client = makeGenericClientConstructor(grpcServiceDefinition(WorkerService), 'WorkerService');
    const client = new Client(address, credentials.createInsecure());
    const call = (
      client as unknown as Record<string, () => ClientDuplexStream<WorkerMessage, CoordinatorMessage>>
    )['Connect']!();
    return new RawWorkerStream(client, call);
  }

  send(message: MessageInitShape<typeof WorkerMessageSchema>): void {
    this.call.write(create(WorkerMessageSchema, message));
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
