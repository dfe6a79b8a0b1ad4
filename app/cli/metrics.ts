// `mfs-tui metrics [--textfile-dir DIR] [--interval S]`: Prometheus text for node_exporter's
// textfile collector, rewritten atomically (temp file in the same folder + rename) every
// interval; without a folder, printed once.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GlobalOptions } from './options.ts';
import { UserError } from './errors.ts';
import { t } from '../../src/i18n/index.ts';
import { intervalMs, openStatus, untilInterrupted } from './status.ts';

export interface MetricsOptions extends GlobalOptions {
  textfileDir?: string;
  interval?: string;
}

export const METRICS_FILE = 'mfs-tui.prom';

/** Writes text to dir/name through a temp file and a rename, so readers never see half a file. */
export function writeAtomically(dir: string, name: string, text: string): string {
  const target = join(dir, name);
  // node_exporter's textfile collector ignores files not ending in .prom, so the temp file is safe.
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    // 0644: node_exporter usually runs as another user and must read it; it holds no secrets.
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(t('cli.metrics.cannotWrite', { file: target, error: (e as Error).message }));
  }
  return target;
}

export async function metricsCommand(opts: MetricsOptions): Promise<void> {
  const interval = intervalMs(opts.interval, 10);
  const [{ statusToMetrics }, { EXTRA_SECTIONS }] = await Promise.all([import('../../src/status/prometheus.ts'), import('../../src/status/probe.ts')]);
  if (opts.textfileDir) {
    try {
      mkdirSync(opts.textfileDir, { recursive: true });
    } catch (e) {
      throw new UserError(t('cli.metrics.cannotCreate', { dir: opts.textfileDir, error: (e as Error).message }));
    }
  }
  // Probe at least every second so probe ages stay meaningful; write at the asked interval.
  // The exporter alone asks mfscli for storage classes, quotas and disks (-SHD asks every chunkserver).
  // A probe's series stay exported until its answer is older than two writes (a one-shot run
  // waits for mfscli after the host probes; the poller's own 2.5 s would drop them by then).
  const st = await openStatus(opts, Math.min(interval, 1000), undefined, { extraMfscliSections: EXTRA_SECTIONS, staleAfterMs: Math.max(5000, 2 * interval) });
  try {
    await st.poller.sweep();
    if (!opts.textfileDir) {
      process.stdout.write(statusToMetrics(st.poller.getState(), Date.now()));
      return;
    }
    const dir = opts.textfileDir;
    const write = () => writeAtomically(dir, METRICS_FILE, statusToMetrics(st.poller.getState(), Date.now()));
    const target = write();
    process.stderr.write(`${t('cli.metrics.writing', { file: target, seconds: interval / 1000 })}\n`);
    st.poller.start();
    const timer = setInterval(() => {
      try {
        write();
      } catch (e) {
        process.stderr.write(`mfs-tui: ${(e as Error).message}\n`);
      }
    }, interval);
    await untilInterrupted();
    clearInterval(timer);
  } finally {
    await st.close();
  }
}
