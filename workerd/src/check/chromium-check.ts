import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHROMIUM_ARGS } from '../handlers/browser/chromium-launcher.js';
import type { CheckResult } from './check-result.js';

/** The flags browser tasks launch Chromium with, so that the check tries what tasks will do. */
const FLAGS = ['--headless', ...DEFAULT_CHROMIUM_ARGS];

/**
 * Starts Chromium headless on about:blank and reads the page back (--dump-dom). A missing
 * executable is reported as not installed (a worker without browser tasks needs none).
 */
export async function checkChromium(executable: string, timeoutMs: number): Promise<CheckResult> {
  const name = 'chromium';
  try {
    await access(executable, constants.X_OK);
  } catch {
    return { name, status: 'skip', detail: `not installed at ${executable} (browser tasks need it)` };
  }
  // A profile of its own, so that the check never touches (or locks) a real one.
  const profile = await mkdtemp(join(tmpdir(), 'workerd-check-chromium-'));
  try {
    const run = await runChromium(
      executable,
      [...FLAGS, `--user-data-dir=${profile}`, '--dump-dom', 'about:blank'],
      timeoutMs,
    );
    if (run.timedOut)
      return { name, status: 'fail', detail: `${executable} did not finish within ${timeoutMs} ms` };
    if (run.code === 0 && run.stdout.includes('<html')) {
      return { name, status: 'ok', detail: `${executable} launches headless and renders a page` };
    }
    const lastLine = run.stderr.trim().split('\n').at(-1) ?? '';
    return {
      name,
      status: 'fail',
      detail: `${executable} exited with ${run.code ?? run.signal}: ${lastLine}`,
    };
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

interface ChromiumRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runChromium(executable: string, args: string[], timeoutMs: number): Promise<ChromiumRun> {
  return new Promise((resolve) => {
    // Its own process group: on a timeout the whole browser (zygote, renderers) is killed.
    const child = spawn(executable, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: error.message, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}
