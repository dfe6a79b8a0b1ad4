// The hook that binds a RunController (a plain store) to React.
import { useCallback, useSyncExternalStore } from 'react';
import type { RunController, RunState } from '../../src/engine/types.ts';

/** The run's current state; re-renders whenever the controller notifies. */
export function useRunState(ctrl: RunController): RunState {
  // Bound here: a controller may be a class whose methods need `this`.
  const subscribe = useCallback((listener: () => void) => ctrl.subscribe(listener), [ctrl]);
  const getSnapshot = useCallback(() => ctrl.getState(), [ctrl]);
  return useSyncExternalStore(subscribe, getSnapshot);
}
