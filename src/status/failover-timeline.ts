// A failover as it happens, from successive status snapshots: "m1 master gone → VIP on m2 →
// m2 promoting → serving, 3 of 3 chunkservers". Pure: the poller folds each snapshot in.
import { vipHolders, vipMaster, type ClusterStatus, type FailoverStep, type FailoverTimeline, type HostStatus } from './model.ts';
// `t` is the timeline in this module: the catalogue's t() is tr() here.
import { t as tr } from '../i18n/index.ts';

export type { FailoverStep, FailoverTimeline } from './model.ts';

export interface FailoverWatch {
  /** The host whose master served through the VIP at the last snapshot that had one. */
  serving?: string;
  timeline?: FailoverTimeline;
}

/** A finished failover stays on screen this long. */
const SHOWN_AFTER_MS = 60_000;

type Snapshot = Pick<ClusterStatus, 'hosts' | 'mfs' | 'at'>;

export function nextFailoverWatch(w: FailoverWatch, s: Snapshot): FailoverWatch {
  const holders = vipHolders(s);
  const holder = holders.length === 1 ? holders[0] : undefined;
  const servingNow = holder && vipMaster(s) && !s.mfs.stale ? holder.name : undefined;
  let t = w.timeline;
  if (t?.done && s.at - t.steps.at(-1)!.at > SHOWN_AFTER_MS) t = undefined;
  // The master that served is gone: seen gone, not merely unseen for a moment.
  if ((!t || t.done) && w.serving && servingNow !== w.serving && servingEnded(s, holders, w.serving)) {
    t = { from: w.serving, steps: [{ kind: 'gone', host: w.serving, label: tr('failover.gone', { host: w.serving }), at: s.at }], done: false };
  }
  if (t && !t.done) {
    const steps = [...t.steps];
    const has = (kind: FailoverStep['kind'], host: string) => steps.some((x) => x.kind === kind && x.host === host);
    if (holder && holder.name !== t.from && !has('vip', holder.name)) steps.push({ kind: 'vip', host: holder.name, label: tr('failover.vipOn', { host: holder.name }), at: s.at });
    // The old master still holding the VIP for a moment, its killed mfsmaster not yet reaped,
    // is not promoting (captured on the practice cluster: "m1 master gone → m1 promoting"):
    // only its role file can say it promotes again.
    const promoting = holder && (holder.probe?.haRole?.role === 'PROMOTING' || (holder.name !== t.from && (holder.probe?.daemons.mfsmaster.length ?? 0) > 0 && !servingNow));
    if (holder && promoting && !has('promoting', holder.name)) steps.push({ kind: 'promoting', host: holder.name, label: tr('failover.promoting', { host: holder.name }), at: s.at });
    let done = false;
    if (servingNow) {
      const total = s.hosts.filter((h) => h.roles.includes('chunkserver')).length;
      const connected = s.mfs.viaVip?.chunkservers.length ?? 0;
      const label = tr('failover.serving', { connected, total });
      const i = steps.findIndex((x) => x.kind === 'serving');
      if (i < 0) steps.push({ kind: 'serving', label, at: s.at });
      else if (steps[i]!.label !== label) steps[i] = { kind: 'serving', label, at: s.at };
      done = connected >= total;
    }
    t = { ...t, steps, done };
  }
  return { serving: servingNow ?? w.serving, timeline: t };
}

/**
 * Evidence that the master on `name` no longer serves: another host holds the VIP, a fresh
 * probe of `name` shows the VIP gone from it, or a fresh mfscli run found no master at the
 * VIP. A probe that is late (a busy host, a loaded laptop) or an mfscli run that failed is
 * no evidence: a busy cluster is not a failover.
 */
function servingEnded(s: Snapshot, holders: HostStatus[], name: string): boolean {
  if (holders.some((h) => h.name !== name)) return true;
  const old = s.hosts.find((h) => h.name === name);
  if (old?.probe && old.reachable && !old.stale && !old.probe.holdsVip) return true;
  return !s.mfs.stale && s.mfs.viaVip !== undefined && !vipMaster(s);
}

/** `m1 master gone → VIP on m2 (+1.9 s) → m2 promoting (+2.1 s) → serving, 3 of 3 chunkservers (+6.0 s)` */
export function formatFailover(t: FailoverTimeline): string {
  const t0 = t.steps[0]!.at;
  return t.steps.map((x, i) => (i === 0 ? x.label : tr('failover.after', { label: x.label, seconds: ((x.at - t0) / 1000).toFixed(1) }))).join(' → ');
}
