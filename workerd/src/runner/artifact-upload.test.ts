import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { jsonPayload, LimitsSchema, TaskCommandSchema } from '@taskwire/proto';
import { pino } from 'pino';
import { RecordingSink } from '../testing/recording-sink.js';
import { waitFor } from '../testing/wait-for.js';
import { ARTIFACT_CHUNK_BYTES, artifactUpdates, guessContentType } from './artifact-upload.js';
import { DEFAULT_LIMITS } from './runner-limits.js';
import { TaskRunner } from './task-runner.js';

const chunksOf = (updates: ReturnType<typeof artifactUpdates>) =>
  updates.map((u) => {
    assert.equal(u.kind.case, 'artifact');
    return u.kind.value;
  });

test('an artifact is split into chunks with one id, offsets, and the last one marked', () => {
  const data = new Uint8Array(ARTIFACT_CHUNK_BYTES * 2 + 10).map((_, i) => i % 251);
  const chunks = chunksOf(artifactUpdates('t1', 2, { name: 'out.bin', data }, DEFAULT_LIMITS));
  assert.equal(chunks.length, 3);
  assert.equal(new Set(chunks.map((c) => c.artifactId)).size, 1);
  assert.deepEqual(
    chunks.map((c) => [Number(c.offset), c.data.length, c.last]),
    [
      [0, ARTIFACT_CHUNK_BYTES, false],
      [ARTIFACT_CHUNK_BYTES, ARTIFACT_CHUNK_BYTES, false],
      [ARTIFACT_CHUNK_BYTES * 2, 10, true],
    ],
  );
  assert.deepEqual(Buffer.concat(chunks.map((c) => c.data)), Buffer.from(data));
  assert.equal(chunks[0]?.contentType, 'application/octet-stream');
});

test('an empty artifact is one last chunk; a string is UTF-8 text', () => {
  const [empty] = chunksOf(
    artifactUpdates('t1', 1, { name: 'empty', data: new Uint8Array() }, DEFAULT_LIMITS),
  );
  assert.equal(empty?.last, true);
  assert.equal(empty?.data.length, 0);
  const [text] = chunksOf(artifactUpdates('t1', 1, { name: 'note', data: 'héllo' }, DEFAULT_LIMITS));
  assert.equal(Buffer.from(text?.data ?? []).toString('utf8'), 'héllo');
  assert.equal(text?.contentType, 'text/plain; charset=utf-8');
});

test('chunks stay under a quarter of a small message limit', () => {
  const limits = { ...DEFAULT_LIMITS, maxMessageBytes: 64 * 1024 };
  const chunks = chunksOf(artifactUpdates('t1', 1, { name: 'a', data: new Uint8Array(40_000) }, limits));
  assert.ok(chunks.every((c) => c.data.length <= 16 * 1024));
  assert.equal(chunks.length, 3);
});

test('over max_artifact_bytes the artifact is refused, naming the limit', () => {
  const limits = { ...DEFAULT_LIMITS, maxArtifactBytes: 100 };
  assert.throws(
    () => artifactUpdates('t1', 1, { name: 'big.png', data: new Uint8Array(101) }, limits),
    /big\.png is 101 bytes, over the max_artifact_bytes limit of 100/,
  );
});

test('the content type follows the extension unless given', () => {
  assert.equal(guessContentType('shot.PNG', new Uint8Array()), 'image/png');
  assert.equal(guessContentType('report.json', '{}'), 'application/json');
  const [given] = chunksOf(
    artifactUpdates('t1', 1, { name: 'x.png', data: 'a', contentType: 'text/x-custom' }, DEFAULT_LIMITS),
  );
  assert.equal(given?.contentType, 'text/x-custom');
});

test('ctx.artifact sends the chunks before the result, and rejects over the welcome limit', async () => {
  const sink = new RecordingSink();
  const runner = new TaskRunner({
    handlers: {
      store: async (ctx) => {
        await ctx.artifact('big.bin', new Uint8Array(ARTIFACT_CHUNK_BYTES + 1));
        const refused = await ctx.artifact('huge.bin', new Uint8Array(2_000_000)).then(
          () => 'sent',
          (error: Error) => error.message,
        );
        return { refused };
      },
    },
    slots: 1,
    sink,
    logger: pino({ level: 'silent' }),
  });
  runner.setLimits(create(LimitsSchema, { maxArtifactBytes: 1_000_000n, maxMessageBytes: 4_000_000n }));
  runner.handleCommand(
    create(TaskCommandSchema, {
      taskId: 't1',
      attempt: 1,
      kind: { case: 'assign', value: { kind: 'store', payload: jsonPayload({}), maxAttempts: 1 } },
    }),
  );
  await waitFor('the result', () => sink.find('t1', 'result'));
  assert.deepEqual(sink.kindsFor('t1'), ['accepted', 'artifact', 'artifact', 'result']);
  const result = JSON.parse(Buffer.from(sink.find('t1', 'result')?.output?.data ?? []).toString());
  assert.match(result.refused, /max_artifact_bytes limit of 1000000/);
});
