import type { JsonValue } from '@bufbuild/protobuf';

const MAX_STRING = 60;
const MAX_ITEMS = 6;

/**
 * A long string, readable: `129 × "x"`, `63 × "x" + "🙂"` when it starts with a run of one
 * character, else its head and tail with its length.
 */
function shortString(value: string): string {
  if (value.length <= MAX_STRING) return JSON.stringify(value);
  const first = value[0]!;
  let run = 1;
  while (run < value.length && value[run] === first) run++;
  if (run >= 20) {
    const rest = value.slice(run);
    return `${run} × ${JSON.stringify(first)}${rest ? ` + ${shortString(rest)}` : ''}`;
  }
  return `${JSON.stringify(value.slice(0, 40))}…${JSON.stringify(value.slice(-12))} (${value.length} chars)`;
}

/**
 * JSON for a failure report that stays readable whatever the input: long strings, long lists and
 * big objects are cut with their size said; NUL and lone surrogates show as \u escapes (JSON).
 */
export function describeJson(value: JsonValue): string {
  if (typeof value === 'string') return shortString(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_ITEMS).map(describeJson);
    if (value.length > MAX_ITEMS) shown.push(`… (${value.length} items)`);
    return `[${shown.join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const shown = entries
      .slice(0, MAX_ITEMS)
      .map(([k, v]) => `${shortString(k)}: ${describeJson(v as JsonValue)}`);
    if (entries.length > MAX_ITEMS) shown.push(`… (${entries.length} keys)`);
    return `{${shown.join(', ')}}`;
  }
  return JSON.stringify(value);
}

/** A request body (text that may not be JSON at all) for a report. */
export function describeBody(text: string): string {
  try {
    return describeJson(JSON.parse(text) as JsonValue);
  } catch {
    return `raw ${shortString(text)}`;
  }
}
