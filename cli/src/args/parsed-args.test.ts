import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../usage-error.js';
import type { OptionSpec, PositionalSpec } from './command-spec.js';
import { parseCommandArgs } from './parsed-args.js';

const OPTIONS: Record<string, OptionSpec> = {
  port: { type: 'string', env: 'TEST_PORT', fallback: '7380', help: '' },
  label: { type: 'string', multiple: true, commas: true, env: 'TEST_LABELS', help: '' },
  meta: { type: 'string', multiple: true, help: '' },
  wait: { type: 'boolean', env: 'TEST_WAIT', help: '' },
  help: { type: 'boolean', short: 'h', help: '' },
};
const POSITIONALS: PositionalSpec[] = [
  { name: 'KIND', help: '' },
  { name: 'PAYLOAD', help: '', optional: true },
];

test('a flag wins over its environment variable, which wins over the fallback', () => {
  assert.equal(parseCommandArgs(['k'], OPTIONS, POSITIONALS, {}).string('port'), '7380');
  assert.equal(parseCommandArgs(['k'], OPTIONS, POSITIONALS, { TEST_PORT: '1' }).string('port'), '1');
  assert.equal(
    parseCommandArgs(['k', '--port', '2'], OPTIONS, POSITIONALS, { TEST_PORT: '1' }).string('port'),
    '2',
  );
  assert.equal(parseCommandArgs(['k'], OPTIONS, POSITIONALS, { TEST_WAIT: 'true' }).flag('wait'), true);
  assert.equal(parseCommandArgs(['k'], OPTIONS, POSITIONALS, { TEST_WAIT: '0' }).flag('wait'), false);
});

test('list flags repeat and split commas only where declared', () => {
  const args = parseCommandArgs(
    ['k', '--label', 'a,b', '--label', 'c', '--meta', 'note=x,y'],
    OPTIONS,
    POSITIONALS,
    {},
  );
  assert.deepEqual(args.list('label'), ['a', 'b', 'c']);
  assert.deepEqual(args.list('meta'), ['note=x,y']);
  assert.deepEqual(parseCommandArgs(['k'], OPTIONS, POSITIONALS, { TEST_LABELS: 'x,y' }).list('label'), [
    'x',
    'y',
  ]);
  assert.deepEqual(parseCommandArgs(['k'], OPTIONS, POSITIONALS, {}).list('meta'), []);
});

test('positionals are counted, and "-" is one', () => {
  assert.deepEqual(parseCommandArgs(['k', '-'], OPTIONS, POSITIONALS, {}).positionals, ['k', '-']);
  assert.throws(() => parseCommandArgs([], OPTIONS, POSITIONALS, {}), /missing KIND/);
  assert.throws(() => parseCommandArgs(['a', 'b', 'c'], OPTIONS, POSITIONALS, {}), /unexpected argument "c"/);
});

test('--help works without the required positionals', () => {
  assert.equal(parseCommandArgs(['-h'], OPTIONS, POSITIONALS, {}).flag('help'), true);
});

test('unknown flags and missing values are usage errors', () => {
  assert.throws(() => parseCommandArgs(['k', '--nope'], OPTIONS, POSITIONALS, {}), UsageError);
  assert.throws(() => parseCommandArgs(['k', '--port'], OPTIONS, POSITIONALS, {}), UsageError);
});

test('asking for an undeclared option is a bug, not undefined', () => {
  const args = parseCommandArgs(['k'], OPTIONS, POSITIONALS, {});
  assert.throws(() => args.string('prot'), /bug: option --prot/);
  assert.throws(() => args.list('port'), /bug: option --port/);
});
