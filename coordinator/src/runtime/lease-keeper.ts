import { Code, ConnectError } from '@connectrpc/connect';
import { renewLeases } from '../sql/renew-leases.js';
import type { Runtime } from './runtime.js';

/**
 * Once per heartbeat interval: renews the leases of every worker heard from since the last
 * tick in ONE statement, and drops workers silent for longer than the heartbeat timeout (their
 * stream is closed; their leases then run out unless they come back in time).
 */
export class LeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;

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
      for (const session of this.rt.workers.all()) {
        if (now - session.lastSeenAt > this.rt.config.heartbeatTimeoutMs) {
          this.rt.log.warn({ worker_id: session.id }, 'no heartbeat within the timeout; dropping the worker');
          session.close(new ConnectError('no heartbeat within the heartbeat timeout', Code.Unavailable));
          await this.rt.workers.close(session, 'heartbeat timeout');
        }
      }
      const beats = this.rt.workers
        .all()
        .filter((s) => s.heartbeatSinceRenewal)
        .map((s) => {
          s.heartbeatSinceRenewal = false;
          return { workerId: s.id, resources: s.resources ?? null };
        });
      await renewLeases(this.rt.db, beats, this.rt.config.leaseMs, new Date(now));
    } catch (error) {
      this.rt.log.error({ err: error }, 'lease renewal failed');
    } finally {
      this.ticking = false;
    }
  }
}
