// `mfs-tui dashboard [--interval S]`: a full-screen wall view with blessed-contrib (space gauge,
// chunk-class and space charts over time, host and chunkserver tables, VIP and alerts).
// blessed is imported only here, on demand, so the rest of mfs-tui never loads it. The
// terminal is restored on q/Esc/Ctrl-C, SIGTERM/SIGHUP and on a crash.
import type { GlobalOptions } from '../cli/options.ts';
import { intervalMs, openStatus } from '../cli/status.ts';
import { currentLanguage, t } from '../../src/i18n/index.ts';

export interface DashboardOptions extends GlobalOptions {
  interval?: string;
}

export async function dashboardCommand(opts: DashboardOptions): Promise<void> {
  const interval = intervalMs(opts.interval, 1);
  const st = await openStatus(opts, interval);
  const [{ default: blessed }, { default: contrib }, { dashboardData }] = await Promise.all([import('blessed'), import('blessed-contrib'), import('../../src/status/dashboard-data.ts')]);

  // Chinese labels need UTF-8 output even where the locale does not say so (LANG unset or C
  // under --lang zh): blessed would otherwise draw each character as '?'.
  const screen = blessed.screen({ smartCSR: true, title: t('dashboard.windowTitle'), fullUnicode: true, ...(currentLanguage() === 'zh' ? { forceUnicode: true } : {}) });
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    // destroy() leaves the alternate screen, shows the cursor and resets the tty modes.
    screen.destroy();
  };
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const crash = (err: unknown) => {
    restore();
    process.stderr.write(`${t('dashboard.crashed', { error: (err as Error)?.stack ?? String(err) })}\n`);
    process.exitCode = 70;
    finish();
  };
  const onSignal = () => finish();
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  screen.key(['q', 'escape', 'C-c'], () => finish());

  try {
    const grid = new contrib.grid({ rows: 12, cols: 12, screen });
    const gauge = grid.set(0, 0, 3, 3, contrib.gauge, { label: t('dashboard.label.spaceUsed'), stroke: 'green', fill: 'white' });
    const vipBox = grid.set(0, 3, 3, 4, blessed.box, { label: t('dashboard.label.vip'), tags: false });
    const alertBox = grid.set(0, 7, 3, 5, blessed.box, { label: t('dashboard.label.alerts'), tags: false, style: { fg: 'red' } });
    const chunks = grid.set(3, 0, 4, 6, contrib.line, { label: t('dashboard.label.chunksAtRisk'), showLegend: true, legend: { width: 12 }, minY: 0 });
    const space = grid.set(3, 6, 4, 6, contrib.line, { label: t('dashboard.label.spaceGiB'), showLegend: false, minY: 0 });
    const hosts = grid.set(7, 0, 5, 7, contrib.table, { label: t('dashboard.label.hosts'), columnSpacing: 2, columnWidth: [8, 12, 7, 7, 6, 6, 6, 7, 4, 7], keys: false, interactive: false });
    const servers = grid.set(7, 7, 5, 5, contrib.table, { label: t('dashboard.label.chunkservers'), columnSpacing: 2, columnWidth: [21, 13, 7, 10, 5], keys: false, interactive: false });

    const draw = () => {
      // Rows inside each box (border and table header left out): a longer list says how much it shows.
      const inside = (box: { height: unknown }, chrome: number) => Math.max(1, (typeof box.height === 'number' ? box.height : 0) - chrome);
      const d = dashboardData(st.poller.getState(), st.poller.getHistory(), { hostRows: inside(hosts, 4), alertRows: inside(alertBox, 2) });
      gauge.setPercent(d.usedPercent);
      gauge.setLabel(t('dashboard.label.spaceUsedOf', { space: d.spaceLabel }));
      vipBox.setContent(d.vipLines.join('\n'));
      alertBox.setContent(d.alertLines.join('\n'));
      // english: the status model's own line (src/status/dashboard-data.ts), compared, not shown
      alertBox.style.fg = d.noAlerts ? 'green' : 'red';
      if (d.chunkSeries[0]!.x.length > 0) {
        chunks.setData(d.chunkSeries);
        space.setData(d.spaceSeries);
      }
      // The name column as wide as the longest name (contrib.table cuts a cell at its column width).
      (hosts as unknown as { options: { columnWidth: number[] } }).options.columnWidth[0] = Math.min(24, Math.max(8, ...d.hosts.data.map((r) => (r[0] ?? '').length + 1)));
      // Headers and labels in the operator's language; the cells are the status model's words.
      const [, , , ...daemons] = d.hosts.headers;
      hosts.setData({ headers: [t('dashboard.column.host'), t('dashboard.column.state'), t('dashboard.column.rtt'), ...daemons], data: d.hosts.data });
      const total = st.poller.getState().hosts.length;
      hosts.setLabel(d.hosts.data.length < total ? t('dashboard.label.hostsShown', { shown: d.hosts.data.length, total }) : t('dashboard.label.hosts'));
      servers.setData({
        headers: [t('dashboard.column.chunkserver'), t('dashboard.column.state'), t('dashboard.column.chunks'), t('dashboard.column.used'), t('dashboard.column.load')],
        data: d.chunkservers.data,
      });
      screen.title = `mfs-tui: ${d.title}`;
      screen.render();
    };
    // Redraw at most once per tick, however many hosts answered in it.
    let pending = false;
    const unsubscribe = st.poller.subscribe(() => {
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        if (!restored) draw();
      }, 50);
    });
    screen.on('resize', draw);
    draw();
    st.poller.start();
    await finished;
    unsubscribe();
  } finally {
    restore();
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
    await st.close();
  }
}
