// The home screen on the practice cluster while a drill is under way, in Chinese: the notice
// (the scenario's title, the clock in 分/秒, how the drill ends) wraps in cells at 80 columns,
// above the runbook list; a surprise drill is not named. English unchanged.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { Home } from '../../../screens/Home.tsx';
import { formatDrillNotice } from '../../../src/drill/notice.ts';
import type { DrillRecord } from '../../../src/drill/types.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { cells } from '../../../src/util/cells.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';

afterEach(() => {
  cleanupRendered();
  setLanguage('en');
});

const runbooks = [{ id: 'health-check', title: '集群健康检查', summary: '只读地巡检一遍集群。', risk: 'low' as const, when: '任何时候。' }];
const brokeAt = '2026-11-25T10:00:00.000Z';
const drill: DrillRecord = {
  id: 'drill-20261125-100000-ab12',
  scenario: 'chunkserver-down',
  surprise: false,
  scripted: false,
  startedAt: brokeAt,
  brokeAt,
  did: [],
  versionBefore: 5,
  dir: '/mnt/mfs/drills/a',
  files: [],
  checks: [],
};
const now = Date.parse(brokeAt) + 125_000;

const home = (notice: string) =>
  renderScreen(<Home runbooks={runbooks} unfinished={[]} cluster="lab" notice={notice} onPick={() => {}} onResume={() => {}} onStatus={() => {}} onTriage={() => {}} onQuit={() => {}} />, {
    columns: 80,
    rows: 24,
  });

test('the drill notice on Home in Chinese at 80×24: said whole, wrapped in cells, above the list', async () => {
  setLanguage('zh');
  const r = home(formatDrillNotice(drill, now));
  const frame = await r.waitFor('集群健康检查');
  const flat = frame.replace(/\n/g, '');
  assert.match(flat, /演练进行中：一个 chunkserver 崩溃了，故障已发生 2 分 05 秒。/);
  assert.match(flat, /恢复集群后，用 ?`mfs-tui drill check` ?停止计时。/);
  for (const line of frame.split('\n')) assert.ok(cells(line) <= 80, `over 80 cells: ${line}`);
  assert.ok(frame.indexOf('演练进行中') < frame.indexOf('集群健康检查'), frame);

  const surprise = home(formatDrillNotice({ ...drill, surprise: true }, now));
  const s = await surprise.waitFor('一次突击演练');
  assert.doesNotMatch(s, /chunkserver 崩溃/);
});

test('the same notice in English', async () => {
  const r = home(formatDrillNotice(drill, now));
  const frame = await r.waitFor('DRILL under way');
  assert.match(frame.replace(/\n/g, ' '), /DRILL under way: A chunkserver crashed, 2 min 05 s since the fault\./);
});
