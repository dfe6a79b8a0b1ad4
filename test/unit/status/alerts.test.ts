// deriveAlerts' wording for hosts without an answer: a host never seen says so, instead of
// "no answer for never" (what `mfs-tui status` printed for a host that was down from the start).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deriveAlerts } from '../../../src/status/alerts.ts';
import type { HostStatus } from '../../../src/status/model.ts';

const down = (name: string, over: Partial<HostStatus>): HostStatus => ({
  name,
  address: '10.0.0.9',
  roles: ['chunkserver'],
  reachable: false,
  stale: true,
  paused: false,
  failure: 'connect',
  error: `${name}: cannot reach 10.0.0.9:22: connection refused`,
  ...over,
});
const stale = (hosts: HostStatus[]) => deriveAlerts({ vip: '10.0.0.100', hosts, mfs: { stale: false, candidates: [] } } as never).filter((a) => a.code === 'host-stale');

describe('alerts for hosts without an answer', () => {
  it('a host never seen has not answered; one seen before says for how long', () => {
    const a = stale([down('c1', {}), down('c2', { ageMs: 12_000 }), down('c3', { failure: 'probe' }), down('c4', { failure: 'probe', ageMs: 7_000 })]);
    assert.deepEqual(
      a.map((x) => x.message.replace(/ \(.*\)$/, '')),
      ['c1: has not answered', 'c2: no answer for 12 s', 'c3: no status yet', 'c4: no status for 7 s'],
    );
    for (const x of a) assert.doesNotMatch(x.message, /never/);
  });
});
