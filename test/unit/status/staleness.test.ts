// When an answer counts as stale (src/status/staleness.ts): by how long the target has been
// silent, against a limit that grows with how long answers take now. Pure logic on plain data;
// the poller and the status screen using it are in fleet-screen.test.tsx.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OVERDUE_MIN_MS, STALE_PACE_FACTOR, isOverdue, isStale, silenceMs, staleLimitMs } from '../../../src/status/staleness.ts';

describe('staleness', () => {
  it('the limit: the configured one until answers take longer; then a multiple of their median, so one hung host does not stretch it', () => {
    assert.equal(staleLimitMs(2500, []), 2500);
    assert.equal(staleLimitMs(2500, [40, 60, 90]), 2500, 'an idle cluster keeps the configured limit');
    // 45 hosts on a loaded machine: answers take 3-9 s.
    assert.equal(staleLimitMs(2500, [3000, 5000, 9000]), STALE_PACE_FACTOR * 5000);
    assert.equal(staleLimitMs(2500, [4000, 6000]), STALE_PACE_FACTOR * 5000);
    // One host that takes 60 s does not make a silent host look fresh for minutes.
    assert.equal(staleLimitMs(2500, [100, 120, 60_000]), 2500);
  });

  it('after an answer the target is silent only while a probe of ours runs unanswered; our queue and not asking yet are not silence', () => {
    const now = 100_000;
    // Answered 40 s ago (early in a long sweep), not asked since: not silent, not stale.
    assert.equal(silenceMs(now, { okAt: now - 40_000, failed: false }), 0);
    assert.equal(isStale(now, { okAt: now - 40_000, failed: false }, 2500), false);
    // Its next probe waits for its turn: still ours.
    assert.equal(isStale(now, { okAt: now - 40_000, failed: false, queuedSince: now - 30_000 }, 2500), false);
    // Its next probe runs and the host has not answered for 3 s: stale at a 2.5 s limit, not at a 10 s one.
    assert.equal(silenceMs(now, { okAt: now - 40_000, failed: false, runningSince: now - 3000 }), 3000);
    assert.equal(isStale(now, { okAt: now - 40_000, failed: false, runningSince: now - 3000 }, 2500), true);
    assert.equal(isStale(now, { okAt: now - 40_000, failed: false, runningSince: now - 3000 }, 10_000), false);
  });

  it('after a failure the target has been silent since its last answer, less the time its probe waited for its turn', () => {
    const now = 100_000;
    assert.equal(silenceMs(now, { okAt: now - 5000, failed: true, waitedMs: 1000 }), 4000);
    assert.equal(isStale(now, { okAt: now - 5000, failed: true, waitedMs: 1000 }, 2500), true);
    // Its retry waits in our queue since 4 s ago: only 1 s of its own silence.
    assert.equal(silenceMs(now, { okAt: now - 5000, failed: true, queuedSince: now - 4000 }), 1000);
    assert.equal(isStale(now, { okAt: now - 5000, failed: true, queuedSince: now - 4000 }, 2500), false);
  });

  it('overdue: asked again and silent past twice its own usual answer time (at least a second), long before stale', () => {
    const now = 100_000;
    // Answers in 300 ms; its probe has run 700 ms: as usual. At 1.2 s: overdue (a host that just died).
    assert.equal(isOverdue(now, { okAt: now - 1500, failed: false, runningSince: now - 700 }, 300), false);
    assert.equal(isOverdue(now, { okAt: now - 1500, failed: false, runningSince: now - OVERDUE_MIN_MS - 200 }, 300), true);
    // A loaded host that answers in 2 s is not overdue at 3 s, only past 4 s.
    assert.equal(isOverdue(now, { okAt: now - 5000, failed: false, runningSince: now - 3000 }, 2000), false);
    assert.equal(isOverdue(now, { okAt: now - 5000, failed: false, runningSince: now - 4100 }, 2000), true);
    // Not asked since its answer, or its probe waits for our turn: never its silence.
    assert.equal(isOverdue(now, { okAt: now - 40_000, failed: false }, 300), false);
    assert.equal(isOverdue(now, { okAt: now - 40_000, failed: false, queuedSince: now - 30_000 }, 300), false);
    // Refused 1.5 s after its last answer: overdue.
    assert.equal(isOverdue(now, { okAt: now - 1500, failed: true }, 300), true);
    assert.equal(isOverdue(now, { failed: true }, 300), false, 'never answered: no last answer to doubt');
  });

  it('never answered: stale once its first attempt failed, not before', () => {
    assert.equal(silenceMs(1000, { failed: false, runningSince: 0 }), undefined);
    assert.equal(isStale(1000, { failed: false, runningSince: 0 }, 10), false);
    assert.equal(isStale(1000, { failed: true }, 10_000), true);
  });
});
