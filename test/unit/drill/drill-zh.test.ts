// A drill in Chinese under --lang zh: refusals for bad usage, each scenario's announcement, why a
// fault is not offered as a drill, and the home screen's notice; English unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../../../src/i18n/index.ts';
import { chooseScenario, DrillError } from '../../../src/drill/drill.ts';

test('a drill asked for both a scenario and --surprise, or for none: refused in Chinese, in English under en', () => {
  try {
    setLanguage('zh');
    assert.throws(
      () => chooseScenario({ scenario: 'power-cut', surprise: true }),
      (e) => e instanceof DrillError && e.message === 'SCENARIO 和 --surprise 只能给一个',
    );
    assert.throws(
      () => chooseScenario({}),
      (e) => e instanceof DrillError && /^演练哪个场景？power-cut, .*（或用 --surprise）$/.test(e.message),
    );
  } finally {
    setLanguage('en');
  }
  assert.throws(
    () => chooseScenario({}),
    (e) => e instanceof DrillError && /^which drill\? power-cut, .* \(or --surprise\)$/.test(e.message),
  );
});

test("each scenario's announcement and title, why a fault is not a drill, and the home screen's notice: in Chinese under zh, English unchanged", async () => {
  const { DRILL_SCENARIOS, NOT_DRILLABLE, whyNotDrillable, findScenario } = await import('../../../src/drill/scenarios.ts');
  const { formatDrillNotice } = await import('../../../src/drill/notice.ts');
  const { englishPhrase } = await import('../../support/english-phrase.ts');
  const brokeAt = '2026-11-25T10:00:00.000Z';
  const drill = {
    id: 'drill-20261125-100000-ab12',
    scenario: 'power-cut',
    surprise: false,
    scripted: false,
    startedAt: brokeAt,
    brokeAt,
    did: [],
    versionBefore: 1,
    dir: '/mnt/mfs/drills/x',
    files: [],
    checks: [],
  };
  const now = Date.parse(brokeAt) + 95_000;
  try {
    setLanguage('zh');
    for (const s of DRILL_SCENARIOS) {
      assert.match(s.announce, /[\u4e00-\u9fff]/, s.id);
      assert.equal(englishPhrase(s.announce), undefined, `${s.id}: ${s.announce}`);
      assert.equal(englishPhrase(s.title), undefined, `${s.id}: ${s.title}`);
    }
    assert.match(findScenario('split-brain')!.announce, /`mfs-tui lab break heal`/);
    for (const n of NOT_DRILLABLE) assert.equal(englishPhrase(n.reason), undefined, n.reason);
    assert.match(whyNotDrillable('partition'), /^'partition' 不提供演练：没有能修复网络分区的 runbook（.*`lab break heal`.*）（可用的演练：power-cut, /);
    assert.match(whyNotDrillable('meteor'), /^没有名为 'meteor' 的演练（可用的演练：power-cut, /);
    assert.equal(formatDrillNotice(drill, now), '演练进行中：活动 master 断电（已部署 HA），故障已发生 1 分 35 秒。恢复集群后，用 `mfs-tui drill check` 停止计时。');
    assert.match(formatDrillNotice({ ...drill, surprise: true }, now), /^演练进行中：一次突击演练，/);
    assert.match(formatDrillNotice({ ...drill, brokeAt: undefined }, now), /的故障没有注入成功：先 `mfs-tui drill abandon`，再重新开始。$/);
  } finally {
    setLanguage('en');
  }
  assert.match(findScenario('power-cut')!.announce, /^The active master's host lost power and came back/);
  assert.match(whyNotDrillable('partition'), /^'partition' is not offered as a drill: no runbook heals a network partition/);
  assert.equal(whyNotDrillable('meteor').startsWith("no drill 'meteor' (drills: power-cut, "), true);
});
