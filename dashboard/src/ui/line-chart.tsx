export interface ChartPoint {
  /** Milliseconds since the epoch. */
  t: number;
  v: number;
}

const WIDTH = 600;
const HEIGHT = 140;
const PAD = 4;

/**
 * A line over the last `windowMs`: plain SVG, no chart library for two small charts. A gap of
 * more than three sample periods (nobody watched) breaks the line rather than bridging it.
 */
export function LineChart({
  title,
  points,
  windowMs,
  now,
  unit,
  gapMs,
}: {
  title: string;
  points: readonly ChartPoint[];
  windowMs: number;
  now: number;
  unit: string;
  gapMs: number;
}) {
  const from = now - windowMs;
  const shown = points.filter((p) => p.t >= from);
  const max = Math.max(1, ...shown.map((p) => p.v));
  const x = (t: number) => PAD + ((t - from) / windowMs) * (WIDTH - 2 * PAD);
  const y = (v: number) => HEIGHT - PAD - (v / max) * (HEIGHT - 2 * PAD);
  const lines: string[] = [];
  let line = '';
  let previous: ChartPoint | undefined;
  for (const p of shown) {
    if (previous && p.t - previous.t > gapMs) {
      lines.push(line);
      line = '';
    }
    line += `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)} `;
    previous = p;
  }
  if (line) lines.push(line);
  const latest = shown.at(-1)?.v;
  const latestText = latest === undefined ? 'no data yet' : `${formatValue(latest)} ${unit}`;
  return (
    <figure class="chart">
      <figcaption>
        <span>{title}</span>
        <strong>{latestText}</strong>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title} over the last ${Math.round(windowMs / 60_000)} minutes; now ${latestText}, peak ${formatValue(max)}`}
      >
        <line class="chart-axis" x1={PAD} x2={WIDTH - PAD} y1={HEIGHT - PAD} y2={HEIGHT - PAD} />
        {lines.map((points) => (
          <polyline key={points} class="chart-line" points={points} />
        ))}
      </svg>
      <div class="chart-scale muted">
        <span>−{Math.round(windowMs / 60_000)} min</span>
        <span>peak {formatValue(max)}</span>
        <span>now</span>
      </div>
    </figure>
  );
}

function formatValue(v: number): string {
  return v >= 100 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1);
}
