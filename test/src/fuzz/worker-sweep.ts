import { create } from '@bufbuild/protobuf';
import { ArtifactChunkSchema, HelloSchema, TaskUpdateSchema, WorkerMessageSchema } from '@taskwire/proto';
import { CUT_LENGTHS, straddling } from './hostile-values.js';
import { type Identity, stringLeaves } from './string-leaves.js';
import { WorkerScenario } from './worker-scenario.js';

/** NUL, and an astral character across each length the coordinator cuts text at. */
const VALUES: ReadonlyArray<[string, string]> = [
  ['NUL', 'a\u0000b'],
  ...CUT_LENGTHS.map((n): [string, string] => [`an astral character at ${n - 1}`, straddling(n)]),
];

/** The hello a lane sends when nothing else is asked of it: its own id, kind and two slots. */
const helloIdentity: Identity = (schema) =>
  schema.typeName === HelloSchema.typeName ? { workerId: '@lane', kinds: ['@kind'], slots: 2 } : {};

/**
 * A report is about the attempt this stream holds (exact attempt), as an accept unless it says
 * otherwise; an artifact chunk is the last one (stored at once).
 */
const updateIdentity: Identity = (schema) => {
  if (schema.typeName === TaskUpdateSchema.typeName)
    return { taskId: '@own0=', kind: { case: 'accepted', value: {} } };
  if (schema.typeName === ArtifactChunkSchema.typeName) return { artifactId: 'sweep', last: true };
  return {};
};

/** The attempt's result, sent after each report: what was kept of the report is written with it. */
const result = create(TaskUpdateSchema, { taskId: '@own0=', kind: { case: 'result', value: {} } });

export interface SweepCase {
  /** e.g. "hello.versions{}" or "update failure.error.message". */
  readonly what: string;
  readonly scenario: WorkerScenario;
}

/**
 * A NUL (and an astral character cut in two) in each string of a hello (the stream may be refused, with INVALID_ARGUMENT) and in each
 * string of each kind of task report about the stream's own attempt (answered per task, the
 * stream kept), one place at a time: the complete list of where the store's refusal leaks out.
 */
export function workerSweepCases(): SweepCase[] {
  const plainHello = create(HelloSchema, helloIdentity(HelloSchema));
  const hellos = stringLeaves(HelloSchema, helloIdentity).flatMap((leaf) =>
    VALUES.map(([kind, value]) => ({
      what: `hello.${leaf.path} = ${kind}`,
      scenario: new WorkerScenario(
        { kind: 'hello', hello: create(HelloSchema, leaf.build(value)), resume: false },
        [],
      ),
    })),
  );
  const updates = stringLeaves(TaskUpdateSchema, updateIdentity).flatMap((leaf) =>
    VALUES.map(([kind, value]) => ({
      what: `update ${leaf.path} = ${kind}`,
      scenario: new WorkerScenario({ kind: 'hello', hello: plainHello, resume: false }, [
        {
          kind: 'message',
          message: create(WorkerMessageSchema, {
            body: {
              case: 'updates',
              value: { items: [create(TaskUpdateSchema, leaf.build(value)), result] },
            },
          }),
        },
      ]),
    })),
  );
  return [...hellos, ...updates];
}
