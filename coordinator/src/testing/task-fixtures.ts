import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.js';
import type { StateName, TaskRow } from '../tasks/task-row.js';

/** The fields a fixture task may set; everything else gets a plausible default. */
export interface TaskFixture {
  id?: string;
  state?: StateName;
  attempt?: number;
  attempts_charged?: number;
  max_attempts?: number;
  worker_id?: string | null;
  lease_expires_at?: Date | null;
  schedule_deadline?: Date | null;
  run_at?: Date;
}

/** Inserts a task row as the coordinator would have left it, and returns it as stored. */
export async function insertTaskRow(q: Queryable, fixture: TaskFixture = {}): Promise<TaskRow> {
  const { rows } = await q.query<TaskRow>(
    `INSERT INTO tasks (id, kind, payload, payload_type, state, attempt, attempts_charged, max_attempts, retry,
        run_at, worker_id, lease_expires_at, schedule_deadline)
     VALUES ($1, 'test.kind', '\\x7b7d', 'application/json', $2, $3, $4, $5,
        '{"initialMs":10,"coefficient":1,"maxMs":10,"jitter":0,"nonRetryable":[]}', $6, $7, $8, $9)
     RETURNING *`,
    [
      fixture.id ?? randomUUID(),
      fixture.state ?? 'queued',
      fixture.attempt ?? 0,
      fixture.attempts_charged ?? fixture.attempt ?? 0,
      fixture.max_attempts ?? 3,
      fixture.run_at ?? new Date(),
      fixture.worker_id ?? null,
      fixture.lease_expires_at ?? null,
      fixture.schedule_deadline ?? null,
    ],
  );
  return rows[0]!;
}
