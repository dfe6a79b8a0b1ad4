// blessed-contrib ships no types; the dashboard uses a handful of widgets through these.
declare module 'blessed-contrib' {
  import type { Widgets } from 'blessed';
  type Options = Record<string, unknown>;
  interface Widget extends Widgets.BoxElement {
    setData(data: unknown): void;
    setPercent(percent: number): void;
    log(line: string): void;
  }
  export class grid {
    constructor(opts: { rows: number; cols: number; screen: Widgets.Screen });
    set(row: number, col: number, rowSpan: number, colSpan: number, widget: unknown, opts: Options): Widget;
  }
  export const gauge: unknown;
  export const line: unknown;
  export const table: unknown;
  export const markdown: unknown;
  export const log: unknown;
  const contrib: { grid: typeof grid; gauge: unknown; line: unknown; table: unknown; markdown: unknown; log: unknown };
  export default contrib;
}
