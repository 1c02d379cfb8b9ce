import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allOptions } from '../args/command-spec.js';
import { COMMANDS } from '../commands/index.js';
import { EXIT_CODE_HELP } from '../exit-codes.js';
import { commandHelp, overviewHelp } from './help-text.js';

test('the overview lists every command and every exit code', () => {
  const text = overviewHelp(COMMANDS);
  for (const command of COMMANDS) assert.match(text, new RegExp(`^  ${command.name} `, 'm'));
  for (const [code, meaning] of EXIT_CODE_HELP) assert.ok(text.includes(`  ${code}  ${meaning}`));
});

test('each command help documents every flag, argument and exit code', () => {
  for (const command of COMMANDS) {
    const text = commandHelp(command);
    assert.ok(text.startsWith(`Usage: taskwire ${command.name}`), command.name);
    for (const name of Object.keys(allOptions(command)))
      assert.ok(text.includes(`--${name}`), `${command.name} --${name}`);
    for (const positional of command.positionals) assert.ok(text.includes(positional.name));
    for (const [code] of EXIT_CODE_HELP) assert.match(text, new RegExp(`^  ${code}  `, 'm'));
  }
});

test('remote commands take --address; dev, coordinator and gateway take --port instead', () => {
  for (const command of COMMANDS) {
    const options = allOptions(command);
    assert.equal('address' in options, command.remote, command.name);
    assert.ok('json' in options && 'help' in options, command.name);
  }
  assert.deepEqual(
    COMMANDS.filter((command) => !command.remote).map((command) => command.name),
    ['dev', 'coordinator', 'gateway'],
  );
});
