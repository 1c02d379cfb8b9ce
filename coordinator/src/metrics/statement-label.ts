/** Distinct statements labelled; past this, `other` (the SQL of this code base is a fixed set). */
const MAX_LABELS = 300;
const labels = new Map<string, string>();

/**
 * A short, stable name for a statement, for the `statement` label of the store metrics: what it
 * does first and to which table, after the name of its first CTE when it has one
 * ("claimed: update tasks", "select workers"). Statements are constants in this code, so the
 * label set is bounded; a cap guards against one built from user input.
 */
export function statementLabel(sql: string): string {
  let label = labels.get(sql);
  if (label !== undefined) return label;
  label = labels.size < MAX_LABELS ? describe(sql) : 'other';
  if (labels.size < MAX_LABELS) labels.set(sql, label);
  return label;
}

function describe(sql: string): string {
  const text = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const cte = /^WITH (?:RECURSIVE )?"?(\w+)"? AS/i.exec(text)?.[1];
  const body = cte ? text.slice(text.indexOf('(') + 1) : text;
  const verb =
    /\b(INSERT INTO|UPDATE|DELETE FROM|SELECT|LISTEN|UNLISTEN|NOTIFY|BEGIN|COMMIT|ROLLBACK|SET|CREATE|DROP|ALTER|ANALYZE|VACUUM)\b/i.exec(
      body,
    );
  let what = verb ? verb[1]!.toLowerCase().split(' ')[0]! : 'statement';
  if (verb && /^(insert|update|delete)$/.test(what)) {
    const table = /^\s*(?:ONLY\s+)?"?([\w.]+)"?/i.exec(body.slice(verb.index + verb[0].length))?.[1];
    if (table) what = `${what} ${table.toLowerCase()}`;
  } else if (what === 'select') {
    const table = /\bFROM\s+(?:ONLY\s+)?"?([a-z_][\w.]*)"?/i.exec(body)?.[1];
    if (table && !/^(jsonb_to_recordset|unnest|generate_series)$/i.test(table))
      what = `select ${table.toLowerCase()}`;
  }
  return cte ? `${cte.toLowerCase()}: ${what}` : what;
}
