// Hooks that bind a RunController (a plain store) to React, and the clock the screens tick on.
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { useStdout } from 'ink';
import type { RunController, RunState } from '../../src/engine/types.ts';

/** The run's current state; re-renders whenever the controller notifies. */
export function useRunState(ctrl: RunController): RunState {
  // Bound here: a controller may be a class whose methods need `this`.
  const subscribe = useCallback((listener: () => void) => ctrl.subscribe(listener), [ctrl]);
  const getSnapshot = useCallback(() => ctrl.getState(), [ctrl]);
  return useSyncExternalStore(subscribe, getSnapshot);
}

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

export { KeyLayerProvider, useKeyLayer, layer } from './keys.tsx';
export type { KeyHandler } from './keys.tsx';

/** The terminal's size, re-read on every resize (Ink redraws, but the layout budget must follow). */
export function useTerminalSize(): { rows: number; columns: number } {
  const { stdout } = useStdout();
  const read = () => ({ rows: stdout.rows || 24, columns: stdout.columns || 80 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return size;
}
