// The status screen through a real failover: the snapshots the status poller published on
// the practice cluster while keepalived-ha moved the master (kill -9 of the active
// mfsmaster), captured by bench/capture-failover-status.ts into
// test/fixtures/status/failover-states.json (those where what the screens show changed),
// fed to the screens one after another with the failover timeline folded in as the poller
// folds it (nextFailoverWatch). The screen shows the failover as it happens and ends with
// every chunkserver back; the narrow status line names the step under way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, describe, it } from 'node:test';
import { StatusLine, StatusScreen } from '../../../screens/status/StatusScreen.tsx';
import type { StatusStore } from '../../../screens/status/useStatus.ts';
import { formatFailover, nextFailoverWatch, type FailoverWatch } from '../../../src/status/failover-timeline.ts';
import type { ClusterStatus, HistoryPoint } from '../../../src/status/model.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

// Sets were written as {set: [...]}.
const revive = (_k: string, v: unknown) => (v && typeof v === 'object' && 'set' in v && Array.isArray((v as { set: unknown }).set) ? new Set((v as { set: unknown[] }).set) : v);
const captured = JSON.parse(readFileSync(new URL('../../fixtures/status/failover-states.json', import.meta.url), 'utf8'), revive) as { states: Omit<ClusterStatus, 'failover'>[] };
// As StatusPoller.build() does: each snapshot with the timeline folded from all before it.
let watch: FailoverWatch = {};
const states: ClusterStatus[] = captured.states.map((s) => {
  watch = nextFailoverWatch(watch, s);
  return { ...s, ...(watch.timeline ? { failover: watch.timeline } : {}) };
});

/** A store that publishes the captured snapshots one at a time, as the poller did. */
const NO_HISTORY: HistoryPoint[] = [];
class Replay implements StatusStore {
  private i = 0;
  private listeners = new Set<() => void>();
  getState = () => states[this.i]!;
  getHistory = () => NO_HISTORY; // one array: useSyncExternalStore needs a stable snapshot
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  next(): boolean {
    if (this.i >= states.length - 1) return false;
    this.i++;
    for (const l of this.listeners) l();
    return true;
  }
}

const final = states.at(-1)!.failover!;
const from = final.steps[0]!.label.split(' ')[0]!;
const to = final.steps.find((s) => s.label.startsWith('VIP on '))!.label.slice('VIP on '.length);

describe('the status screen during a real keepalived-ha failover (captured poller snapshots)', () => {
  it('the capture is a whole failover: a master serving, gone, then the other candidate serving every chunkserver', () => {
    assert.equal(states[0]!.failover, undefined, 'the capture starts before the failover');
    assert.notEqual(from, to);
    assert.equal(final.done, true);
    assert.match(final.steps.at(-1)!.label, /^serving, (\d+) of \1 chunkservers$/);
    // Only the new master's host promotes: the old one holding the VIP a moment longer, its
    // killed master not yet reaped, is not promoting (this capture showed "m1 promoting").
    assert.deepEqual(
      final.steps.map((x) => x.label),
      [`${from} master gone`, `VIP on ${to}`, `${to} promoting`, final.steps.at(-1)!.label],
    );
  });

  it('shows each step as it happens, in order, and the failover done with every chunkserver back', async () => {
    const store = new Replay();
    const r = renderScreen(<StatusScreen store={store} />, { columns: 160, rows: 50 });
    await r.waitFor(`VIP ${states[0]!.vip}`);
    assert.doesNotMatch(r.lastFrame(), /failover/);
    const shown: string[] = [];
    do {
      const s = store.getState();
      const want = s.failover ? `${s.failover.done ? 'failover done: ' : 'failover: '}${formatFailover(s.failover)}` : undefined;
      const frame = await r.waitFor((f) => (want ? f.includes(want) : !/failover/.test(f)) && f.includes(new Date(s.at).toLocaleTimeString()));
      // The line inside the panel's border.
      const line = /(failover(?: done)?: .*?)\s*│?$/m.exec(frame)?.[1];
      if (line && line !== shown.at(-1)) shown.push(line);
    } while (store.next());
    // As it happened: first only the master gone, then each further step appended.
    assert.match(shown[0]!, new RegExp(`failover: ${from} master gone`));
    for (const step of final.steps)
      assert.ok(
        shown.some((l) => l.includes(step.label.startsWith('serving') ? 'serving,' : step.label)),
        `never shown: ${step.label}\n${shown.join('\n')}`,
      );
    assert.ok(
      shown.some((l) => l.startsWith('failover: ') && l.includes(`VIP on ${to}`)),
      `the VIP's move was not shown while the failover was under way:\n${shown.join('\n')}`,
    );
    assert.match(shown.at(-1)!, new RegExp(`^failover done: ${from} master gone → VIP on ${to} \\(\\+\\d+\\.\\d s\\) → .*serving, (\\d+) of \\1 chunkservers \\(\\+\\d+\\.\\d s\\)$`));
    r.unmount();
  });

  it('the one-line status (narrow terminals) names the failover step under way', async () => {
    const store = new Replay();
    const r = renderScreen(<StatusLine store={store} />, { columns: 120, rows: 5 });
    let sawStep = false;
    do {
      const s = store.getState();
      if (s.failover && !s.failover.done) {
        const frame = await r.waitFor(`failover: ${s.failover.steps.at(-1)!.label}`);
        assert.match(frame, /^status VIP/);
        sawStep = true;
      }
    } while (store.next());
    assert.ok(sawStep, 'no snapshot with a failover under way');
    r.unmount();
  });
});
