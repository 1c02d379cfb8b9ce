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
  | { k: 'drain'; w: string; on: boolean }
  /** These tasks changed: coordinators with watchers of them reload and publish them. */
  | { k: 'tasks'; ids: string[] };

/** 200 UUIDs keep a notice under PostgreSQL's 8000-byte payload limit. */
const IDS_PER_NOTICE = 200;

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

  /**
   * Lets watchers on other coordinators see changes made here. PGlite is one process, so
   * there is nobody to tell and the statement is skipped.
   */
  async tasksChanged(q: Queryable, ids: readonly string[]): Promise<void> {
    if (this.rt.db.engine === 'pglite') return;
    for (let i = 0; i < ids.length; i += IDS_PER_NOTICE) {
      await this.send(q, { k: 'tasks', ids: ids.slice(i, i + IDS_PER_NOTICE) });
    }
  }

  async send(q: Queryable, notice: Notice): Promise<void> {
    await q.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...notice, c: this.rt.id })]);
  }
}
