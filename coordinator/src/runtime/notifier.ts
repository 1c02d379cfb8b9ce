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
  | { k: 'tasks'; ids: string[] }
  /** These tasks have new log lines: coordinators where someone follows them tell the followers. */
  | { k: 'logs'; ids: string[] };

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

  /** Sends notices in ONE statement (it rides in the transaction that made the changes). */
  async sendAll(
    q: Queryable,
    notices: readonly Notice[],
    changedTaskIds: readonly string[] = [],
  ): Promise<void> {
    const { channel, payloads } = this.payloads(notices, changedTaskIds);
    if (payloads.length === 0) return;
    await q.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [channel, payloads]);
  }

  /**
   * The payloads sendAll would send, for a statement that notifies by itself. Task changes and
   * new logs are only for watchers on other coordinators: PGlite is one process, so they are left
   * out there.
   */
  payloads(
    notices: readonly Notice[],
    changedTaskIds: readonly string[] = [],
    loggedTaskIds: readonly string[] = [],
  ) {
    const all = [...notices];
    if (this.rt.db.engine !== 'pglite') {
      for (let i = 0; i < changedTaskIds.length; i += IDS_PER_NOTICE) {
        all.push({ k: 'tasks', ids: changedTaskIds.slice(i, i + IDS_PER_NOTICE) });
      }
      for (let i = 0; i < loggedTaskIds.length; i += IDS_PER_NOTICE) {
        all.push({ k: 'logs', ids: loggedTaskIds.slice(i, i + IDS_PER_NOTICE) });
      }
    }
    return { channel: CHANNEL, payloads: all.map((n) => JSON.stringify({ ...n, c: this.rt.id })) };
  }

  async send(q: Queryable, notice: Notice): Promise<void> {
    await q.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ ...notice, c: this.rt.id })]);
  }
}
