import type { Page } from 'playwright-core';
import type { TaskContext } from '../../sdk/handler.js';
import type { BrowserScriptContext, ScreenshotOptions } from './browser-script.js';
import type { BrowserSession } from './chromium-launcher.js';

/** Screenshots of one attempt: numbered names, stored as artifacts of the attempt. */
export class AttemptScreenshots {
  #taken = 0;

  constructor(private readonly ctx: TaskContext<unknown>) {}

  /** Takes a PNG of `page` and stores it as `name`.png (default screenshot-N.png); returns the name. */
  async take(page: Page, name?: string, options: { fullPage?: boolean; timeoutMs?: number } = {}) {
    this.#taken++;
    const file = artifactName(name, this.#taken);
    const png = await page.screenshot({
      type: 'png',
      fullPage: options.fullPage,
      timeout: options.timeoutMs,
    });
    await this.ctx.artifact(file, png, 'image/png');
    return file;
  }
}

/** The object a script's default export receives. */
export function createScriptContext<P>(
  ctx: TaskContext<unknown>,
  session: BrowserSession,
  payload: P,
  screenshots: AttemptScreenshots,
): BrowserScriptContext<P> {
  let percent = 0;
  return {
    page: session.page,
    context: session.context,
    payload,
    log: ctx.log,
    signal: ctx.signal,
    task: ctx.task,
    step(name: string, at?: number) {
      // A step without a percentage keeps the last one, so the bar never jumps back to 0.
      if (at !== undefined && Number.isFinite(at)) percent = Math.min(100, Math.max(0, at));
      ctx.progress(percent, name);
      // Progress keeps only the latest step; the log keeps them all, in order.
      ctx.log(`step: ${name} (${percent}%)`);
    },
    screenshot(name?: string, options: ScreenshotOptions = {}) {
      return screenshots.take(options.page ?? session.page, name, { fullPage: options.fullPage });
    },
  };
}

function artifactName(name: string | undefined, index: number): string {
  const base = name?.trim() || `screenshot-${index}`;
  // Artifact names are file names: no directories.
  const safe = base.replace(/[/\\]/g, '_');
  return safe.toLowerCase().endsWith('.png') ? safe : `${safe}.png`;
}
