import type { DescField } from '@bufbuild/protobuf';
import { Role, TaskState } from '@taskwire/proto';
import type { Fleet } from '../fleet.js';
import { inState } from '../fleet.js';
import { spec } from '../support/specs.js';
import type { StringHints } from './message-arbitrary.js';
import type { AuthChoice } from './service-call.js';

/**
 * What the services fuzz needs before it starts: access control on (an admin token, so that
 * every method is reachable), a real workerd, and tasks in every state, so that generated calls
 * naming them reach the deep paths (cancel a running task, answer a waiting one, retry a failed
 * one) instead of stopping at "not found".
 */
export interface ServiceFixtures {
  adminSecret: string;
  workerId: string;
  hints: StringHints;
  /** Credentials the auth fuzz draws from (the default admin token is the common case). */
  credentials: AuthChoice[];
}

const KINDS = ['test.echo', 'test.fail', 'nobody.handles.this'];
const LABELS = ['gpu', 'region-eu'];

async function tasksInEveryState(fleet: Fleet): Promise<string[]> {
  const submit = async (kind: string, payload?: unknown, extra = {}) =>
    (await fleet.tasks.submitTask({ spec: spec(kind, payload, extra) })).task!.id;
  const queued = await submit(
    'nobody.handles.this',
    { n: 1 },
    {
      labels: ['gpu'],
      idempotencyKey: 'fuzz-key-1',
      metadata: { owner: 'fuzz' },
    },
  );
  const scheduled = await submit(
    'nobody.handles.this',
    {},
    {
      runAt: { seconds: BigInt(Math.floor(Date.now() / 1000) + 86_400) },
    },
  );
  const cancelled = await submit('nobody.handles.this');
  await fleet.tasks.cancelTask({ id: cancelled, reason: 'fixture' });
  const succeeded = await submit('test.echo', { fixture: true });
  const failed = await submit('test.fail', { nonRetryable: true });
  const running = await submit('test.block');
  const waiting = await submit('test.input', { prompt: 'code?' });
  const artifacts = await submit('test.artifacts');
  await fleet.waitForTask(succeeded, inState(TaskState.SUCCEEDED));
  await fleet.waitForTask(failed, inState(TaskState.FAILED));
  await fleet.waitForTask(running, inState(TaskState.RUNNING));
  await fleet.waitForTask(waiting, inState(TaskState.WAITING_INPUT));
  await fleet.waitForTask(artifacts, inState(TaskState.SUCCEEDED));
  return [queued, scheduled, cancelled, succeeded, failed, running, waiting, artifacts];
}

/** Real cursors of ListTasks and ListTaskEvents (page size 1), so that paging is fuzzed too. */
async function realPageTokens(fleet: Fleet, taskId: string): Promise<string[]> {
  const tasks = await fleet.tasks.listTasks({ pageSize: 1 });
  const events = await fleet.tasks.listTaskEvents({ id: taskId, pageSize: 1 });
  return [tasks.nextPageToken, events.nextPageToken].filter((token) => token !== '');
}

/** Turns access control on, starts a worker, creates the tasks and tokens the pools name. */
export async function prepareServiceFixtures(fleet: Fleet): Promise<ServiceFixtures> {
  const admin = fleet.admin();
  const { secret: adminSecret } = await admin.createToken({ name: 'fuzz-admin', role: Role.ADMIN });
  fleet.token = adminSecret;
  const secrets: Record<string, string> = {};
  const tokenIds: string[] = [];
  for (const [name, role] of [
    ['viewer', Role.VIEWER],
    ['submitter', Role.SUBMITTER],
    ['worker', Role.WORKER],
    ['revoked', Role.ADMIN],
  ] as const) {
    const created = await admin.createToken({ name, role });
    secrets[name] = created.secret;
    tokenIds.push(created.token!.id);
  }
  await admin.revokeToken({ id: tokenIds[3]! });
  const worker = await fleet.addWorker({ slots: 4, env: { TASKWIRE_TOKEN: secrets['worker']! } });
  const taskIds = await tasksInEveryState(fleet);
  const { artifacts } = await fleet.tasks.listTaskArtifacts({ id: taskIds[7]! });
  const artifactIds = artifacts.map((a) => a.id);
  const pageTokens = await realPageTokens(fleet, taskIds[5]!);
  const workerIds = [worker.id, 'no-such-worker'];

  const hints: StringHints = (field: DescField) => {
    const message = field.parent.name;
    if (field.name === 'id') {
      if (message === 'GetArtifactRequest') return [...artifactIds, ...taskIds];
      if (message === 'RevokeTokenRequest') return tokenIds;
      if (/Worker/.test(message)) return workerIds;
      return taskIds;
    }
    if (field.name === 'worker_id') return workerIds;
    if (field.name === 'kind') return KINDS;
    if (field.name === 'labels' || field.name === 'label') return LABELS;
    if (field.name === 'idempotency_key') return ['fuzz-key-1'];
    if (field.name === 'page_token') return pageTokens;
    if (field.name === 'content_type') return ['application/json', 'text/plain'];
    return undefined;
  };

  const credentials: AuthChoice[] = [
    { label: 'none', header: null },
    { label: 'viewer', header: `Bearer ${secrets['viewer']}` },
    { label: 'submitter', header: `Bearer ${secrets['submitter']}` },
    { label: 'worker', header: `Bearer ${secrets['worker']}` },
    { label: 'revoked', header: `Bearer ${secrets['revoked']}` },
    { label: 'admin lower-case scheme', header: `bearer ${adminSecret}` },
    { label: 'admin with extra word', header: `Bearer ${adminSecret} extra` },
    { label: 'Basic', header: 'Basic YWRtaW46YWRtaW4=' },
    { label: 'Bearer only', header: 'Bearer' },
    { label: 'Bearer empty', header: 'Bearer ' },
    { label: 'unknown token', header: 'Bearer tw_not-a-real-token' },
    { label: '4 KiB token', header: `Bearer tw_${'x'.repeat(4096)}` },
  ];
  return { adminSecret, workerId: worker.id, hints, credentials };
}
