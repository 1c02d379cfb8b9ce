import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statementLabel } from './statement-label.js';

test('statementLabel names what a statement does first, and to which table', () => {
  assert.equal(statementLabel('SELECT * FROM tasks WHERE id = $1'), 'select tasks');
  assert.equal(statementLabel('  UPDATE workers SET status = $2\n WHERE id = $1'), 'update workers');
  assert.equal(statementLabel('INSERT INTO task_events (task_id) VALUES ($1)'), 'insert task_events');
  assert.equal(statementLabel('DELETE FROM tasks WHERE finished_at < $1'), 'delete tasks');
  assert.equal(
    statementLabel(
      'WITH claimed AS (\n  UPDATE tasks t SET state = $1 FROM x RETURNING t.*) SELECT * FROM claimed',
    ),
    'claimed: update tasks',
  );
  assert.equal(statementLabel('SELECT 1'), 'select');
  assert.equal(statementLabel('SELECT x.* FROM jsonb_to_recordset($1::jsonb) AS x(id uuid)'), 'select');
  assert.equal(statementLabel('-- a comment\nBEGIN'), 'begin');
  assert.equal(statementLabel(''), 'statement');
});

test('statementLabel keeps the label set bounded', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) seen.add(statementLabel(`SELECT ${i} FROM t${i}`));
  assert.ok(seen.has('other'), 'statements past the cap share one label');
  assert.ok(seen.size <= 301, `${seen.size} labels`);
});
