import { durationFromMs } from '@bufbuild/protobuf/wkt';
import type { TaskSpec } from '@taskwire/proto';
import { spec } from '../support/specs.js';
import { type ChaosKind, type ChaosPayload, chaosKinds } from './chaos-kinds.js';
import type { Random } from './random.js';

/** One task of the run's plan; its idempotency key makes any submit of it safe to repeat. */
export interface PlannedTask {
  index: number;
  kind: ChaosKind;
  key: string;
  spec: TaskSpec;
  /** Submitted alone (SubmitTask) rather than in a batch (SubmitTasks). */
  single: boolean;
}

/**
 * The workload mix: mostly short tasks, some long ones that kills catch mid-run, some chatty ones
 * (progress and logs), a few that fail their first attempt and very few that always fail (the
 * control for the "wrongly failed" check). Shares of 1000.
 */
const mix: Array<[ChaosKind, number]> = [
  [chaosKinds.short, 840],
  [chaosKinds.long, 40],
  [chaosKinds.chatty, 75],
  [chaosKinds.flaky, 40],
  [chaosKinds.doomed, 5],
];

function pickKind(random: Random): ChaosKind {
  let roll = random.int(0, 999);
  for (const [kind, share] of mix) {
    if (roll < share) return kind;
    roll -= share;
  }
  return chaosKinds.short;
}

function payloadOf(kind: ChaosKind, i: number, random: Random): ChaosPayload {
  switch (kind) {
    case chaosKinds.long:
      return { i, ms: random.int(1000, 5000) };
    case chaosKinds.chatty:
      return { i, ms: random.int(20, 100), steps: random.int(3, 8) };
    case chaosKinds.flaky:
      return { i, ms: random.int(5, 100), failAttempts: 1 };
    default:
      return { i, ms: random.int(2, 200) };
  }
}

/** `count` tasks; about a third are submitted alone, the rest in batches. */
export function planWorkload(
  count: number,
  runId: string,
  maxAttempts: number,
  random: Random,
): PlannedTask[] {
  return Array.from({ length: count }, (_, index) => {
    const kind = pickKind(random);
    const key = `chaos-${runId}-${index}`;
    return {
      index,
      kind,
      key,
      single: random.chance(0.3),
      spec: spec(kind, payloadOf(kind, index, random), {
        idempotencyKey: key,
        retry: {
          // Short backoff so that the retries a fault causes happen within the run.
          initialInterval: durationFromMs(100),
          backoffCoefficient: 2,
          maximumInterval: durationFromMs(1000),
          maximumAttempts: maxAttempts,
        },
      }),
    };
  });
}

/** The plan cut into submissions: each single alone, the others in batches of 10–200. */
export function submissionsOf(tasks: readonly PlannedTask[], random: Random): PlannedTask[][] {
  const submissions: PlannedTask[][] = [];
  let batch: PlannedTask[] = [];
  let batchSize = random.int(10, 200);
  for (const task of tasks) {
    if (task.single) {
      submissions.push([task]);
      continue;
    }
    batch.push(task);
    if (batch.length >= batchSize) {
      submissions.push(batch);
      batch = [];
      batchSize = random.int(10, 200);
    }
  }
  if (batch.length > 0) submissions.push(batch);
  return submissions;
}
