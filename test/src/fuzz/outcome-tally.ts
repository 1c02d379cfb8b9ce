/**
 * How often each method answered each code: printed after a run, it shows how deep the inputs
 * got (a method that only ever says INVALID_ARGUMENT was not really explored).
 */
export class OutcomeTally {
  private readonly counts = new Map<string, Map<string, number>>();
  private readonly millis = new Map<string, number>();

  add(subject: string, code: string, ms: number): void {
    const codes = this.counts.get(subject) ?? new Map<string, number>();
    codes.set(code, (codes.get(code) ?? 0) + 1);
    this.counts.set(subject, codes);
    this.millis.set(subject, (this.millis.get(subject) ?? 0) + ms);
  }

  /** One line per subject: "TaskService.GetTask: OK 120, NotFound 80 (3.1 ms each)". */
  lines(): string[] {
    return [...this.counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([subject, codes]) => {
        const total = [...codes.values()].reduce((sum, n) => sum + n, 0);
        const average = (this.millis.get(subject) ?? 0) / total;
        const shown = [...codes].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`);
        return `${subject}: ${shown.join(', ')} (${average.toFixed(1)} ms each)`;
      });
  }
}
