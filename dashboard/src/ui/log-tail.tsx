import { type LogEntry, LogLevel } from '@taskwire/proto/schema';
import { useEffect, useRef } from 'preact/hooks';
import { clock } from './format.js';

/** The live log; it follows the end unless the reader scrolled up. */
export function LogTail({ lines }: { lines: readonly LogEntry[] }) {
  const box = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  useEffect(() => {
    if (following.current && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines]);
  const onScroll = () => {
    const el = box.current;
    if (el) following.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
  };
  if (lines.length === 0) return <p class="muted">No log lines yet.</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the log scrolls, so keyboard users must reach it.
    <div class="log" ref={box} onScroll={onScroll} tabIndex={0} role="log" aria-label="Task log">
      {lines.map((line) => (
        <div
          key={`${line.attempt}:${line.seq}`}
          class={`log-line level-${LogLevel[line.level]?.toLowerCase()}`}
        >
          <span class="log-time">{clock(line.at)}</span>
          <span class="log-attempt" title="attempt">
            #{line.attempt}
          </span>
          <span class="log-text">
            {line.text}
            {line.truncated && <span class="muted"> (cut)</span>}
          </span>
        </div>
      ))}
    </div>
  );
}
