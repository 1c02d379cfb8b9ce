import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the chaos handlers write, one JSON line per event, to a file per workerd process in the
 * record dir: the evidence the checks use besides the database (never the processes' logs).
 */

/** Environment of a chaos workerd: where to record, its state dir (for its id), its slots. */
export const recordEnv = {
  dir: 'CHAOS_RECORD_DIR',
  stateDir: 'CHAOS_STATE_DIR',
  slots: 'CHAOS_SLOTS',
  name: 'CHAOS_WORKER_NAME',
} as const;

/** Written synchronously before the handler does anything. */
export interface StartRecord {
  e: 'start';
  task: string;
  attempt: number;
  pid: number;
  worker: string;
  /** Handlers of this process running at this moment, this one included. */
  running: number;
  slots: number;
  at: number;
}

/** Written synchronously as the handler returns or throws. */
export interface EndRecord {
  e: 'end';
  task: string;
  attempt: number;
  pid: number;
  outcome: 'ok' | 'failed' | 'aborted';
  error?: string;
  at: number;
}

export interface HandlerRecord {
  starts: StartRecord[];
  ends: EndRecord[];
  /** Lines that did not parse (none expected: each line is one synchronous append). */
  unreadable: number;
  files: number;
}

/** Reads every record file in `dir`. */
export function readHandlerRecord(dir: string): HandlerRecord {
  const record: HandlerRecord = { starts: [], ends: [], unreadable: 0, files: 0 };
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    record.files++;
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line === '') continue;
      try {
        const entry = JSON.parse(line) as StartRecord | EndRecord;
        if (entry.e === 'start') record.starts.push(entry);
        else if (entry.e === 'end') record.ends.push(entry);
        else record.unreadable++;
      } catch {
        record.unreadable++;
      }
    }
  }
  return record;
}
