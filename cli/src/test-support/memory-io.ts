import { Readable } from 'node:stream';
import type { CliIo, OutputStream } from '../io.js';

/** An output stream that keeps what was written, optionally posing as a terminal. */
export class MemoryOutput implements OutputStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 80,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
  lines(): string[] {
    return this.text.split('\n').filter((line) => line !== '');
  }
}

export interface MemoryIo extends CliIo {
  readonly stdout: MemoryOutput;
  readonly stderr: MemoryOutput;
}

export function memoryIo(
  options: { stdin?: string; env?: Record<string, string>; stdoutTTY?: boolean } = {},
): MemoryIo {
  return {
    stdout: new MemoryOutput(options.stdoutTTY ?? false),
    stderr: new MemoryOutput(),
    stdin: Readable.from(options.stdin === undefined ? [] : [Buffer.from(options.stdin)]),
    env: options.env ?? {},
  };
}
