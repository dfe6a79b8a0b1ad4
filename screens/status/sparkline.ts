// A one-line chart of recent values (▁▂▃▄▅▆▇█); missing samples print as a space.
const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly (number | undefined)[], width: number): string {
  const tail = values.slice(-width);
  const known = tail.filter((v): v is number => v !== undefined);
  if (known.length === 0) return '';
  const min = Math.min(...known);
  const max = Math.max(...known);
  return tail
    .map((v) => {
      if (v === undefined) return ' ';
      if (max === min) return v === 0 ? BARS[0] : BARS[3];
      return BARS[Math.round(((v - min) / (max - min)) * (BARS.length - 1))];
    })
    .join('');
}
