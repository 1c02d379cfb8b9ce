/**
 * Batches travel to PostgreSQL as ONE jsonb parameter expanded with jsonb_to_recordset: one
 * statement per batch whatever its size, identical on pg and PGlite, no array-of-array quirks.
 */
export function jsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows, function (this: Record<string, unknown>, key, value) {
    // `this[key]` is the value before toJSON: a Buffer (a Uint8Array) would already be an object.
    const raw = this[key];
    if (raw instanceof Uint8Array)
      return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
    return value;
  });
}

export const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
