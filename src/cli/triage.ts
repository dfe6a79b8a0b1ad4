// `mfs-tui triage [--json]`: one status snapshot judged by src/triage: what is wrong, the
// evidence, and the runbook that fits with the command that opens it. Exit 0 healthy, 1 not,
// 3 when a host could not be reached or logged into.
import { safeJson } from '../util/visible.ts';
import type { GlobalOptions } from './main.ts';
import { EXIT, UserError } from './errors.ts';
import { openStatus } from './status.ts';
import { hostInaccessible, sshAnswered, type ClusterStatus } from '../status/model.ts';
import type { TriageRunbook } from '../triage/types.ts';

export interface TriageCommandOptions extends GlobalOptions {
  json?: boolean;
}

/**
 * The poller's interval sets its timeouts: 3 s gives each host 9 s to answer over SSH and
 * mfscli 9 s, so a loaded machine is not mistaken for a dead host.
 */
const SNAPSHOT_INTERVAL_MS = 3000;

/** One snapshot. mfscli runs on the VIP holder, known only after the first sweep: a second sweep when the first ran it elsewhere or it failed. */
export async function takeSnapshot(g: GlobalOptions): Promise<ClusterStatus> {
  const st = await openStatus(g, SNAPSHOT_INTERVAL_MS);
  try {
    await st.poller.sweep();
    let s = st.poller.getState();
    const via = s.hosts.find((h) => h.name === s.mfs.via);
    const holder = s.hosts.find((h) => h.roles.includes('master-candidate') && h.reachable && h.probe?.holdsVip);
    // A master candidate that answered SSH but not the probe (slowed while keepalived moves the
    // VIP) is asked again: triage reports an unknown state rather than guess at it.
    const slowCandidate = s.hosts.some((h) => h.roles.includes('master-candidate') && h.failure === 'probe');
    if (s.mfs.error || !via?.reachable || (holder && holder.name !== via.name) || slowCandidate) {
      // A promotion takes a few seconds: give it a moment before asking again.
      if (slowCandidate) await new Promise((r) => setTimeout(r, 1500));
      await st.poller.sweep();
      s = st.poller.getState();
    }
    // A host that answered SSH but not the probe was reached: triage says its state is unknown.
    const answered = s.hosts.filter(sshAnswered);
    if (s.hosts.length > 0 && answered.length === 0) {
      const why = s.hosts.map((h) => `${h.name} (${h.address}): ${h.error ?? 'no answer'}`).join('\n  ');
      throw new UserError(`no host of cluster ${s.cluster} could be reached:\n  ${why}`, EXIT.host);
    }
    return s;
  } finally {
    await st.close();
  }
}

export async function loadTriageLibrary(g: GlobalOptions): Promise<TriageRunbook[]> {
  // Only runbooks that may run are offered: a broken one would be refused by `run` anyway.
  const [{ runnableLibrary }, { builtinRunbookDir }] = await Promise.all([import('../runbook/runnable.ts'), import('../runbook/catalog.ts')]);
  return runnableLibrary(g.runbooks ?? builtinRunbookDir()).runbooks;
}

export async function triageCommand(opts: TriageCommandOptions): Promise<void> {
  const [{ triage, triageToJson, renderTriageText, commandPrefix }, library] = await Promise.all([import('../triage/index.ts'), loadTriageLibrary(opts)]);
  const status = await takeSnapshot(opts);
  const report = triage(status, library);
  const command = commandPrefix(opts);
  if (opts.json) process.stdout.write(safeJson(triageToJson(report, { command }), 2) + '\n');
  else process.stdout.write(renderTriageText(report, { color: !!process.stdout.isTTY && !process.env.NO_COLOR, command }));
  // 3 before 1: a host that cannot be reached or logged into leaves the report incomplete.
  process.exitCode = status.hosts.some(hostInaccessible) ? EXIT.host : report.healthy ? EXIT.ok : EXIT.failed;
}
