import pg from 'pg';

const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

/**
 * The one PostgreSQL connection that LISTENs. When it drops (a restart, pg_terminate_backend,
 * a cut), it reconnects with capped backoff, LISTENs again on every channel, and then tells
 * `onRestored` subscribers when the gap began: notices sent meanwhile are gone, so they must
 * catch up from the tables.
 */
export class ListenConnection {
  private client: pg.Client | undefined;
  private readonly handlers = new Map<string, Array<(payload: string) => void>>();
  private readonly restored: Array<(lostAt: Date) => void> = [];
  private reconnecting: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly config: pg.ClientConfig) {}

  /** Subscribes to a channel; resolves once listening (the first call connects). */
  async listen(channel: string, onPayload: (payload: string) => void): Promise<void> {
    const list = this.handlers.get(channel) ?? [];
    list.push(onPayload);
    this.handlers.set(channel, list);
    if (list.length > 1) return;
    if (!this.client && !this.reconnecting) this.client = await this.connect();
    // While reconnecting, the new connection LISTENs on every channel by itself.
    await this.client?.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
  }

  onRestored(callback: (lostAt: Date) => void): void {
    this.restored.push(callback);
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    // Errors of a dead connection arrive as events; one with no listener would end the process.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of this.handlers.keys())
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw error;
    }
    return client;
  }

  private lost(client: pg.Client): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    void client.end().catch(() => {});
    const lostAt = new Date();
    this.reconnecting ??= this.reconnect(lostAt).finally(() => {
      this.reconnecting = undefined;
    });
  }

  private async reconnect(lostAt: Date): Promise<void> {
    for (let failures = 0; !this.closed; failures++) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** failures)),
      );
      if (this.closed) return;
      try {
        this.client = await this.connect();
      } catch {
        continue;
      }
      for (const callback of this.restored) callback(lostAt);
      return;
    }
  }
}
