/**
 * Survey mode (TASKWIRE_FUZZ_SURVEY=1): instead of stopping at the first failure and shrinking
 * it, every input runs and each failure is recorded; the table printed at the end has one row
 * per distinct (subject, code, message pattern), with how often it happened, over which
 * protocols, the input features EVERY failing input of that row had (the likely cause), and the
 * shortest failing input. That table is the list a fixer works from.
 */

export const surveyMode = process.env['TASKWIRE_FUZZ_SURVEY'] === '1';

export interface Failure {
  /** e.g. "TaskService.SubmitTask" or "WorkerService.Connect failure report". */
  subject: string;
  protocol: string;
  code: string;
  message: string;
  /** Features of the input (see input-features.ts), e.g. "spec.metadata{}: NUL". */
  features: readonly string[];
  /** The input, readable (see describe-json.ts). */
  example: string;
}

interface Row {
  subject: string;
  code: string;
  pattern: string;
  count: number;
  protocols: Set<string>;
  featureCounts: Map<string, number>;
  example: string;
  message: string;
}

/** A message with its variable parts (ids, numbers, quoted values) replaced, for grouping. */
export function messagePattern(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\b\d+(\.\d+)?\b/g, '<n>')
    .slice(0, 160);
}

export class FailureSurvey {
  private readonly rows = new Map<string, Row>();
  private total = 0;

  record(failure: Failure): void {
    this.total++;
    const pattern = messagePattern(failure.message);
    const key = `${failure.subject}\u0001${failure.code}\u0001${pattern}`;
    let row = this.rows.get(key);
    if (!row) {
      row = {
        subject: failure.subject,
        code: failure.code,
        pattern,
        count: 0,
        protocols: new Set(),
        featureCounts: new Map(),
        example: failure.example,
        message: failure.message,
      };
      this.rows.set(key, row);
    }
    row.count++;
    row.protocols.add(failure.protocol);
    for (const feature of new Set(failure.features)) {
      row.featureCounts.set(feature, (row.featureCounts.get(feature) ?? 0) + 1);
    }
    if (failure.example.length < row.example.length) {
      row.example = failure.example;
      row.message = failure.message;
    }
  }

  get size(): number {
    return this.rows.size;
  }

  /** The de-duplicated table, most frequent first. */
  table(title: string): string {
    if (this.rows.size === 0) return `===== ${title}: no failing input =====`;
    const lines = [`===== ${title}: ${this.total} failing inputs, ${this.rows.size} distinct =====`];
    const rows = [...this.rows.values()].sort(
      (a, b) => a.subject.localeCompare(b.subject) || b.count - a.count,
    );
    for (const row of rows) {
      const always = [...row.featureCounts].filter(([, n]) => n === row.count).map(([f]) => f);
      const often = [...row.featureCounts]
        .filter(([, n]) => n < row.count && n >= row.count / 2)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([f, n]) => `${f} (${Math.round((100 * n) / row.count)}%)`);
      lines.push(
        `- ${row.subject} → ${row.code} ×${row.count} [${[...row.protocols].sort().join(', ')}]`,
        `    message: ${row.message.slice(0, 240)}`,
        `    every input had: ${always.length > 0 ? always.join('; ') : '(nothing in common)'}`,
        ...(often.length > 0 ? [`    most had: ${often.join('; ')}`] : []),
        `    shortest input: ${row.example.slice(0, 600)}`,
      );
    }
    return lines.join('\n');
  }
}
