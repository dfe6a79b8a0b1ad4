// Clock skew between the cluster's hosts, from the status probe: each host prints its wall
// clock (`date +%s.%N`) and the probe notes this machine's clock just before the command was
// sent and just after its answer came back. The host's reading was taken somewhere in that
// window, so its offset from this machine is `remote - midpoint` within ± half the window
// (Cristian's method; the window includes the SSH round trip and the probe's own run time, so
// the bound is honest, never tight). Pure: parsed and judged here, measured by probe.ts.

/** A host's clock reading against this machine's: seconds ahead (negative: behind), ± errorS. */
export interface ClockReading {
  offsetS: number;
  errorS: number;
}

/**
 * A master candidate whose clock is certainly more than this many seconds off the cluster's
 * is warned about. Why 2 s: triage's failover window is anchored on the VRRP transition times
 * the candidates' own clocks stamp, and that window can be as short as ~3.5 s (3 × advert_int +
 * skew), so 2 s of skew moves it by more than half; the metadata's times (file mtimes, trash
 * and session timeouts) are stamped by whichever candidate is master, so a failover makes
 * them jump by the skew. Synchronized servers (NTP, chrony) agree within milliseconds: 2 s is
 * a broken time sync, never measurement noise (the error bound is subtracted first).
 */
export const CLOCK_SKEW_WARN_S = 2;

/**
 * `date +%s.%N` output → epoch seconds and the reading's own resolution. A `date` without
 * %N (busybox prints it literally, or nothing after the dot) gives whole seconds: ±1 s more.
 */
export function parseClockLine(line: string | undefined): { epochS: number; resolutionS: number } | undefined {
  const m = /^(\d{9,11})(?:\.(\d{1,9}|%?N))?$/.exec((line ?? '').trim());
  if (!m) return undefined;
  const frac = m[2] && /^\d+$/.test(m[2]) ? m[2] : undefined;
  if (frac !== undefined && frac.length === 9) return { epochS: Number(`${m[1]}.${frac}`), resolutionS: 0 };
  return { epochS: Number(m[1]), resolutionS: 1 };
}

/**
 * The host's offset from this machine, from its reading and this machine's clock (epoch ms)
 * just before sending the probe and just after its answer. A whole-second reading stands for
 * anywhere in that second: its middle is used and half a second more is allowed.
 */
export function clockReading(remote: { epochS: number; resolutionS: number }, localBeforeMs: number, localAfterMs: number): ClockReading {
  const mid = (localBeforeMs + localAfterMs) / 2000;
  const half = Math.max(0, localAfterMs - localBeforeMs) / 2000;
  return { offsetS: remote.epochS + remote.resolutionS / 2 - mid, errorS: half + remote.resolutionS / 2 };
}

export interface HostSkew {
  host: string;
  /** Seconds ahead of the cluster's reference (negative: behind). */
  skewS: number;
  /** Bound of the measurement: the host's error plus the reference's. */
  errorS: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};

/**
 * Each host's skew against the cluster: the median offset of all hosts read (so a wrong clock
 * on this machine, which shifts every offset alike, is no skew, and one wrong host does not
 * move the reference). Needs at least two readings; none otherwise.
 */
export function clusterSkews(readings: { host: string; clock: ClockReading }[]): HostSkew[] {
  if (readings.length < 2) return [];
  const ref = median(readings.map((r) => r.clock.offsetS));
  // The median of values each known within ± their error is known within the largest of them.
  const refError = Math.max(...readings.map((r) => r.clock.errorS));
  return readings.map((r) => ({ host: r.host, skewS: r.clock.offsetS - ref, errorS: r.clock.errorS + refError }));
}

/** The skew is certainly beyond the limit: even the most favourable reading within the bound. */
export const skewBeyond = (s: HostSkew, limitS = CLOCK_SKEW_WARN_S): boolean => Math.abs(s.skewS) - s.errorS > limitS;

/** `+3.2 s (±0.1)` for a screen: the sign says ahead (+) or behind (−). */
export function formatSkew(s: HostSkew): string {
  const sign = s.skewS >= 0 ? '+' : '−';
  return `${sign}${Math.abs(s.skewS).toFixed(1)} s (±${s.errorS.toFixed(1)})`;
}
