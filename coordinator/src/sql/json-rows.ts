/**
 * Batches travel to PostgreSQL as ONE jsonb parameter expanded with jsonb_to_recordset: one
 * statement per batch whatever its size, identical on pg and PGlite, no array-of-array quirks.
 * A Uint8Array column value travels as base64 (decode(x.col, 'base64') in the statement); other
 * values as JSON. Rows are flat: only their own values are looked at, so JSON.stringify runs
 * without a replacer (a replacer is called for every key of every row: it made this 4× slower).
 */
export function jsonRows(rows: readonly object[]): string {
  let prepared: object[] | undefined;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const key in row) {
      const value = row[key];
      if (!(value instanceof Uint8Array)) continue;
      copy ??= { ...row };
      copy[key] = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
    }
    if (copy) {
      prepared ??= rows.slice(0, i);
      prepared.push(copy);
    } else prepared?.push(row);
  }
  return JSON.stringify(prepared ?? rows);
}

export const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
