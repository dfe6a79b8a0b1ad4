// The engine's view of the status layer: a PreconditionGate that checks a step's
// `requires=` against a snapshot no older than ~2 s, and the journal hook that pauses the
// poller's heavy probe parts on a host while a step runs there.
import type { JournalRecord } from '../journal/types.ts';
import type { PreconditionCheck, PreconditionGate } from '../engine/types.ts';
import type { ClusterStatus } from './model.ts';
import { checkPreconditions } from './preconditions.ts';

/** What the gate needs from a StatusPoller. */
export interface FreshStatus {
  freshState(maxAgeMs?: number): Promise<ClusterStatus>;
}

export interface GateOptions {
  /** A snapshot older than this is refreshed first (default 2000 ms). */
  maxAgeMs?: number;
}

/** A gate over a poller (or a function that makes one when first needed). */
export function statusGate(source: FreshStatus | (() => FreshStatus | Promise<FreshStatus>), opts: GateOptions = {}): PreconditionGate {
  let resolved: Promise<FreshStatus> | undefined;
  const get = (): Promise<FreshStatus> => {
    const p = (resolved ??= Promise.resolve().then(() => (typeof source === 'function' ? source() : source)));
    // A source that could not be made (no session yet) is asked again next time.
    p.catch(() => {
      if (resolved === p) resolved = undefined;
    });
    return p;
  };
  return {
    async check(names: readonly string[]): Promise<PreconditionCheck[]> {
      const maxAgeMs = opts.maxAgeMs ?? 2000;
      const poller = await get();
      const asked = performance.now();
      const status = await poller.freshState(maxAgeMs);
      const waitedMs = performance.now() - asked;
      return checkPreconditions(answeredInTime(status, maxAgeMs + waitedMs), names).map((r) => ({ name: r.name, met: r.met, detail: r.detail }));
    },
  };
}

/**
 * The snapshot as the check must judge it: the poller marks a host stale by its own limit
 * (2.5 ticks) when the snapshot is built, which is after the slowest probe of the sweep the
 * check waited for. mfscli at a VIP nobody holds takes seconds (the very moment a VIP is
 * moved), so a candidate that answered that sweep would count as unknown. A host (and the
 * mfscli answer) whose last answer came within `windowMs` (the freshness asked for plus the
 * time the check waited) is fresh for the check. One that failed its last probe, or never
 * answered, stays unknown.
 */
export function answeredInTime(status: ClusterStatus, windowMs: number): ClusterStatus {
  const inTime = (age: number | undefined) => age !== undefined && age <= windowMs;
  return {
    ...status,
    hosts: status.hosts.map((h) => (h.stale && h.reachable && h.probe && inTime(h.ageMs) ? { ...h, stale: false } : h)),
    mfs: status.mfs.stale && status.mfs.viaVip && inTime(status.mfs.ageMs) ? { ...status.mfs, stale: false } : status.mfs,
  };
}

/** What pausing needs from a StatusPoller. */
export interface Pausable {
  pause(host: string): void;
  resume(host: string): void;
}

/**
 * An onRecord hook for the engine: a host's heavy probe parts pause when a step (or its
 * check) starts there and resume when it ends, however it ends. Hosts may overlap
 * (parallel steps, two runs): each is counted.
 */
export function pauseWhileStepsRun(poller: Pausable): (rec: JournalRecord) => void {
  const running = new Map<string, number>();
  const active = new Map<string, string>();
  const end = (key: string) => {
    const host = active.get(key);
    if (host === undefined) return;
    active.delete(key);
    const n = (running.get(host) ?? 1) - 1;
    if (n <= 0) {
      running.delete(host);
      poller.resume(host);
    } else running.set(host, n);
  };
  return (rec) => {
    switch (rec.type) {
      case 'step-started': {
        const key = `${rec.stepId}\u0000${rec.host}`;
        end(key);
        active.set(key, rec.host);
        running.set(rec.host, (running.get(rec.host) ?? 0) + 1);
        poller.pause(rec.host);
        break;
      }
      case 'step-finished':
      case 'step-cancelled':
        end(`${rec.stepId}\u0000${rec.host}`);
        break;
      case 'run-finished':
        for (const key of [...active.keys()]) end(key);
        break;
    }
  };
}
