// Loads something once per `load` (a cluster session, a status store) for a screen that
// shows "connecting…" until it arrives, or the error it ended with. A late answer after
// the screen has gone is dropped.
import { useEffect, useState } from 'react';
import { errorMessage } from '../../src/util/error-message.ts';

export function useLoaded<T>(load: () => Promise<T>): { value?: T; error?: string } {
  const [value, setValue] = useState<T | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let live = true;
    load().then(
      (v) => live && setValue(() => v),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [load]);
  return { value, error };
}
