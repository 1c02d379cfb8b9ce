import type { Runtime } from '../runtime/runtime.js';
import { isTransientDbError } from '../store/transient-error.js';
import { type Submitted, submitTasks } from './submit-tasks.js';
import type { NewTask } from './validate-spec.js';

/** Tasks one merged insert holds at most. */
const MAX_MERGED_TASKS = 1000;

interface Waiting {
  specs: NewTask[];
  resolve: (submitted: Submitted) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for submissions: requests that arrive while an insert is under way wait for it
 * and then go together, in one statement and one commit. An idle coordinator stores a request
 * at once; a busy one stores many per commit, so that a steady stream of single submissions
 * costs a commit (and its WAL flush, and the NOTIFY that rides in it) per batch, not per task,
 * and holds one pool connection instead of one per call in flight. If a merged insert is refused
 * for its data, each request is tried alone, so that only the one at fault fails.
 */
export class SubmitBatcher {
  private waiting: Waiting[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly rt: Runtime) {}

  submit(specs: NewTask[]): Promise<Submitted> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ specs, resolve, reject });
      this.running ??= this.loop().finally(() => {
        this.running = undefined;
      });
    });
  }

  /** Resolves once nothing is being stored or waiting (at shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    while (this.waiting.length > 0) await this.store(this.take());
  }

  /** Whole requests, in order, up to MAX_MERGED_TASKS (a larger request goes alone). */
  private take(): Waiting[] {
    let tasks = 0;
    let count = 0;
    while (count < this.waiting.length) {
      const size = this.waiting[count]!.specs.length;
      if (count > 0 && tasks + size > MAX_MERGED_TASKS) break;
      tasks += size;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async store(batch: Waiting[]): Promise<void> {
    let answers: Array<Submitted | Error>;
    try {
      answers = await submitTasks(
        this.rt,
        batch.map((w) => w.specs),
        new Date(),
      );
    } catch (error) {
      // Thrown before the commit (submitTasks answers later errors per request): nothing is stored.
      if (batch.length === 1 || isTransientDbError(error)) {
        for (const w of batch) w.reject(error);
        return;
      }
      for (const w of batch) await this.store([w]);
      return;
    }
    batch.forEach((w, i) => {
      const answer = answers[i]!;
      if (answer instanceof Error) w.reject(answer);
      else w.resolve(answer);
    });
  }
}
