import { durationMs } from '@bufbuild/protobuf/wkt';
import type { ProgressReport, TaskUpdate } from '@taskwire/proto';
import type { Runtime } from '../runtime/runtime.js';
import type { ProgressJson } from '../tasks/task-row.js';
import { clipText } from '../validation/clip-text.js';
import type { WorkerSession } from './worker-session.js';

/**
 * Progress of an attempt this worker holds: to watchers at once, to the database coalesced.
 * Without an ETA from the handler, one is derived from the progress rate so far.
 */
export function recordProgress(
  rt: Runtime,
  session: WorkerSession,
  item: TaskUpdate,
  report: ProgressReport,
  now: Date,
) {
  if (session.held.get(item.taskId) !== item.attempt) return;
  const percent = Math.min(100, Math.max(0, Number.isFinite(report.percent) ? report.percent : 0));
  let etaMs = report.eta ? durationMs(report.eta) : null;
  let etaDerived = false;
  const samples = session.progressStart;
  const first = samples.get(item.taskId);
  if (!first || first.attempt !== item.attempt) {
    samples.set(item.taskId, { attempt: item.attempt, at: now.getTime(), percent });
  } else if (etaMs === null && percent > first.percent && percent < 100) {
    const rate = (percent - first.percent) / (now.getTime() - first.at || 1);
    etaMs = Math.round((100 - percent) / rate);
    etaDerived = true;
  }
  if (percent >= 100) samples.delete(item.taskId);
  const progress: ProgressJson = {
    percent,
    step: clipText(report.step, 200),
    message: clipText(report.message, 1000),
    etaMs,
    etaDerived,
    at: now.toISOString(),
  };
  rt.hub.publishProgress(item.taskId, item.attempt, progress);
  rt.progress.record(item.taskId, item.attempt, progress);
}
