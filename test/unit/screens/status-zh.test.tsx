// The status screen's failover line, its clock and the live roles in Chinese: the snapshots
// the status poller published on the practice cluster during a real keepalived-ha failover
// (test/fixtures/status/failover-states.json, as in status-failover.test.tsx), folded and
// rendered under --lang zh. Text checked, not just that it renders.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, afterEach, before, describe, it } from 'node:test';
import { StatusScreen } from '../../../screens/status/StatusScreen.tsx';
import type { StatusStore } from '../../../screens/status/useStatus.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { formatFailover, nextFailoverWatch, type FailoverWatch } from '../../../src/status/failover-timeline.ts';
import { liveRole } from '../../../src/status/live-roles.ts';
import type { ClusterStatus, HistoryPoint } from '../../../src/status/model.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);
before(() => setLanguage('zh'));
after(() => setLanguage('en'));

const revive = (_k: string, v: unknown) => (v && typeof v === 'object' && 'set' in v && Array.isArray((v as { set: unknown }).set) ? new Set((v as { set: unknown[] }).set) : v);
const captured = () => JSON.parse(readFileSync(new URL('../../fixtures/status/failover-states.json', import.meta.url), 'utf8'), revive) as { states: Omit<ClusterStatus, 'failover'>[] };

function fold(): ClusterStatus[] {
  let watch: FailoverWatch = {};
  return captured().states.map((s) => {
    watch = nextFailoverWatch(watch, s);
    return { ...s, ...(watch.timeline ? { failover: watch.timeline } : {}) };
  });
}

const NO_HISTORY: HistoryPoint[] = [];
const store = (s: ClusterStatus): StatusStore => ({ getState: () => s, getHistory: () => NO_HISTORY, subscribe: () => () => {} });

describe('the status screen in Chinese', () => {
  it('the failover line: every step in Chinese, the host names as they are, seconds since the start', async () => {
    const states = fold();
    const done = states.at(-1)!;
    const steps = done.failover!.steps;
    const [from, to] = [steps[0]!.host!, steps.find((x) => x.kind === 'vip')!.host!];
    assert.equal(steps[0]!.label, `${from} 的 master 已失效`);
    assert.match(
      formatFailover(done.failover!),
      new RegExp(`^${from} 的 master 已失效 → VIP 到了 ${to}（\\+\\d+\\.\\d 秒） → ${to} 正在提升为 master（\\+\\d+\\.\\d 秒） → 已恢复服务，chunkserver 已连接 (\\d+)/\\1 台（\\+\\d+\\.\\d 秒）$`),
    );
    const r = renderScreen(<StatusScreen store={store(done)} />, { columns: 200, rows: 50 });
    const frame = await r.waitFor('故障切换完成：');
    assert.ok(frame.includes(`故障切换完成：${from} 的 master 已失效 → VIP 到了 ${to}`), frame);
    // The clock in the title is a 24-hour time, no AM/PM.
    const time = new Date(done.at).toLocaleTimeString('zh-CN');
    assert.match(time, /^\d{1,2}:\d{2}:\d{2}$/);
    assert.ok(frame.includes(`集群状态，每 ${done.intervalMs / 1000} 秒刷新 ${time}`), frame);
    assert.doesNotMatch(frame, /master gone|VIP on |promoting|serving,|AM|PM/);
    r.unmount();
  });

  it('who plays a live role, and why it cannot be told, in Chinese', () => {
    const states = fold();
    const done = states.at(-1)!;
    const to = done.failover!.steps.find((x) => x.kind === 'vip')!.host!;
    const holder = liveRole(done, 'vip-holder');
    assert.equal(holder.host, to);
    assert.equal(holder.saw, `${to} 持有 VIP ${done.vip}`);
    assert.match(liveRole(done, 'master').saw, new RegExp(`^${to} 持有 VIP ${done.vip.replace(/\./g, '\\.')}，并在运行 mfsmaster$`));
    assert.match(liveRole(done, 'standby').saw, /是正在服务的 master .* 之外的主节点候选$/);
    const silent = { ...done, hosts: done.hosts.map((h) => (h.roles.includes('master-candidate') ? { ...h, stale: true } : h)) };
    assert.match(liveRole(silent, 'master').saw, /^无法确定：\S+ 和 \S+ 没有最新状态$/);
  });
});
