import { copyTaskRow } from './copy-task-row.js';
import type { TaskRow } from './task-row.js';

/**
 * The version of a task row as this process last read or wrote it: PostgreSQL's `xmin` of the
 * row, which every update of the row changes (a lock alone does not). A write guarded by it
 * (`t.xmin = version`) applies only to the row exactly as it was read, without holding a lock
 * in between: the report path writes the rows it knows in ONE statement, no transaction.
 * Kept beside the row object, not in it, so that rows stay plain TaskRows everywhere else.
 */
const versions = new WeakMap<TaskRow, string>();

export function rowVersion(row: TaskRow): string | undefined {
  return versions.get(row);
}

export function setRowVersion(row: TaskRow, version: string): void {
  versions.set(row, version);
}

/**
 * Rows read with `t.xmin::text AS row_version`: the column moves beside the row (a TaskRow
 * holds the table's columns only). Each row is copied without it rather than have it deleted:
 * a delete turns the object into a slow dictionary for the rest of its life.
 */
export function takeRowVersions(rows: Array<TaskRow & { row_version?: string }>): TaskRow[] {
  return rows.map((read) => {
    const row = copyTaskRow(read);
    if (read.row_version !== undefined) versions.set(row, read.row_version);
    return row;
  });
}
