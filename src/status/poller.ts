// The status poller: a store (getState/subscribe) that probes every host each tick over the
// session's pooled SSH connections. Hosts are probed in parallel (bounded); a host whose
// probe is still running is skipped, never waited for, so a slow or unreachable host only
// grows stale while the others keep updating. Screens read it with useSyncExternalStore.
import { t } from '../i18n/index.ts';
import { setMaxListeners } from 'node:events';
import { HostError, type Executor } from '../exec/types.ts';
import { errorMessage } from '../util/error-message.ts';
import type { Inventory } from '../inventory/types.ts';
import { deriveAlerts, type AlertOptions } from './alerts.ts';
import { nextFailoverWatch, type FailoverWatch } from './failover-timeline.ts';
import { historyPointOf, mayHoldVip, type CandidateMaster, type ClusterStatus, type HistoryPoint, type HostFailure, type HostStatus, type LoginProblem, type MfsStatus } from './model.ts';
import { ResidentMfscli, ResidentUnavailable } from './mfscli-resident.ts';
import { HostProbeFailed, type ExtraSection, probeCluster, probeClusterResident, probeHost, type ClusterProbe, type ClusterProbeOptions, type HostProbeResult } from './probe.ts';
import { isOverdue, isStale, staleLimitMs } from './staleness.ts';

/** What the poller needs from a ClusterSession: the same pooled executors the runner uses. */
export interface StatusSource {
  readonly inventory: Inventory;
  executorFor(host: string): Executor;
}

export interface StatusPollerOptions {
  /** Default 1000 ms. */
  intervalMs?: number;
  /** Hosts probed at once (default 16). */
  concurrency?: number;
  /**
   * One host probe's command, from its start on the host (default 3 × interval, at least 3 s).
   * Connecting is bounded by the SSH pool's connect timeout, so a host that does not answer
   * is told apart from one that answered and was slow.
   */
  hostTimeoutMs?: number;
  /** The longest a probe may wait for its SSH connection before it is abandoned (default 15 s: the pool's 10 s and slack). */
  connectAllowanceMs?: number;
  /** The mfscli probe (two Python start-ups, ~0.5-2 s on a busy host; default max(6 s, 3 × interval)). */
  mfsTimeoutMs?: number;
  /**
   * A host silent for this long is stale (default 2.5 × interval): asked and not answering, or
   * failing since its last answer. The limit grows to 3 × the median time answers take now
   * (staleness.ts), so a fleet on a loaded machine is not called silent for being slow.
   */
  staleAfterMs?: number;
  /** Points kept for sparklines (default 120). */
  historySize?: number;
  /** Run the MooseFS version part every N ticks (default 60; always on the first). */
  versionEveryTicks?: number;
  alerts?: AlertOptions;
  /** false: one mfscli process per sweep instead of a resident interpreter (default on). */
  residentMfscli?: boolean;
  /** mfscli sections beyond the status screen's (storage classes, quotas, disks: `mfs-tui metrics`). */
  extraMfscliSections?: readonly ExtraSection[];
  /** Turn probe parts off for good, e.g. keepalived: false where signalling it is unwanted. */
  parts?: { keepalived?: boolean; version?: boolean };
  now?: () => number;
}

type Listener = () => void;

/** The shortest time between two snapshots while probes keep finishing, per host (see publish), and its most. */
const PUBLISH_GAP_PER_HOST_MS = 1;
const PUBLISH_GAP_MAX_MS = 100;

export class StatusPoller {
  private readonly intervalMs: number;
  private readonly concurrency: number;
  private readonly hostTimeoutMs: number;
  private readonly connectAllowanceMs: number;
  private readonly mfsTimeoutMs: number;
  private readonly staleAfterMs: number;
  private readonly historySize: number;
  private readonly versionEvery: number;
  private readonly now: () => number;
  private readonly listeners = new Set<Listener>();
  private readonly hosts = new Map<string, Omit<HostStatus, 'stale' | 'ageMs' | 'paused'>>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly paused = new Set<string>();
  private readonly ticksDone = new Map<string, number>();
  private mfs: Omit<MfsStatus, 'stale' | 'ageMs'> = { candidates: [] };
  private mfsInFlight: Promise<void> | undefined;
  /** Ticks that found a probe still running: it starts again the moment it ends. */
  private readonly owed = new Set<string>();
  /**
   * Time each host's latest probe waited in our own queue (bounded parallelism), and since when
   * the ones waiting now wait: at a hundred hosts a healthy host waits its turn longer than
   * the stale limit, and that wait is ours, not the host's, so it does not count towards stale.
   */
  private readonly queuedSince = new Map<string, number>();
  private readonly waitedMs = new Map<string, number>();
  /** Since when each host's probe in flight has run, and how long each host's latest answer took. */
  private readonly runningSince = new Map<string, number>();
  private readonly answerMs = new Map<string, number>();
  private mfsRunningSince: number | undefined;
  private mfsFailed = false;
  /** How long the latest mfscli answers took (a few, for the median). */
  private mfsAnswerMs: number[] = [];
  private mfsOwed = false;
  /** Resident mfscli interpreters by host (mfscli-resident.ts), and hosts that cannot run one. */
  private readonly residents = new Map<string, ResidentMfscli>();
  private readonly noResident = new Set<string>();
  private history: HistoryPoint[] = [];
  private watch: FailoverWatch = {};
  private state: ClusterStatus;
  private timer: NodeJS.Timeout | undefined;
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private readonly stopping = new AbortController();
  private notifyScheduled = false;
  /** When the last snapshot was built (performance.now()), for the gap between snapshots. */
  private lastFlushAt = -Infinity;

  constructor(
    private readonly source: StatusSource,
    private readonly opts: StatusPollerOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1000;
    this.concurrency = Math.max(1, opts.concurrency ?? 16);
    this.hostTimeoutMs = opts.hostTimeoutMs ?? Math.max(3000, 3 * this.intervalMs);
    this.connectAllowanceMs = opts.connectAllowanceMs ?? 15_000;
    this.mfsTimeoutMs = opts.mfsTimeoutMs ?? Math.max(6000, 3 * this.intervalMs);
    this.staleAfterMs = opts.staleAfterMs ?? 2.5 * this.intervalMs;
    this.historySize = opts.historySize ?? 120;
    this.versionEvery = opts.versionEveryTicks ?? 60;
    this.now = opts.now ?? Date.now;
    // One listener per probe in flight (24 hosts and more): not a leak.
    setMaxListeners(0, this.stopping.signal);
    for (const h of source.inventory.hosts) {
      this.hosts.set(h.name, { name: h.name, address: h.address, roles: h.roles, reachable: false });
    }
    this.state = this.build();
  }

  getState = (): ClusterStatus => this.state;

  getHistory = (): readonly HistoryPoint[] => this.history;

  private disksWanted = false;
  /**
   * Ask for every chunkserver's disks (mfscli -SHD) from the next sweep on, while a screen
   * shows them: -SHD connects to each chunkserver, too costly for every sweep otherwise.
   */
  showDisks = (on: boolean): void => {
    this.disksWanted = on;
  };

  private extraSections(): readonly ExtraSection[] | undefined {
    const extra = this.opts.extraMfscliSections ?? [];
    return this.disksWanted && !extra.includes('-SHD') ? [...extra, '-SHD'] : this.opts.extraMfscliSections;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Starts ticking (the first sweep at once). */
  start(): void {
    if (this.timer) return;
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.intervalMs);
  }

  /** Stops ticking and abandons probes in flight (their executors are cancelled). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    for (const r of this.residents.values()) void r.stop();
    this.residents.clear();
  }

  /** A step runs on this host: probe only the light parts there, run mfscli elsewhere. */
  pause(host: string): void {
    this.paused.add(host);
    this.publish();
  }

  resume(host: string): void {
    this.paused.delete(host);
    this.publish();
  }

  /**
   * A snapshot no older than maxAgeMs for what preconditions read (the master candidates and
   * mfscli): when one of their last answers is older (or never came), sweeps once more and
   * waits for the candidates' probes and mfscli, not for other hosts. Candidates that still
   * do not answer stay stale in it (unknown, never taken as fine). Other hosts being down
   * does not force a sweep each time.
   */
  async freshState(maxAgeMs = 2000): Promise<ClusterStatus> {
    this.flush();
    if (this.isFresh(this.state, maxAgeMs) || this.stopping.signal.aborted) return this.state;
    this.startSweep();
    // Only what preconditions read (the hosts that may hold the VIP, and mfscli): a chunkserver
    // still connecting must not hold a step up.
    const mayHold = [...this.inFlight]
      .filter(([name]) => {
        const h = this.hosts.get(name);
        return h !== undefined && mayHoldVip(h);
      })
      .map(([, p]) => p);
    await Promise.allSettled([...mayHold, ...(this.mfsInFlight ? [this.mfsInFlight] : [])]);
    this.flush();
    return this.state;
  }

  private isFresh(s: ClusterStatus, maxAgeMs: number): boolean {
    // Strictly younger: freshState(0) asks again even when the last answer came this very millisecond.
    const fresh = (age: number | undefined) => age !== undefined && age < maxAgeMs;
    return s.hosts.every((h) => !mayHoldVip(h) || fresh(h.ageMs)) && fresh(s.mfs.ageMs);
  }

  /**
   * One sweep: starts a probe for every host not already being probed, and the cluster
   * probe. Resolves when the probes started by this sweep have settled (callers that tick
   * on a timer do not wait for it).
   */
  async sweep(): Promise<void> {
    await Promise.all(this.startSweep());
    this.flush();
  }

  /** Starts the probes of one sweep; returns the ones it started. */
  private startSweep(): Promise<void>[] {
    if (this.stopping.signal.aborted) return [];
    this.publish();
    const started: Promise<void>[] = [];
    for (const name of this.hosts.keys()) {
      // Still probing from an earlier tick: never wait for it, but probe again as soon as it ends.
      if (this.inFlight.has(name)) this.owed.add(name);
      else started.push(this.startHost(name));
    }
    if (this.mfsInFlight) this.mfsOwed = true;
    else started.push(this.startMfs());
    return started;
  }

  private startHost(name: string): Promise<void> {
    this.queuedSince.set(name, this.now());
    const p = this.limited(() => {
      this.waitedMs.set(name, this.now() - (this.queuedSince.get(name) ?? this.now()));
      this.queuedSince.delete(name);
      this.runningSince.set(name, this.now());
      return this.probeOne(name);
    }).finally(() => {
      this.runningSince.delete(name);
      this.inFlight.delete(name);
      if (this.owed.delete(name) && this.timer && !this.stopping.signal.aborted) void this.startHost(name);
    });
    this.inFlight.set(name, p);
    return p;
  }

  private startMfs(): Promise<void> {
    const p = this.firstCandidateAnswer()
      .then(() => this.probeMfs())
      .finally(() => {
        this.mfsInFlight = undefined;
        if (this.mfsOwed && this.timer && !this.stopping.signal.aborted) {
          this.mfsOwed = false;
          void this.startMfs();
        }
      });
    this.mfsInFlight = p;
    return p;
  }

  /**
   * Until some master candidate has answered once, where to run mfscli is a guess: the first
   * one may be the host that is down (a lost master), costing a whole connect timeout. So the
   * first mfscli run waits for the first candidate to answer (or for all of them to fail).
   */
  private async firstCandidateAnswer(): Promise<void> {
    const candidates = [...this.hosts.values()].filter((h) => h.roles.includes('master-candidate'));
    if (candidates.some((h) => h.okAt !== undefined)) return;
    const probes = candidates.flatMap((h) => {
      const p = this.inFlight.get(h.name);
      // english: a rejection Promise.any only counts, never shown
      return p ? [p.then(() => (this.hosts.get(h.name)?.reachable ? undefined : Promise.reject(new Error('no answer'))))] : [];
    });
    await Promise.any(probes).catch(() => undefined);
  }

  private limited<T>(fn: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const run = () => {
        this.running++;
        fn()
          .then(resolve, reject)
          .finally(() => {
            this.running--;
            this.queue.shift()?.();
          });
      };
      if (this.running < this.concurrency) run();
      else this.queue.push(run);
    });
  }

  /** Runs fn with a signal that aborts on stop() or after the host timeout (a ref'd timer:
   * AbortSignal.timeout's is unref'd and would let a lone hung probe end the process). */
  private async withDeadline<T>(fn: (signal: AbortSignal) => Promise<T>, ms = this.hostTimeoutMs): Promise<T> {
    const ac = new AbortController();
    const onStop = () => ac.abort();
    this.stopping.signal.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => ac.abort(), ms);
    try {
      return await fn(ac.signal);
    } finally {
      clearTimeout(timer);
      this.stopping.signal.removeEventListener('abort', onStop);
    }
  }

  private async probeOne(name: string): Promise<void> {
    const tick = this.ticksDone.get(name) ?? 0;
    const heavy = !this.paused.has(name);
    const parts = {
      keepalived: heavy && this.opts.parts?.keepalived !== false,
      version: heavy && this.opts.parts?.version !== false && tick % this.versionEvery === 0,
      // keepalived's configuration sets the failover window triage waits for: read with the version.
      haConfig: heavy && this.opts.parts?.keepalived !== false && tick % this.versionEvery === 0,
    };
    const prev = this.hosts.get(name)!;
    let result: HostProbeResult | undefined;
    let error: string | undefined;
    let failure: HostStatus['failure'];
    let login: HostStatus['login'];
    // The command's own timeout (hostTimeoutMs) starts once it runs on the host; this outer
    // deadline abandons what comes before it (connecting, sudo, a busy connection) when that
    // outlives the pool's own timeouts.
    const deadline = this.connectAllowanceMs + this.hostTimeoutMs;
    try {
      result = await this.withDeadline(
        (signal) => probeHost(this.source.executorFor(name), { vip: this.source.inventory.vip.address, dataPath: this.source.inventory.paths.data, parts }, this.hostTimeoutMs, signal),
        deadline,
      );
    } catch (e) {
      ({ failure, error, login } = classifyProbeError(e, deadline));
    }
    if (this.stopping.signal.aborted) return;
    if (result) {
      const started = this.runningSince.get(name);
      if (started !== undefined) this.answerMs.set(name, this.now() - started);
      this.runningSince.delete(name);
      this.ticksDone.set(name, tick + 1);
      // Parts not run this tick keep their last known values.
      const probe = { ...result.probe };
      if (!parts.version && prev.probe?.mfsVersion) probe.mfsVersion = prev.probe.mfsVersion;
      if (!parts.haConfig && prev.probe) {
        if (prev.probe.keepalivedConf && probe.daemons.keepalived.length) probe.keepalivedConf = prev.probe.keepalivedConf;
        // Unreadable stays unreadable until the configuration is read again (a login that is not root).
        if (prev.probe.keepalivedConfUnreadable && probe.daemons.keepalived.length) probe.keepalivedConfUnreadable = prev.probe.keepalivedConfUnreadable;
        if (prev.probe.promotionsS) probe.promotionsS = prev.probe.promotionsS;
      }
      if (!parts.keepalived && prev.probe?.keepalived) {
        probe.keepalived = prev.probe.keepalived;
        probe.keepalivedDumpAgeS = prev.probe.keepalivedDumpAgeS;
      }
      if (!parts.keepalived && prev.probe?.keepalivedProblem && probe.daemons.keepalived.length) probe.keepalivedProblem = prev.probe.keepalivedProblem;
      this.hosts.set(name, { ...prev, probe, rttMs: result.rttMs, reachable: true, okAt: this.now(), error: undefined, failure: undefined, login: undefined });
    } else {
      this.runningSince.delete(name);
      this.hosts.set(name, { ...prev, reachable: false, error, failure, login });
    }
    this.publish();
  }

  /** The master candidate to run mfscli on: the VIP holder, else any reachable one, not paused if possible. */
  private mfscliHost(): string | undefined {
    const cands = [...this.hosts.values()].filter((h) => h.roles.includes('master-candidate'));
    const rank = (h: (typeof cands)[number]) => (this.paused.has(h.name) ? 4 : 0) + (h.reachable ? 0 : 2) + (h.probe?.holdsVip ? 0 : 1);
    return cands.sort((a, b) => rank(a) - rank(b))[0]?.name;
  }

  /** mfscli through the host's resident interpreter where it can run one, else one mfscli run. */
  private async clusterProbe(via: string, opts: ClusterProbeOptions, signal: AbortSignal): Promise<ClusterProbe> {
    const executor = this.source.executorFor(via);
    if (this.opts.residentMfscli !== false && executor.spawn && !this.noResident.has(via)) {
      let resident = this.residents.get(via);
      if (!resident) this.residents.set(via, (resident = new ResidentMfscli({ target: executor.target, spawn: executor.spawn.bind(executor) })));
      try {
        return await probeClusterResident(resident, opts, this.mfsTimeoutMs, signal);
      } catch (err) {
        if (!(err instanceof ResidentUnavailable)) throw err;
        this.noResident.add(via);
        this.residents.delete(via);
      }
    }
    return probeCluster(executor, opts, this.mfsTimeoutMs, signal);
  }

  private async probeMfs(): Promise<void> {
    const via = this.mfscliHost();
    if (!via) return;
    const candidates = this.source.inventory.hosts.filter((h) => h.roles.includes('master-candidate'));
    let result: ClusterProbe | undefined;
    let error: string | undefined;
    try {
      result = await this.limited(() => {
        this.mfsRunningSince = this.now();
        return this.withDeadline(
          (signal) =>
            this.clusterProbe(
              via,
              {
                vip: this.source.inventory.vip.address,
                candidates: candidates.map((c) => c.address),
                mfscliTimeoutS: Math.max(1, Math.floor(this.mfsTimeoutMs / 1000) - 1),
                extraSections: this.extraSections(),
              },
              signal,
            ),
          this.mfsTimeoutMs,
        );
      });
    } catch (e) {
      error = errorMessage(e);
    }
    const started = this.mfsRunningSince;
    this.mfsRunningSince = undefined;
    if (this.stopping.signal.aborted) return;
    if (result && (result.viaVip || result.candidates)) {
      const rows = result.candidates?.masters ?? [];
      const cands: CandidateMaster[] = candidates.map((c) => ({ host: c.name, address: c.address, master: rows.find((m) => m.ip === c.address) }));
      // When a master last answered, and since when none has: a failover's clock, seen by this poller.
      const served = !!result.viaVip?.masters.some((m) => m.answering) || rows.some((m) => m.answering);
      const now = this.now();
      this.mfsFailed = false;
      if (started !== undefined) this.mfsAnswerMs = [...this.mfsAnswerMs, now - started].slice(-5);
      this.mfs = {
        via,
        okAt: now,
        masterSeenAt: served ? now : this.mfs.masterSeenAt,
        noMasterSince: served ? undefined : (this.mfs.noMasterSince ?? now),
        error: result.problem,
        viaVip: result.viaVip ?? this.mfs.viaVip,
        candidates: result.candidates ? cands : this.mfs.candidates,
      };
      this.history = [...this.history, historyPointOf({ mfs: { ...this.mfs, stale: false }, at: this.now() })].slice(-this.historySize);
    } else {
      this.mfsFailed = true;
      this.mfs = { ...this.mfs, via, error: error ?? result?.problem ?? t('status.poll.noMfscliOutput') };
    }
    this.publish();
  }

  private build(): ClusterStatus {
    const now = this.now();
    // Before the first answer a host is not stale yet unless its first attempt failed. Time a
    // probe waits for its turn here, or until we ask again, is not the host's silence.
    const limit = staleLimitMs(this.staleAfterMs, [...this.answerMs.values()]);
    const hosts: HostStatus[] = [...this.hosts.values()].map((h) => {
      const ageMs = h.okAt === undefined ? undefined : now - h.okAt;
      const track = {
        okAt: h.okAt,
        failed: h.okAt === undefined ? !!h.error : !h.reachable,
        runningSince: this.runningSince.get(h.name),
        queuedSince: this.queuedSince.get(h.name),
        waitedMs: this.waitedMs.get(h.name),
      };
      const stale = isStale(now, track, limit);
      const overdue = !stale && isOverdue(now, track, this.answerMs.get(h.name));
      return { ...h, ageMs, stale, ...(overdue ? { overdue } : {}), paused: this.paused.has(h.name) };
    });
    const mfsAge = this.mfs.okAt === undefined ? undefined : now - this.mfs.okAt;
    const mfsTrack = { okAt: this.mfs.okAt, failed: this.mfs.okAt === undefined ? !!this.mfs.error : this.mfsFailed, runningSince: this.mfsRunningSince };
    const mfs: MfsStatus = { ...this.mfs, ageMs: mfsAge, stale: isStale(now, mfsTrack, staleLimitMs(this.staleAfterMs, this.mfsAnswerMs)) };
    const base = { cluster: this.source.inventory.cluster, vip: this.source.inventory.vip.address, at: now, intervalMs: this.intervalMs, hosts, mfs };
    this.watch = nextFailoverWatch(this.watch, base);
    return { ...base, alerts: deriveAlerts(base, this.opts.alerts), ...(this.watch.timeline ? { failover: this.watch.timeline } : {}) };
  }

  private flush(): void {
    this.lastFlushAt = performance.now();
    this.state = this.build();
    for (const l of this.listeners) l();
  }

  /**
   * Rebuilds the snapshot and tells subscribers once per macrotask however many probes
   * finished, and at most once per PUBLISH_GAP_MS: at a hundred hosts the probes of one sweep
   * finish one by one, and a snapshot (alerts over every host) and a redraw of the whole screen
   * for each was a hundred a second. A snapshot costs about its number of hosts, so the gap
   * grows with it (5 hosts: 5 ms; 100 hosts and more: 100 ms, at most 10 snapshots a second).
   */
  private publish(): void {
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    const run = () => {
      this.notifyScheduled = false;
      this.flush();
    };
    const gap = Math.min(PUBLISH_GAP_MAX_MS, PUBLISH_GAP_PER_HOST_MS * this.hosts.size);
    const wait = this.lastFlushAt + gap - performance.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
  }
}

/** HostError kinds that mean the host answered and refused us (or we refused its key). */
const LOGIN_KINDS: Partial<Record<HostError['kind'], LoginProblem>> = {
  'auth-refused': 'auth-refused',
  'no-credentials': 'no-credentials',
  'host-key-changed': 'host-key-changed',
  'host-key-unknown': 'host-key-unknown',
  'host-key-rejected': 'host-key-rejected',
};

/** A host key refused without an operator to ask is an unknown key; a @revoked one stays rejected. */
const loginOf = (e: HostError): LoginProblem | undefined =>
  e.kind === 'host-key-rejected' && !/revoked/i.test(e.message) ? 'host-key-unknown' : (LOGIN_KINDS[e.kind] ?? (e.kind === 'sudo-failed' && SUDO_REFUSED.test(e.message) ? 'sudo-refused' : undefined));

/** sudo answered and said no (a wrong or missing password, the user not allowed): as a refused login. A sudo that hangs is `probe`. */
const SUDO_REFUSED = /did not accept the password|no sudo password given|sudo refused|sudo is not installed/;

/**
 * Why a host probe gave no report, in the three classes triage needs: `connect`, no answer
 * (the host is down or cut off); `login`, it answered but refused us, or its host key is
 * changed or unknown (its state is unknown: it may be running, even a master); `probe`,
 * logged in but the probe did not answer (sudo stuck, channels refused, the command slow
 * or failing): its state is unknown too.
 */
export function classifyProbeError(e: unknown, deadlineMs: number): { failure: HostFailure; error: string; login?: LoginProblem } {
  if (e instanceof HostError) {
    const login = loginOf(e);
    if (login) return { failure: 'login', error: e.message, login };
    return { failure: e.kind === 'sudo-failed' || e.kind === 'channel-refused' ? 'probe' : 'connect', error: e.message };
  }
  if (e instanceof HostProbeFailed) {
    if (e.kind === 'unconnected') return { failure: 'connect', error: t('status.poll.noSession', { ms: deadlineMs }) };
    if (e.kind === 'cancelled') return { failure: 'probe', error: t('status.poll.probeNotStarted', { ms: deadlineMs }) };
    return { failure: 'probe', error: e.message };
  }
  return { failure: 'probe', error: errorMessage(e) };
}
