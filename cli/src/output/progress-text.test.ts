import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { durationFromMs } from '@bufbuild/protobuf/wkt';
import { ProgressSchema, TaskState } from '@taskwire/proto';
import { fakeTask, running } from '../test-support/fake-tasks.js';
import { bar, etaText, percentText, plainProgressLine, progressBarLine } from './progress-text.js';

test('plainProgressLine is "<state> <percent>% <step> <message>"', () => {
  assert.equal(plainProgressLine(running(42, 'fetch', 'page 3 of 7')), 'RUNNING 42% fetch page 3 of 7');
  assert.equal(plainProgressLine(fakeTask(TaskState.QUEUED)), 'QUEUED 0%');
  assert.equal(plainProgressLine(running(10, '', 'only a message')), 'RUNNING 10% only a message');
});

test('percent rounds down and stays within 0..100', () => {
  assert.equal(percentText(running(99.6, '', '')), '99%');
  assert.equal(percentText(running(140, '', '')), '100%');
  assert.equal(percentText(running(-3, '', '')), '0%');
});

test('bar fills in proportion', () => {
  assert.equal(bar(0), `[${'-'.repeat(24)}]`);
  assert.equal(bar(50), `[${'#'.repeat(12)}${'-'.repeat(12)}]`);
  assert.equal(bar(100), `[${'#'.repeat(24)}]`);
});

test('etaText marks a derived ETA', () => {
  const task = running(10, '', '');
  assert.equal(etaText(task), '');
  task.progress = create(ProgressSchema, { percent: 10, eta: durationFromMs(12_000) });
  assert.equal(etaText(task), 'ETA 12s');
  task.progress.etaDerived = true;
  assert.equal(etaText(task), 'ETA ~12s');
  task.state = TaskState.SUCCEEDED;
  assert.equal(etaText(task), '');
});

test('progressBarLine keeps the ETA and fits the terminal width', () => {
  const task = running(50, 'download', 'x'.repeat(200));
  task.progress!.eta = durationFromMs(65_000);
  for (const columns of [80, 200]) {
    const line = progressBarLine(task, columns);
    assert.ok(line.length <= columns - 1, `${line.length} > ${columns - 1}`);
    assert.match(line, /^RUNNING +\[#{12}-{12}\] {2}50% download · x+… {2}ETA 1m05s$/);
  }
  // Narrow: the bar is given up before the detail and the ETA.
  assert.match(progressBarLine(task, 40), /^RUNNING 50% download · x+… {2}ETA 1m05s$/);
  assert.ok(progressBarLine(task, 40).length <= 39);
  assert.ok(progressBarLine(task, 5).length <= 4);
  assert.match(progressBarLine(running(50, 'download', 'a file'), 120), / download · a file$/);
});
