// The terminal's size as a hook: layouts budget their rows and columns from it.
import { useEffect, useState } from 'react';
import { useStdout } from 'ink';

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
