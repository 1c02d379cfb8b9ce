import { useEffect, useState } from 'preact/hooks';

/** The time, refreshed every `everyMs`, for "3 s ago" labels that age on screen. */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
