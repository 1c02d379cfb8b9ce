import { type Figure, formatNumber } from './figures.js';

/** Figures of one system, in the order they were measured; undefined for a scenario that failed. */
export type Results = Map<string, Map<string, Figure>>;

function ratio(value: number, base: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(base) || base === 0) return '';
  const r = value / base;
  return ` (${r >= 10 ? r.toFixed(0) : r.toPrecision(2)}×)`;
}

/**
 * One row per figure, one column per system; each other system's figure also as a ratio to the
 * first system's (Taskwire's, unless it was skipped). A '-' is a figure a system does not have
 * (no coordinator process), 'failed' a scenario that failed for it.
 */
export function renderTable(systems: readonly string[], results: Results, failed: Map<string, Set<string>>) {
  const labels: string[] = [];
  for (const system of systems) {
    for (const label of results.get(system)?.keys() ?? []) if (!labels.includes(label)) labels.push(label);
  }
  const base = systems[0]!;
  const scenarioOf = (label: string) => label.split(/[ :]/)[0]!;
  const rows = labels.map((label) => [
    label,
    ...systems.map((system) => {
      const figure = results.get(system)?.get(label);
      if (!figure) return failed.get(system)?.has(scenarioOf(label)) ? 'failed' : '-';
      const baseValue = results.get(base)?.get(label)?.value;
      const suffix = system === base || baseValue === undefined ? '' : ratio(figure.value, baseValue);
      return formatNumber(figure.value) + suffix;
    }),
  ]);
  const header = ['figure', ...systems];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [
    `ratios in parentheses: system / ${base} (for "lower is better" rows a ratio above 1 means slower or costlier than ${base})`,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
  ].join('\n');
}
