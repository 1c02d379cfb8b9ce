/** The last `capacity` lines written, for printing a child's output when a test fails. */
export class RingBuffer {
  private readonly lines: string[] = [];
  private dropped = 0;

  constructor(
    private readonly capacity: number,
    private readonly maxLineLength = 4000,
  ) {}

  push(line: string): void {
    const cut = line.length > this.maxLineLength ? line.slice(0, this.maxLineLength) + ' …(cut)' : line;
    this.lines.push(cut);
    if (this.lines.length > this.capacity) {
      this.lines.shift();
      this.dropped++;
    }
  }

  /** The kept lines, preceded by a note when older ones were dropped. */
  text(): string {
    const head = this.dropped > 0 ? [`…(${this.dropped} earlier lines dropped)`] : [];
    return [...head, ...this.lines].join('\n');
  }
}
