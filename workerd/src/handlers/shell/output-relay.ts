import { StringDecoder } from 'node:string_decoder';

/** Where complete lines go: one call per chunk of lines, in order. */
export type LineSink = (stream: 'stdout' | 'stderr', text: string) => void;

/** A line longer than this is passed on in pieces rather than buffered without end. */
const MAX_PENDING_CHARS = 64 * 1024;

/**
 * Turns a child's stdout and stderr into log lines as they arrive, line-buffered per stream, up
 * to `capBytes` in all. Past the cap the output is still read (a child blocked on a full pipe
 * would never exit) but only counted; `summary()` says what was cut.
 */
export class OutputRelay {
  readonly #sink: LineSink;
  readonly #capBytes: number;
  #loggedBytes = 0;
  #droppedBytes = 0;
  readonly #streams = {
    stdout: { decoder: new StringDecoder('utf8'), pending: '' },
    stderr: { decoder: new StringDecoder('utf8'), pending: '' },
  };
  /** The last complete stderr line, for a failure message. */
  lastStderrLine = '';

  constructor(sink: LineSink, capBytes: number) {
    this.#sink = sink;
    this.#capBytes = capBytes;
  }

  write(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const state = this.#streams[stream];
    const text = state.pending + state.decoder.write(chunk);
    const end = text.lastIndexOf('\n');
    if (end < 0) {
      const tooLong = text.length > MAX_PENDING_CHARS;
      if (tooLong) this.#emit(stream, text);
      state.pending = tooLong ? '' : text;
      return;
    }
    state.pending = text.slice(end + 1);
    this.#emit(stream, text.slice(0, end));
  }

  /** The child closed its output: pass on the unterminated last lines. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      const state = this.#streams[stream];
      const rest = state.pending + state.decoder.end();
      state.pending = '';
      if (rest !== '') this.#emit(stream, rest);
    }
  }

  /** A line saying how much output was cut, or undefined if none was. */
  summary(): string | undefined {
    if (this.#droppedBytes === 0) return undefined;
    return `output cut: ${this.#droppedBytes} more bytes of stdout/stderr were not logged (the shell kind logs at most ${this.#capBytes} bytes per attempt)`;
  }

  #emit(stream: 'stdout' | 'stderr', text: string): void {
    if (stream === 'stderr') this.#noteLastLine(text);
    // Once cut, everything after is dropped too: a log with holes in the middle would mislead.
    if (this.#droppedBytes > 0) {
      this.#droppedBytes += Buffer.byteLength(text) + 1;
      return;
    }
    const bytes = Buffer.byteLength(text) + 1;
    if (this.#loggedBytes + bytes <= this.#capBytes) {
      this.#loggedBytes += bytes;
      this.#sink(stream, text);
      return;
    }
    // The chunk crosses the cap: keep the whole lines that still fit.
    const lines = text.split('\n');
    let kept = 0;
    while (kept < lines.length) {
      const lineBytes = Buffer.byteLength(lines[kept] as string) + 1;
      if (this.#loggedBytes + lineBytes > this.#capBytes) break;
      this.#loggedBytes += lineBytes;
      kept++;
    }
    if (kept > 0) this.#sink(stream, lines.slice(0, kept).join('\n'));
    this.#droppedBytes += lines.slice(kept).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  }

  #noteLastLine(text: string): void {
    const lines = text.split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = (lines[i] as string).trimEnd();
      if (line !== '') {
        this.lastStderrLine = line;
        return;
      }
    }
  }
}
