import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.js';

const mainPath = fileURLToPath(new URL('../main.js', import.meta.url));

/** Runs the workerd binary in `cwd`; its pino lines (stdout) are collected as objects. */
export function runWorkerd(args: string[], cwd: string) {
  const child: ChildProcess = spawn(process.execPath, [mainPath, ...args], {
    cwd,
    env: { PATH: process.env['PATH'] },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let stderr = '';
  createInterface({ input: child.stdout! }).on('line', (line) => lines.push(JSON.parse(line)));
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  // 'close', not 'exit': the output is read to the end by then.
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  /** The first line with this `event` (and matching), logged so far or within 10 s. */
  const event = (name: string, match: (line: Record<string, unknown>) => boolean = () => true) =>
    waitFor(
      `a ${name} log line (stderr: ${stderr})`,
      () => lines.find((line) => line['event'] === name && match(line)),
      10_000,
    );
  return { child, lines, exited, event, stderr: () => stderr };
}
