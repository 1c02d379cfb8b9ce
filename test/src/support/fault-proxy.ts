import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { portOf } from '../fleet/coordinator-process.js';

/**
 * A loopback TCP proxy that can mistreat the connections through it while both ends live:
 * cut() destroys them (the listener stays, so the client reconnects at once); stall(ms) stops
 * forwarding in both directions for a while, then goes on with nothing lost; slow(ms, forMs)
 * delays every chunk. Data is always forwarded in order. The listening port never changes.
 * (TcpProxy is the simpler cut-and-relisten kind.)
 */
export class FaultProxy {
  private readonly sockets = new Set<Socket>();
  private stalledUntil = 0;
  private slowUntil = 0;
  private chunkDelayMs = 0;

  private constructor(
    private readonly server: Server,
    private readonly target: string,
    readonly port: number,
  ) {}

  /** Listens on 127.0.0.1 (`port`, default any free one) and forwards to `target` (host:port). */
  static async start(target: string, port = 0): Promise<FaultProxy> {
    const server = createServer();
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('the proxy has no port');
    const proxy = new FaultProxy(server, target, address.port);
    server.on('connection', (client) => proxy.pipe(client));
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Connections open through the proxy now. */
  get connections(): number {
    return this.sockets.size / 2;
  }

  /** Destroys every connection through the proxy; returns how many there were. */
  cut(): number {
    const count = this.connections;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    return count;
  }

  /** Forwards nothing for `ms` (new connections are accepted, and stall too), then resumes. */
  stall(ms: number): void {
    this.stalledUntil = Math.max(this.stalledUntil, Date.now() + ms);
  }

  /** Delays each chunk by `chunkDelayMs` for the next `forMs`. */
  slow(chunkDelayMs: number, forMs: number): void {
    this.chunkDelayMs = chunkDelayMs;
    this.slowUntil = Date.now() + forMs;
  }

  /** Ends any stall or slowness now. */
  heal(): void {
    this.stalledUntil = 0;
    this.slowUntil = 0;
  }

  /** Destroys the connections and stops listening. */
  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private stallLeft(): number {
    return Math.max(0, this.stalledUntil - Date.now());
  }

  private slowDelay(): number {
    return Date.now() < this.slowUntil ? this.chunkDelayMs : 0;
  }

  private pipe(client: Socket): void {
    const host = this.target.slice(0, this.target.lastIndexOf(':'));
    const upstream = connect(portOf(this.target), host);
    const both = [client, upstream];
    for (const socket of both) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => {});
      socket.on('close', () => {
        for (const end of both) {
          this.sockets.delete(end);
          end.destroy();
        }
      });
    }
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  /**
   * Copies `from` to `to` chunk by chunk. While a chunk waits (a fault) or `to` is full, `from`
   * is paused, so the kernel's buffers and TCP flow control hold the rest, not our memory.
   */
  private forward(from: Socket, to: Socket): void {
    const queue: Buffer[] = [];
    let busy = false;
    const flush = async () => {
      busy = true;
      from.pause();
      while (queue.length > 0 && !to.destroyed) {
        // The waits are the fault schedule itself, not a synchronization; a stall is re-checked
        // every 250 ms so that heal() takes effect soon.
        const stall = this.stallLeft();
        if (stall > 0) {
          await delay(Math.min(stall, 250));
          continue;
        }
        const slow = this.slowDelay();
        if (slow > 0) await delay(slow);
        if (to.destroyed) break;
        if (!to.write(queue.shift()!)) await drainedOrClosed(to);
      }
      busy = false;
      if (!from.destroyed) from.resume();
    };
    from.on('data', (chunk: Buffer) => {
      queue.push(chunk);
      if (!busy) void flush();
    });
  }
}

function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
