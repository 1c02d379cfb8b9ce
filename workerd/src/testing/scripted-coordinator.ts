import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import {
  addServiceImpl,
  type CoordinatorMessage,
  CoordinatorMessageSchema,
  type TaskCommandSchema,
  type TaskUpdate,
  type WelcomeSchema,
  type WorkerMessage,
  WorkerService,
} from '@taskwire/proto';
import { waitFor } from './wait-for.js';

type WorkerBody = NonNullable<WorkerMessage['body']['case']>;
type BodyValue<C extends WorkerBody> = Extract<WorkerMessage['body'], { case: C }>['value'];
type Outgoing = CoordinatorMessage | { end: true; error?: Error };

/**
 * The coordinator's side of one worker stream, driven by a test: it records what the worker
 * sends and sends what the test says. A real gRPC stream over loopback, no mock of workerd.
 */
export class ScriptedSession {
  readonly messages: WorkerMessage[] = [];
  /** The worker half-closed or cancelled its side. */
  clientEnded = false;
  #messageCursor = 0;
  #updateCursor = 0;
  readonly #outgoing: Outgoing[] = [];
  #wake: (() => void) | undefined;

  /** Every task update received so far, in order, across messages. */
  get updates(): TaskUpdate[] {
    return this.messages.flatMap((m) => (m.body.case === 'updates' ? m.body.value.items : []));
  }

  send(message: MessageInitShape<typeof CoordinatorMessageSchema>): void {
    this.#push(create(CoordinatorMessageSchema, message));
  }

  welcome(welcome: Omit<MessageInitShape<typeof WelcomeSchema>, '$typeName'> = {}): void {
    this.send({
      body: {
        case: 'welcome',
        value: { coordinatorId: 'scripted', heartbeatInterval: durationFromMs(25), ...welcome },
      },
    });
  }

  commands(...items: Array<MessageInitShape<typeof TaskCommandSchema>>): void {
    this.send({ body: { case: 'commands', value: { items } } });
  }

  /** Ends the stream from the coordinator's side: OK, or with an error status (UNKNOWN). */
  end(error?: Error): void {
    this.#push({ end: true, error });
  }

  /** The next message of this kind after the previous one returned (others are skipped). */
  async next<C extends WorkerBody>(kind: C, timeoutMs = 5000): Promise<BodyValue<C>> {
    const found = await waitFor(
      `a ${kind} message`,
      () => {
        const index = this.messages.findIndex((m, i) => i >= this.#messageCursor && m.body.case === kind);
        return index >= 0 ? index : undefined;
      },
      timeoutMs,
    );
    this.#messageCursor = found + 1;
    return this.messages[found]?.body.value as BodyValue<C>;
  }

  /** The next task update (after the previous one returned) that matches. */
  async nextUpdate(
    taskId: string,
    kind: NonNullable<TaskUpdate['kind']['case']>,
    timeoutMs = 5000,
  ): Promise<TaskUpdate> {
    const found = await waitFor(
      `a ${kind} update for ${taskId}`,
      () => {
        const index = this.updates.findIndex(
          (u, i) => i >= this.#updateCursor && u.taskId === taskId && u.kind.case === kind,
        );
        return index >= 0 ? index : undefined;
      },
      timeoutMs,
    );
    this.#updateCursor = found + 1;
    return this.updates[found] as TaskUpdate;
  }

  /** Update kinds received about one task, e.g. ['accepted', 'result']. */
  kindsFor(taskId: string): string[] {
    return this.updates.filter((u) => u.taskId === taskId).map((u) => u.kind.case ?? '');
  }

  receive(message: WorkerMessage): void {
    this.messages.push(message);
  }

  /** Yields what the test sends until end(); what the coordinator's impl returns. */
  async *outgoing(): AsyncGenerator<CoordinatorMessage> {
    for (;;) {
      const next = this.#outgoing.shift();
      if (!next) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      if ('end' in next) {
        if (next.error) throw next.error;
        return;
      }
      yield next;
    }
  }

  #push(item: Outgoing): void {
    this.#outgoing.push(item);
    this.#wake?.();
    this.#wake = undefined;
  }
}

/** A grpc-js server on 127.0.0.1 serving WorkerService.Connect with scripted sessions. */
export class ScriptedCoordinator {
  readonly sessions: ScriptedSession[] = [];
  #sessionCursor = 0;

  private constructor(
    readonly server: Server,
    readonly address: string,
  ) {}

  static async start(): Promise<ScriptedCoordinator> {
    const server = new Server();
    let coordinator: ScriptedCoordinator | undefined;
    addServiceImpl(server, WorkerService, {
      connect: (requests, context) => {
        const session = new ScriptedSession();
        coordinator?.sessions.push(session);
        (async () => {
          try {
            for await (const message of requests) session.receive(message);
          } catch {
            // A cancelled call ends the request stream with an error; either way the worker is gone.
          }
          session.clientEnded = true;
          // Like a real coordinator: the worker closed its side, so the stream ends.
          session.end();
        })();
        context.signal.addEventListener('abort', () =>
          session.end(new Error('the worker cancelled the call')),
        );
        return session.outgoing();
      },
    });
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      );
    });
    coordinator = new ScriptedCoordinator(server, `127.0.0.1:${port}`);
    return coordinator;
  }

  /** The next session a worker opened (after the previous one returned). */
  async nextSession(timeoutMs = 5000): Promise<ScriptedSession> {
    const session = await waitFor('a worker connection', () => this.sessions[this.#sessionCursor], timeoutMs);
    this.#sessionCursor++;
    return session;
  }

  close(): void {
    this.server.forceShutdown();
  }
}
