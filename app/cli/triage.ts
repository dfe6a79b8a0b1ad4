// `mfs-tui triage [--json]`: one status snapshot judged by src/triage: what is wrong, the
// evidence, and the runbook that fits with the command that opens it. Exit 0 healthy, 1 not,
// 3 when a host could not be reached or logged into.
import { setLanguage, t } from '../../src/i18n/index.ts';
import { safeJson, visibleLine } from '../../src/util/visible.ts';
import type { GlobalOptions } from './options.ts';
import { EXIT, UserError } from './errors.ts';
import { openStatus } from './status.ts';
import { hostInaccessible, sshAnswered, type ClusterStatus } from '../../src/status/model.ts';
import type { TriageReport, TriageRunbook } from '../../src/triage/types.ts';

export interface TriageCommandOptions extends GlobalOptions {
  json?: boolean;
  /** Judge one snapshot and stop, also while a failover is under way (default: look again until it has settled). */
  once?: boolean;
}

/**
 * The poller's interval sets its timeouts: 3 s gives each host 9 s to answer over SSH and
 * mfscli 9 s, so a loaded machine is not mistaken for a dead host.
 */
const SNAPSHOT_INTERVAL_MS = 3000;

/** Snapshots of one open poller: the first, and more while triage looks again (the poller remembers since when no master answered). */
export interface Snapshots {
  take(): Promise<ClusterStatus>;
  close(): Promise<void>;
}

export async function openSnapshots(g: GlobalOptions): Promise<Snapshots> {
  const st = await openStatus(g, SNAPSHOT_INTERVAL_MS);
  return {
    take: async () => {
      await st.poller.sweep();
      let s = st.poller.getState();
      const via = s.hosts.find((h) => h.name === s.mfs.via);
      const holder = s.hosts.find((h) => h.roles.includes('master-candidate') && h.reachable && h.probe?.holdsVip);
      // A master candidate that answered SSH but not the probe (slowed while keepalived moves the
      // VIP) is asked again: triage reports an unknown state rather than guess at it.
      const slowCandidate = s.hosts.some((h) => h.roles.includes('master-candidate') && h.failure === 'probe');
      if (s.mfs.error || !via?.reachable || (holder && holder.name !== via.name) || slowCandidate) {
        // A promotion takes a few seconds: give it a moment before asking again.
        if (slowCandidate) await sleep(1500);
        await st.poller.sweep();
        s = st.poller.getState();
      }
      // A host that answered SSH (even one that refused our login) was reached: triage says what is wrong with it.
      const answered = s.hosts.filter(sshAnswered);
      if (s.hosts.length > 0 && answered.length === 0) {
        const why = s.hosts.map((h) => `${h.name} (${h.address}): ${h.error ?? t('triage.text.noAnswer')}`).join('\n  ');
        throw new UserError(`${t('triage.text.noHostReached', { cluster: s.cluster })}\n  ${why}`, EXIT.host);
      }
      return s;
    },
    close: () => st.close(),
  };
}

/** One snapshot. mfscli runs on the VIP holder, known only after the first sweep: a second sweep when the first ran it elsewhere or it failed. */
export async function takeSnapshot(g: GlobalOptions): Promise<ClusterStatus> {
  const snaps = await openSnapshots(g);
  try {
    return await snaps.take();
  } finally {
    await snaps.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Looking again while a failover is under way ends after this long at most (a stuck promotion is then reported as it is). */
const LOOK_AGAIN_CAP_MS = 90_000;

/**
 * Judges snapshots until no failover is under way (or `once`): a failover keepalived is making
 * is waited for, looked at every 1-3 s, and a runbook is recommended only once its window has
 * passed without a new master. `onWait` hears each look that saw it under way.
 */
export async function judgeUntilSettled(
  snaps: Snapshots,
  judge: (s: ClusterStatus) => TriageReport,
  opts: { once?: boolean; onWait?: (title: string, nextInMs: number) => void } = {},
): Promise<{ status: ClusterStatus; report: TriageReport; waited: { at: string; saw: string }[] }> {
  const started = Date.now();
  const waited: { at: string; saw: string }[] = [];
  let status = await snaps.take();
  let report = judge(status);
  for (;;) {
    const f = report.findings.find((x) => x.code === 'failover-under-way');
    if (opts.once || !f?.failover || Date.now() - started > LOOK_AGAIN_CAP_MS) break;
    const next = Math.min(3000, Math.max(1000, f.failover.deadlineAt - Date.now()));
    waited.push({ at: new Date(status.at).toISOString(), saw: f.title });
    opts.onWait?.(f.title, next);
    await sleep(next);
    status = await snaps.take();
    report = judge(status);
  }
  return { status, report, waited };
}

export async function loadTriageLibrary(g: GlobalOptions): Promise<TriageRunbook[]> {
  // Only runbooks that may run are offered: a broken one would be refused by `run` anyway.
  const [{ runnableLibrary }, { libraryFolders }] = await Promise.all([import('../../src/runbook/runnable.ts'), import('./library-folders.ts')]);
  return runnableLibrary(await libraryFolders(g)).runbooks;
}

export async function triageCommand(opts: TriageCommandOptions): Promise<void> {
  // --json is for scripts: its prose (titles, reasons) is English whatever the operator's language; codes and commands are the same in both.
  if (opts.json) setLanguage('en');
  const [{ triage, triageToJson, renderTriageText, commandPrefix }, library] = await Promise.all([import('../../src/triage/index.ts'), loadTriageLibrary(opts)]);
  const snaps = await openSnapshots(opts);
  let judged;
  try {
    judged = await judgeUntilSettled(snaps, (s) => triage(s, library), {
      once: opts.once,
      onWait: (title, ms) => process.stderr.write(`mfs-tui: ${t('triage.text.lookingAgain', { title: visibleLine(title), seconds: (ms / 1000).toFixed(1) })}\n`),
    });
  } finally {
    await snaps.close();
  }
  const { status, report, waited } = judged;
  const command = commandPrefix(opts);
  if (opts.json) process.stdout.write(safeJson(triageToJson(report, { command, waited }), 2) + '\n');
  else process.stdout.write(renderTriageText(report, { color: !!process.stdout.isTTY && !process.env.NO_COLOR, command }));
  // 3 before 1: a host that cannot be reached or logged into leaves the report incomplete.
  process.exitCode = status.hosts.some(hostInaccessible) ? EXIT.host : report.healthy ? EXIT.ok : EXIT.failed;
}
