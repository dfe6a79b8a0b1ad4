// Formatting shared by the screens.

/** `2026-11-25 18:04` in the local time zone; the input as-is when it is not a date. */
export function formatTimestamp(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}`;
}

/** Text from a host or a file, with anything the terminal would interpret shown escaped (src/util/visible.ts). */
export { visible, visibleLine } from '../src/util/visible.ts';
