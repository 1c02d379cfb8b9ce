import type { Queryable } from '../store/db.js';
import type { Runtime } from './runtime.js';

const CHANNEL = 'taskwire';

/** What coordinators tell each other through NOTIFY (payloads stay far below the 8 KB cap). */
export type Notice =
  /** New or re-queued work: dispatch now, or at `at` (epoch ms) for delayed work. */
  | { k: 'wake'; at?: number }
  /** Something for a worker connected elsewhere (cancel, input): reload the task and tell it. */
  | { k: 'worker'; w: string; t: string }
  /** A worker was drained or resumed by an admin. */
  | { k: 'drain'; w: string; on: boolean };

/**
 * LISTEN/NOTIFY between coordinators that share one database. Notices are sent inside the
 * transaction that made the change, so they arrive only once it is committed.
 */
export class Notifier {
  constructor(private readonly rt: Runtime) {}

  async start(onNotice: (notice: Notice) => void): Promise<void> {
    await this.rt.db.listen(CHANNEL, (payload) => {
      try {
        const parsed = JSON.parse(payload) as Notice & { c: string };
        if (parsed.c !== this.rt.id) onNotice(parsed);
      } catch (error) {
        this.rt.log.warn({ err: error, payload }, 'ignored a malformed notification');
      }
    });
  }

  async send(q: Queryable, notice: Notice): Promise<void> {
    await q.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...notice, c: this.rt.id })]);
  }
}
