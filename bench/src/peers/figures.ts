import { percentile } from '../stats.js';

/** One measured number: a row of the final table (its label names the unit and which way is better). */
export interface Figure {
  label: string;
  value: number;
  /** Whether a bigger value is better; undefined for figures that are neither (e.g. a queue depth). */
  better?: 'higher' | 'lower';
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentiles(values: readonly number[]) {
  const sorted = Float64Array.from(values).sort();
  return {
    p50: percentile(sorted as unknown as number[], 50),
    p99: percentile(sorted as unknown as number[], 99),
  };
}

/** 18396 -> "18,396"; small numbers keep a decimal or two. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Rejects after `ms` with a message naming `what` (a phase must end by itself). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
