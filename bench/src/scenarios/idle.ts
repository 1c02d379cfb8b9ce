import pg from 'pg';
import type { BenchFleet } from '../bench-fleet.js';

/**
 * What an idle coordinator (workers connected, no tasks) sends PostgreSQL: transactions per
 * second on its database, read from pg_stat_database. Expect about one lease renewal per
 * heartbeat interval and nothing else.
 */
export async function idle(fleet: BenchFleet, seconds: number) {
  if (!fleet.databaseUrl || !fleet.databaseName) {
    console.log('idle: needs --store postgres (PGlite has no statistics views to read)');
    return;
  }
  const client = new pg.Client({ connectionString: fleet.databaseUrl });
  await client.connect();
  const read = async () => {
    // Statistics are flushed lazily; force a fresh snapshot.
    await client.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await client.query<{ xacts: string }>(
      'SELECT xact_commit + xact_rollback AS xacts FROM pg_stat_database WHERE datname = $1',
      [fleet.databaseName],
    );
    return Number(rows[0]?.xacts ?? 0);
  };
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const before = await read();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const after = await read();
  await client.end();
  // Each read is two transactions of this benchmark, not of the coordinator.
  const coordinatorXacts = after - before - 4;
  console.log(
    `idle: ${coordinatorXacts} transactions in ${seconds} s = ${(coordinatorXacts / seconds).toFixed(2)}/s ` +
      '(heartbeat interval 1 s: one batched lease renewal per second)',
  );
}
