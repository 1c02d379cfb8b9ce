import { Code, ConnectError } from '@connectrpc/connect';
import { type HeldAttempt, recordHeartbeats, renewLeases } from '../sql/renew-leases.js';
import type { Runtime } from './runtime.js';

/**
 * Once per heartbeat interval: renews the leases of the attempts held by live connections that
 * were heard from since the last tick, in ONE statement, and drops workers silent for longer
 * than the heartbeat timeout (their stream is closed; their leases then run out unless they
 * come back in time). A worker whose reports wait on the store is not silent.
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private lastTickAt = Date.now();

  constructor(private readonly rt: Runtime) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.rt.config.heartbeatIntervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Date.now();
      // This process was stalled itself (a long GC, SIGSTOP, a starved host): the heartbeats of
      // that time wait unread in the sockets. Judge silence from the next tick on, not now.
      const stalled = now - this.lastTickAt > 2 * this.rt.config.heartbeatIntervalMs;
      this.lastTickAt = now;
      for (const session of stalled ? [] : this.rt.workers.all()) {
        const silent = now - session.lastSeenAt > this.rt.config.heartbeatTimeoutMs;
        if (silent && !session.waitingOnStore) {
          this.rt.log.warn({ worker_id: session.id }, 'no heartbeat within the timeout; dropping the worker');
          session.close(new ConnectError('no heartbeat within the heartbeat timeout', Code.Unavailable));
          await this.rt.workers.close(session, 'heartbeat timeout');
        }
      }
      // A worker whose messages wait behind its reports is alive: its stream is just not read.
      const heard = this.rt.workers.all().filter((s) => s.heartbeatSinceRenewal || s.waitingOnStore);
      const held: HeldAttempt[] = heard.flatMap((s) =>
        [...s.held].map(([id, attempt]) => ({ id, attempt, worker_id: s.id })),
      );
      // Reset before the await, so that a heartbeat arriving meanwhile counts for the next tick.
      for (const session of heard) session.heartbeatSinceRenewal = false;
      try {
        await renewLeases(this.rt.db, held, this.rt.config.leaseMs, new Date(now));
        // Renewed rows have new versions: their next reports take the locked path.
        for (const { id, worker_id } of held) this.rt.workers.get(worker_id)?.known.delete(id);
      } catch (error) {
        // Not renewed: the next tick tries again for them.
        for (const session of heard) session.heartbeatSinceRenewal = true;
        throw error;
      }
      await recordHeartbeats(
        this.rt.db,
        heard.map((s) => ({ workerId: s.id, resources: s.resources ?? null })),
        new Date(now),
      );
    } catch (error) {
      this.rt.log.error({ err: error }, 'lease renewal failed');
    } finally {
      this.ticking = false;
    }
  }
}
