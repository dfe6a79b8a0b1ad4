// When a host's (or mfscli's) last answer counts as stale: by what the host did, not by the
// clock alone. At 40 hosts on a loaded machine one sweep takes longer than a fixed limit, so
// an answer that came early in the sweep was "old" by its end although the host had answered
// everything asked of it. A target is stale when it has been silent (asked and not answering,
// or failing) for longer than the limit, and the limit grows with how long answers take now.

/** What the poller knows about one probe target's attempts. */
export interface ProbeTrack {
  /** Epoch ms of the last answer (undefined: never answered). */
  okAt?: number;
  /** The last attempt ended without an answer (unreachable, refused, too slow). */
  failed: boolean;
  /** Since when the probe in flight has run (after any wait for its turn here). */
  runningSince?: number;
  /** Since when a probe has waited for its turn here (bounded parallelism), while it waits. */
  queuedSince?: number;
  /** How long the latest probe waited for its turn here. */
  waitedMs?: number;
}

/** Answers take this many times their usual time before silence counts as stale. */
export const STALE_PACE_FACTOR = 3;

/**
 * How long a target may stay silent: the configured limit, or STALE_PACE_FACTOR times the
 * median time an answer takes now (from a probe's start to its answer), whichever is longer.
 * The median, so that one slow or hung host does not stretch everyone's limit.
 */
export function staleLimitMs(baseMs: number, answerMs: readonly number[]): number {
  if (answerMs.length === 0) return baseMs;
  const s = [...answerMs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return Math.max(baseMs, STALE_PACE_FACTOR * median);
}

/**
 * How long the target has been silent. After an answer: only while a probe of ours runs
 * unanswered (a wait for its turn, or no probe asked yet, is ours, not the host's). After a
 * failure: since its last answer, less the time its latest probe waited for its turn.
 * Undefined when it never answered.
 */
export function silenceMs(now: number, t: ProbeTrack): number | undefined {
  if (t.okAt === undefined) return undefined;
  if (!t.failed) return t.runningSince === undefined ? 0 : Math.max(0, now - t.runningSince);
  const ourWait = t.queuedSince !== undefined ? now - t.queuedSince : (t.waitedMs ?? 0);
  return now - t.okAt - ourWait;
}

/** Stale: silent for longer than limitMs, or never answered and its first attempt failed. */
export function isStale(now: number, t: ProbeTrack, limitMs: number): boolean {
  const silent = silenceMs(now, t);
  return silent === undefined ? t.failed : silent > limitMs;
}

/** Overdue at the earliest after this long: a second is within an idle host's usual answers. */
export const OVERDUE_MIN_MS = 1000;

/**
 * Asked again and not answering well past its own usual time (twice its last answer's time, at
 * least OVERDUE_MIN_MS): long before it is stale, its last answer may no longer hold (a host that
 * has just died still "holds the VIP" in it). A wait for our own turn is not its silence.
 */
export function isOverdue(now: number, t: ProbeTrack, ownAnswerMs: number | undefined): boolean {
  const silent = silenceMs(now, t);
  return silent !== undefined && silent > Math.max(OVERDUE_MIN_MS, 2 * (ownAnswerMs ?? 0));
}
