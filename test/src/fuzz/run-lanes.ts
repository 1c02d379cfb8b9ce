import fc from 'fast-check';
import { type Failure, FailureSurvey, surveyMode } from './failure-survey.js';

/**
 * How many inputs a fuzz test generates: TASKWIRE_FUZZ_INPUTS, or the CI default the test names.
 * One variable for a longer local run: `TASKWIRE_FUZZ_INPUTS=200000 node --test ...`.
 */
export function fuzzInputs(ciDefault: number): number {
  const value = Number(process.env['TASKWIRE_FUZZ_INPUTS'] ?? ciDefault);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error('TASKWIRE_FUZZ_INPUTS must be a positive integer');
  return value;
}

/**
 * A fuzz test file's bound: 10,000 inputs take 1-2 minutes per part on these 2-core machines
 * (PGlite is the slower store), more than run-suite's default of 3 minutes for a whole test.
 */
export const FUZZ_TEST_TIMEOUT_MS = 5 * 60_000;

/** TASKWIRE_FUZZ_SEED replays a run (fast-check prints the seed of a failing lane). */
function baseSeed(): number {
  const value = process.env['TASKWIRE_FUZZ_SEED'];
  return value === undefined ? Date.now() % 2 ** 31 : Number(value);
}

export interface LaneRun<T> {
  /** For reports, e.g. "TaskService". */
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Inputs in all, spread over the lanes. */
  inputs: number;
  /** Lanes run at once: the calls in flight. */
  lanes: number;
  /** Runs one input against the real system; resolves with what went wrong (nothing: fine). */
  check: (input: T, lane: number) => Promise<Failure[]>;
  /** Bound on the whole run, shrinking included (the result so far is reported then). */
  timeLimitMs: number;
}

export interface LaneResult {
  /** Inputs run before any failure (shrinking runs not counted). */
  inputs: number;
  seconds: number;
  /** The survey, in survey mode (empty otherwise). */
  survey: FailureSurvey;
}

/**
 * fast-check runs one property at a time; to keep `lanes` calls in flight, as many properties run
 * side by side, each with its own seed. When one fails, the others stop generating (they pass
 * their remaining runs at once) and fast-check shrinks the failing input alone, so the report
 * names ONE minimal input. In survey mode nothing fails: every failure is recorded instead.
 */
export async function runLanes<T>(run: LaneRun<T>): Promise<LaneResult> {
  const started = Date.now();
  const survey = new FailureSurvey();
  const seed = baseSeed();
  let stopped = false;
  let inputs = 0;
  const lane = async (index: number) => {
    let failedHere = false;
    const property = fc.asyncProperty(run.arbitrary, async (input) => {
      if (stopped && !failedHere) return true;
      if (!failedHere) inputs++;
      let failures: Failure[];
      try {
        failures = await run.check(input, index);
      } catch (error) {
        // A fault of the harness itself: shrink it like any failure, alone.
        stopped = true;
        failedHere = true;
        throw error;
      }
      if (failures.length === 0) return true;
      if (surveyMode) {
        for (const failure of failures) survey.record(failure);
        return true;
      }
      stopped = true;
      failedHere = true;
      throw new Error(
        failures.map((f) => `${f.subject} over ${f.protocol}: ${f.code}: ${f.message}`).join('\n'),
      );
    });
    await fc.assert(property, {
      numRuns: Math.ceil(run.inputs / run.lanes),
      seed: seed + index,
      includeErrorInReport: true,
      plugins: [fc.interruptAfterTimeLimit(run.timeLimitMs)],
    });
  };
  const results = await Promise.allSettled(Array.from({ length: run.lanes }, (_, i) => lane(i)));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) {
    throw new Error(
      `${run.name} fuzz (seed ${seed}, ${inputs} inputs): ${(rejected.reason as Error).message}`,
    );
  }
  return { inputs, seconds: (Date.now() - started) / 1000, survey };
}
