// `mfs-tui status [--json] [--watch] [--interval S]`: the status layer for scripts and plain
// terminals. One sweep and exit (exit 1 when a critical alert is up), or a redraw per tick.
import { setLanguage, t } from '../../src/i18n/index.ts';
import { safeJson } from '../../src/util/visible.ts';
import type { GlobalOptions } from './options.ts';
import { EXIT, UserError } from './errors.ts';
import { loadInventoryFor } from './context.ts';
import { nonInteractivePrompts } from '../../src/cluster/non-interactive-prompts.ts';
import type { ClusterSession } from '../../src/cluster/session.ts';
import type { StatusPoller, StatusPollerOptions } from '../../src/status/poller.ts';
import { hostInaccessible, type ClusterStatus } from '../../src/status/model.ts';

export interface StatusOptions extends GlobalOptions {
  json?: boolean;
  watch?: boolean;
  interval?: string;
}

/** `--interval S` in milliseconds (0.2 s to 1 h). */
export function intervalMs(text: string | undefined, defaultS: number): number {
  if (text === undefined) return defaultS * 1000;
  const s = Number(text);
  if (!Number.isFinite(s) || s < 0.2 || s > 3600) throw new UserError(t('cli.status.badInterval', { value: text }));
  return Math.round(s * 1000);
}

/**
 * 3 when a host could not be reached or logged into (the snapshot is incomplete: say so before
 * anything else), 1 on a critical alert, else 0. A host that was logged into but whose probe
 * did not answer is not 3: it was reached; its alert says what is unknown.
 */
export function statusExitCode(s: ClusterStatus): number {
  if (s.hosts.some(hostInaccessible)) return EXIT.host;
  return s.alerts.some((a) => a.severity === 'critical') ? EXIT.failed : EXIT.ok;
}

export interface OpenStatus {
  session: ClusterSession;
  poller: StatusPoller;
  close(): Promise<void>;
}

/** Opens the inventory's session (the same SSH pool a run uses) and a poller on it. */
export async function openStatus(g: GlobalOptions, interval: number, prompts = nonInteractivePrompts(), pollerOptions: Omit<StatusPollerOptions, 'intervalMs'> = {}): Promise<OpenStatus> {
  const inventory = await loadInventoryFor(g, { remember: false });
  const [{ openClusterSession }, { StatusPoller }] = await Promise.all([import('../../src/cluster/session.ts'), import('../../src/status/poller.ts')]);
  const session = await openClusterSession(inventory, prompts);
  const poller = new StatusPoller(session, { ...pollerOptions, intervalMs: interval });
  return {
    session,
    poller,
    close: async () => {
      poller.stop();
      await session.close();
    },
  };
}

/** Resolves on the first SIGINT/SIGTERM (and removes its handlers). */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export async function statusCommand(opts: StatusOptions): Promise<void> {
  const interval = intervalMs(opts.interval, 1);
  // --json is for scripts: alert messages and host states in English whatever the operator's language (like triage --json).
  if (opts.json) setLanguage('en');
  const { renderStatusText, statusToJson } = await import('../../src/status/text.ts');
  const st = await openStatus(opts, interval);
  const print = () => {
    const s = st.poller.getState();
    if (opts.json) process.stdout.write(safeJson(statusToJson(s)) + '\n');
    else {
      // A TTY gets a redraw in place; a pipe gets one frame after another.
      if (opts.watch && process.stdout.isTTY) process.stdout.write('\x1b[H\x1b[2J');
      process.stdout.write(renderStatusText(s) + (opts.watch && !process.stdout.isTTY ? '\n' : ''));
    }
  };
  try {
    if (!opts.watch) {
      await st.poller.sweep();
      print();
      process.exitCode = statusExitCode(st.poller.getState());
      return;
    }
    st.poller.start();
    await st.poller.sweep();
    print();
    const timer = setInterval(print, interval);
    await untilInterrupted();
    clearInterval(timer);
  } finally {
    await st.close();
  }
}
