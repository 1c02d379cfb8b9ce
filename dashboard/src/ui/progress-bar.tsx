import type { Progress } from '@taskwire/proto/schema';
import { durationMs, shortDuration } from './format.js';

/** A task's progress: the bar, its percent, the step and message, and the time left. */
export function ProgressBar({
  progress,
  label,
  compact,
}: {
  progress?: Progress;
  label: string;
  compact?: boolean;
}) {
  const percent = Math.max(0, Math.min(100, Math.round(progress?.percent ?? 0)));
  const eta = durationMs(progress?.eta);
  const detail = [progress?.step, compact ? '' : progress?.message].filter(Boolean).join(' · ');
  return (
    <div class={compact ? 'progress compact' : 'progress'}>
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent} %${detail ? `, ${detail}` : ''}`}
      >
        <div class="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span class="progress-text">
        {percent} %{detail && <span class="muted"> {detail}</span>}
        {!compact && eta !== undefined && eta > 0 && (
          <span class="muted">
            {' '}
            · {shortDuration(eta)} left{progress?.etaDerived ? ' (estimated)' : ''}
          </span>
        )}
      </span>
    </div>
  );
}
