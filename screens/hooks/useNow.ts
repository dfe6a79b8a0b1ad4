// The clock the screens tick on (elapsed times, spinners).
import { useEffect, useState } from 'react';

/** Date.now(), refreshed every intervalMs while enabled (elapsed times, spinners). */
export function useNow(intervalMs: number, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs, enabled]);
  return now;
}
