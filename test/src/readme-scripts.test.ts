import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Code } from '@connectrpc/connect';
import { startDevFleet } from './dashboard/dev-fleet.js';
import { childEnv } from './fleet/child-env.js';
import { repoRoot } from './fleet/paths.js';
import { testPassed } from './fleet/test-passed.js';
import { bufCurl, describeBufCurl } from './support/buf-curl.js';

// The README's commands, run for real: its curl lines (parsed from the README, so the test breaks
// when they do) and the TypeScript example in examples/, against a `taskwire dev` fleet.

const README_GATEWAY = 'http://127.0.0.1:7381';
const README_COORDINATOR = 'http://127.0.0.1:7380';
const exampleScript = join(repoRoot, 'examples/dist/submit-and-watch.js');

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (killed after 30 s); a missing program is an error, not a code. */
function run(file: string, args: string[], env: NodeJS.ProcessEnv = childEnv()): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const failure = error as (Error & { code?: number | string }) | null;
      if (failure?.code === 'ENOENT') {
        reject(new Error(`\`${file}\` is not installed; this test runs the README's curl commands with it`));
        return;
      }
      resolve({
        code: failure ? (typeof failure.code === 'number' ? failure.code : null) : 0,
        stdout,
        stderr,
      });
    });
  });
}

function describe(file: string, args: string[], result: RunResult): string {
  return `${file} ${args.join(' ')} → code ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`;
}

/** The text of the README section whose heading starts with `heading`, up to the next one. */
function readmeSection(heading: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${heading}`);
  assert.ok(start >= 0, `README.md has a section "## ${heading}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The commands of a section's sh blocks that start with `program`, continuation lines joined, comments cut. */
function commandsStartingWith(program: string, section: string): string[] {
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  return blocks
    .join('\n')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith(`${program} `));
}

/** The `curl …` commands of a section's sh blocks. */
function curlCommands(section: string): string[] {
  return commandsStartingWith('curl', section);
}

/**
 * Splits a command line into words as sh does, for the little the README uses: '…' is literal,
 * "…" and bare words expand $NAME from `vars`, `$(cat .taskwire/token)` is $TOKEN. Anything else
 * (a pipe, a redirection, an unknown variable) fails the test rather than run something else.
 */
function shellWords(line: string, vars: Record<string, string>): string[] {
  const text = line.replaceAll('$(cat .taskwire/token)', '$TOKEN');
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  const expand = (): string => {
    const name = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i));
    const value = name?.[1] === undefined ? undefined : vars[name[1]];
    if (!name || value === undefined) throw new Error(`cannot expand ${text.slice(i, i + 20)} in: ${line}`);
    i += name[0].length;
    return value;
  };
  while (i < text.length) {
    const char = text[i] ?? '';
    if (char === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
      continue;
    }
    word ??= '';
    if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new Error(`unclosed ' in: ${line}`);
      word += text.slice(i + 1, end);
      i = end + 1;
    } else if (char === '"') {
      i++;
      while (text[i] !== '"') {
        if (i >= text.length) throw new Error(`unclosed " in: ${line}`);
        if (text[i] === '$') word += expand();
        else word += text[i++];
      }
      i++;
    } else if (char === '$') {
      word += expand();
    } else if ('|<>;&`\\'.includes(char)) {
      throw new Error(`the test runs plain commands only; "${char}" in: ${line}`);
    } else {
      word += char;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

interface HttpAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the JSON the gateway answers, inspected field by field
  body: any;
}

/** Runs `curl ARGS`, adding only `-w` for the HTTP status, and parses the JSON answer. */
async function curl(words: string[]): Promise<HttpAnswer> {
  const [program, ...args] = words;
  assert.equal(program, 'curl');
  const withStatus = [...args, '-w', '\n%{http_code}'];
  const result = await run('curl', withStatus);
  assert.equal(result.code, 0, describe('curl', withStatus, result));
  const cut = result.stdout.lastIndexOf('\n');
  const status = Number(result.stdout.slice(cut + 1));
  try {
    return { status, body: JSON.parse(result.stdout.slice(0, cut)) };
  } catch {
    assert.fail(`the answer is not JSON: ${describe('curl', withStatus, result)}`);
  }
}

function withoutAuthorization(words: string[]): string[] {
  const at = words.findIndex((word, i) => word === '-H' && words[i + 1]?.startsWith('authorization:'));
  assert.ok(at >= 0, `the command sends a token: ${words.join(' ')}`);
  return [...words.slice(0, at), ...words.slice(at + 2)];
}

test('submit-and-watch without TASKWIRE_TOKEN: a clear error and exit code 2', async () => {
  const result = await run(process.execPath, [exampleScript]);
  assert.equal(result.code, 2, describe('node', [exampleScript], result));
  assert.match(result.stderr, /TASKWIRE_TOKEN/);
});

test('README "Scripts": the curl calls and the TypeScript example against `taskwire dev`', async (t) => {
  await run('curl', ['--version']); // fails with a clear message when curl is missing
  const section = readmeSection('Scripts: curl and TypeScript');
  assert.ok(section.includes('TOKEN=$(cat .taskwire/token)'), 'the section reads the token dev saved');
  const fleet = await startDevFleet();
  t.after(async () => {
    if (!testPassed(t)) process.stderr.write(`\n${fleet.dump()}\n`);
    await fleet.stop();
  });
  const vars: Record<string, string> = { TOKEN: fleet.adminToken };
  const commandsOf = (text: string) => curlCommands(text.replaceAll(README_GATEWAY, fleet.gatewayUrl));
  const commands = commandsOf(section);
  const submitCommand = commands.find((command) => command.includes('/taskwire.v1.TaskService/SubmitTask'));
  const getCommand = commands.find((command) => command.includes('/taskwire.v1.TaskService/GetTask'));
  assert.ok(submitCommand && getCommand, `the section shows SubmitTask and GetTask: ${commands.join('\n')}`);

  await t.test('curl SubmitTask answers the stored task; GetTask returns it', async () => {
    const submitted = await curl(shellWords(submitCommand, vars));
    assert.equal(submitted.status, 200, JSON.stringify(submitted.body));
    const id = submitted.body.task?.id;
    assert.match(String(id), /^[0-9a-f-]{36}$/, `a task id in ${JSON.stringify(submitted.body)}`);
    assert.equal(submitted.body.task.spec.kind, 'demo');
    const payload = submitted.body.task.spec.payload;
    assert.equal(payload.contentType, 'application/json');
    assert.deepEqual(JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')), { steps: 5 });
    assert.match(submitted.body.task.state, /^TASK_STATE_/, 'enums travel by name');

    const fetched = await curl(shellWords(getCommand, { ...vars, ID: id }));
    assert.equal(fetched.status, 200, JSON.stringify(fetched.body));
    assert.equal(fetched.body.task.id, id);
    assert.deepEqual(fetched.body.task.spec.payload, payload);
  });

  await t.test('curl without the token: HTTP 401, Connect code "unauthenticated"', async () => {
    const refused = await curl(withoutAuthorization(shellWords(submitCommand, vars)));
    assert.equal(refused.status, 401, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'unauthenticated');
  });

  await t.test('the gateway section curl calls send the saved token', async () => {
    const gatewayCommands = commandsOf(readmeSection('The gateway:'));
    const stats = gatewayCommands.find((command) => command.includes('/taskwire.v1.FleetService/GetStats'));
    assert.ok(stats, `the gateway section shows GetStats: ${gatewayCommands.join('\n')}`);
    const answer = await curl(shellWords(stats, vars));
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.ok(Array.isArray(answer.body.tasks), JSON.stringify(answer.body));
  });

  await t.test('examples/dist/submit-and-watch.js follows a task to its result', async () => {
    assert.ok(section.includes('node examples/dist/submit-and-watch.js'), 'the section shows the script');
    const args = [exampleScript, 'demo', '{"steps":3,"stepMs":50}'];
    const env = childEnv({ TASKWIRE_GATEWAY: fleet.gatewayUrl, TASKWIRE_TOKEN: fleet.adminToken });
    const result = await run(process.execPath, args, env);
    assert.equal(result.code, 0, describe('node', args, result));
    assert.deepEqual(JSON.parse(result.stdout), { ok: true, steps: 3 }, 'stdout is the result alone');

    const [first, ...progress] = result.stderr.trimEnd().split('\n');
    const id = /^submitted (\S+)$/.exec(first ?? '')?.[1];
    assert.ok(id, describe('node', args, result));
    assert.ok(progress.length > 0, describe('node', args, result));
    for (const line of progress) {
      assert.match(line, /^[A-Z_]+ \d+%( .+)?$/, `a progress line: ${describe('node', args, result)}`);
    }
    assert.equal(progress.at(-1), 'SUCCEEDED 100% done', 'the last line is the final progress');

    const getWords = shellWords(getCommand, { ...vars, ID: id });
    const stored = await curl(getWords);
    assert.equal(stored.body.task.state, 'TASK_STATE_SUCCEEDED');
    assert.equal(stored.body.task.spec.kind, 'demo');
  });

  // Last: the example's task has run, so dev's workerd is listed for ListWorkers.
  await t.test(
    'README "Reflection": its buf curl commands, no schema, with and without the token',
    async () => {
      const reflection = readmeSection('Reflection:')
        .replaceAll(README_COORDINATOR, `http://${fleet.address}`)
        .replaceAll(README_GATEWAY, fleet.gatewayUrl);
      const commands = commandsStartingWith('npx buf curl', reflection);
      assert.equal(
        commands.length,
        4,
        `list services and methods, GetTask, ListWorkers: ${commands.join('\n')}`,
      );
      const submitted = await curl(shellWords(submitCommand, vars));
      const id = String(submitted.body.task?.id);
      for (const command of commands) {
        // What follows `npx buf curl`, for the devDependency npx would run.
        const args = shellWords(command, { ...vars, ID: id }).slice(3);
        const result = await bufCurl(args);
        assert.equal(result.code, 0, describeBufCurl(args, result));
        if (args.includes('--list-services')) {
          assert.ok(result.stdout.includes('taskwire.v1.WorkerService\n'), result.stdout);
          assert.ok(result.stdout.includes('grpc.reflection.v1.ServerReflection\n'), result.stdout);
        } else if (args.includes('--list-methods')) {
          assert.ok(result.stdout.includes('taskwire.v1.TaskService/GetTask\n'), result.stdout);
          assert.ok(!result.stdout.includes('WorkerService'), 'the gateway does not serve the worker stream');
        } else if (command.includes('/GetTask')) {
          assert.equal(JSON.parse(result.stdout).task.id, id);
        } else {
          assert.ok(command.includes('/ListWorkers'), command);
          assert.ok(JSON.parse(result.stdout).workers.length > 0, result.stdout);
        }
        if (args.includes('-H')) {
          const refused = await bufCurl(withoutAuthorization(args));
          assert.equal(refused.code, Code.Unauthenticated << 3, describeBufCurl(args, refused));
        }
      }
    },
  );
});
