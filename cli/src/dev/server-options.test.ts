import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage-error.js';
import { databaseLabel, parsePort } from './server-options.js';

test('databaseLabel never shows a password', () => {
  assert.equal(databaseLabel(undefined, '.taskwire/data'), 'PGlite (embedded) in .taskwire/data');
  const label = databaseLabel('postgres://tw:secret@db:5432/taskwire', '.taskwire/data');
  assert.equal(label, 'PostgreSQL at postgres://tw:***@db:5432/taskwire');
  assert.equal(databaseLabel('not a url', 'd'), 'PostgreSQL (DATABASE_URL)');
});

test('parsePort takes 0..65535 and defaults to 7380', () => {
  assert.equal(parsePort(undefined), 7380);
  assert.equal(parsePort('0'), 0);
  assert.throws(() => parsePort('65536'), UsageError);
  assert.throws(() => parsePort('http'), UsageError);
});
