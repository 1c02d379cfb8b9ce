import type { TestContext } from 'node:test';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { TaskCommand, TaskUpdateSchema, Welcome } from '@taskwire/proto';
import { RawWorkerStream } from './raw-worker.js';

type Update = MessageInitShape<typeof TaskUpdateSchema>;
type CommandKind = NonNullable<TaskCommand['kind']['case']>;

/**
 * A worker played by the test over a raw stream: it says hello as any worker id, heartbeats at
 * the interval the welcome gives (so it stays online), waits for the commands it is sent, and
 * reports exactly what the test tells it to (nothing on its own: no accept, no result), so a
 * test can stop at any step of the protocol.
 */
export class ScriptedWorker {
  private readonly beat: NodeJS.Timeout;

  private constructor(
    private readonly stream: RawWorkerStream,
    readonly welcome: Welcome,
  ) {
    const interval = welcome.heartbeatInterval;
    const ms = interval ? Number(interval.seconds) * 1000 + interval.nanos / 1e6 : 1000;
    this.beat = setInterval(() => this.heartbeat(), ms);
  }

  static async connect(
    t: TestContext,
    address: string,
    hello: {
      workerId: string;
      kinds: string[];
      slots?: number;
      running?: Array<{ taskId: string; attempt: number }>;
    },
  ): Promise<ScriptedWorker> {
    const stream = RawWorkerStream.open(address);
    stream.send({
      body: {
        case: 'hello',
        value: { name: hello.workerId, version: 'test', slots: hello.slots ?? 1, running: [], ...hello },
      },
    });
    const message = await stream.next((m) => m.body.case === 'welcome');
    if (message.body.case !== 'welcome') throw new Error('no welcome');
    const worker = new ScriptedWorker(stream, message.body.value);
    t.after(() => worker.close());
    return worker;
  }

  /** The first command of `kind` about `taskId` (any task when omitted), sent so far or later. */
  async command(kind: CommandKind, taskId?: string, attempt?: number): Promise<TaskCommand> {
    const match = (item: TaskCommand) =>
      item.kind.case === kind &&
      (taskId === undefined || item.taskId === taskId) &&
      (attempt === undefined || item.attempt === attempt);
    const message = await this.stream.next(
      (m) => m.body.case === 'commands' && m.body.value.items.some(match),
    );
    if (message.body.case !== 'commands') throw new Error('unreachable');
    return message.body.value.items.find(match)!;
  }

  report(...items: Update[]): void {
    this.stream.send({ body: { case: 'updates', value: { items } } });
  }

  heartbeat(): void {
    try {
      this.stream.send({ body: { case: 'heartbeat', value: { sequence: 1n } } });
    } catch {
      // The stream is gone; the test sees that on its next wait.
    }
  }

  /** Ends the stream and the heartbeats: the worker is gone. */
  close(): void {
    clearInterval(this.beat);
    this.stream.close();
  }
}
