import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { TaskState, TaskView } from '@taskwire/proto';
import { gatewayOf, inState, startFleet } from './fleet.js';
import { assertRejects } from './support/connect-errors.js';
import { coordinatorClients, gatewayClients } from './support/rpc-transports.js';
import { spec } from './support/specs.js';

test('SubmitTasks with view BASIC answers ids and states without echoing payloads; the tasks are whole', async (t) => {
  const fleet = await startFleet(t, { workers: [{ slots: 2 }], coordinatorArgs: ['--gateway', '0'] });
  const gateway = await gatewayOf(fleet.coordinator.process);
  for (const clients of [coordinatorClients(fleet.address), gatewayClients(gateway.url)[1]!]) {
    const specs = [
      spec('test.echo', { n: 1, pad: 'x'.repeat(2000) }),
      spec('test.nobody-handles-this', { n: 2 }, { idempotencyKey: `view-${clients.name}`, labels: ['gpu'] }),
    ];
    const basic = await clients.tasks.submitTasks({ specs, view: TaskView.BASIC });
    assert.equal(basic.tasks.length, 2, clients.name);
    for (const [i, task] of basic.tasks.entries()) {
      assert.match(task.id, /^[0-9a-f-]{36}$/, `${clients.name}: an id`);
      assert.equal(task.spec?.kind, specs[i]!.kind, `${clients.name}: the kind`);
      assert.ok(task.createdAt, `${clients.name}: created_at`);
      assert.notEqual(task.state, TaskState.UNSPECIFIED, `${clients.name}: a state`);
      assert.equal(task.spec?.payload, undefined, `${clients.name}: no payload echoed`);
      assert.deepEqual(task.spec?.labels, [], `${clients.name}: no labels echoed`);
    }
    assert.equal(basic.tasks[1]!.spec?.idempotencyKey, `view-${clients.name}`);
    assert.deepEqual(basic.existing, [false, false]);
    // Stored whole: the task runs with its payload, and GetTask shows every field.
    const done = await fleet.waitForTask(basic.tasks[0]!.id, inState(TaskState.SUCCEEDED));
    assert.equal(done.spec?.payload?.data.length, specs[0]!.payload!.data.length);

    // The default is FULL; a known key answers the stored task, flagged existing.
    const full = await clients.tasks.submitTasks({ specs: [specs[1]!] });
    assert.deepEqual(full.existing, [true]);
    assert.equal(full.tasks[0]!.id, basic.tasks[1]!.id);
    assert.deepEqual(full.tasks[0]!.spec?.payload?.data, specs[1]!.payload!.data);
    assert.deepEqual(full.tasks[0]!.spec?.labels, ['gpu']);

    await assertRejects(
      clients.tasks.submitTasks({ specs, view: 7 as TaskView }),
      Code.InvalidArgument,
      /view/,
      `${clients.name}: an unknown view`,
    );
  }
});
