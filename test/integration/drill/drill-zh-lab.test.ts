// A drill in Chinese end to end on the practice cluster, through the built `mfs-tui` as an
// operator runs it: `--lang zh drill power-cut-no-ha --scripted` (the quickest: one command
// prepares the cluster, cuts the power, runs the recommended runbook and checks) announces,
// recovers and debriefs in Chinese. What the hosts printed (`host | …`) is shown as it came;
// every other line holds no English of its own (test/support/english-phrase.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { tIn } from '../../../src/i18n/index.ts';
import { cells } from '../../../src/util/cells.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { skipReason } from '../../support/lab.ts';
import { drillCli, drillStore, log, useDrillLab } from '../../support/drill-cli.ts';
import { englishPhrase, englishWords } from '../../support/english-phrase.ts';

const skip = skipReason();
const root = path.join(import.meta.dirname, '../../..');

/**
 * The lines mfs-tui wrote itself: not a command it shows before running it (`  [m1] $ …` or
 * `  [m1] 检查 …`, and the command's further lines, indented under its first), nor what a
 * host printed (`  m1 | …`): the runbook's commands are the same bytes in every language.
 */
function ownLines(out: string): string[] {
  const own: string[] = [];
  let indent: string | undefined;
  for (const l of out.split('\n')) {
    if (indent !== undefined && l.startsWith(indent)) continue;
    indent = undefined;
    const command = /^ {2}\[(\S+)\] (\$|检查) /.exec(l);
    if (command) indent = ' '.repeat(2 + command[1]!.length + 3 + cells(command[2]!));
    else if (!/^ {2}\S+ \| /.test(l)) own.push(l);
  }
  return own;
}

describe('a drill in Chinese on the practice cluster through the built mfs-tui', { skip, timeout: 1_200_000 }, () => {
  // `lab up --fast`: the drill prepares its own no-HA cluster from it (drill-lab.test.ts).
  const env = useDrillLab('mfs-drill-zh-', () => {}, { via: 'scripts' });

  it('power-cut-no-ha --scripted under --lang zh: announcement, scripted recovery and debrief in Chinese, no English prose of its own', async () => {
    const r = await drillCli(env(), ['--lang', 'zh', 'drill', 'power-cut-no-ha', '--scripted'], 600_000, { built: true });
    log(`power-cut-no-ha --scripted in Chinese: ${r.seconds.toFixed(1)} s, exit ${r.code}`);
    assert.equal(r.code, 0, r.out);
    const s = drillStore(env());
    const done = s.history.at(-1)!;
    assert.equal(done.outcome, 'recovered', r.out);
    assert.equal(done.scripted, true);
    // The announcement, as the trainee reads it.
    assert.ok(r.out.includes(`演练 ${done.id}：没有 HA 的集群的 master 断电`), r.out);
    assert.ok(r.out.includes(tIn('zh', 'drill.announce.powerCutNoHa')), r.out);
    assert.ok(r.out.includes('脚本化恢复：以非交互方式运行推荐的 runbook。'), r.out);
    // The debrief.
    assert.match(r.out, /已恢复，用时 \d/);
    assert.match(r.out, /文件：9 个中 9 个完好/);
    assert.match(r.out, /这次是脚本化恢复：它的用时现在是本场景的参考时间/);
    assert.doesNotMatch(r.out, /DRILL |RECOVERED|Files: |Scripted recovery|Wrong turns/);
    // The runbook's own ids (step ids, decision keys) are typed as they are (`--decide choose=recover`).
    const { runbook } = parseRunbook(fs.readFileSync(path.join(root, 'runbooks/power-cut.zh.md'), 'utf8'), 'power-cut.zh.md');
    const ids = runbook!.steps.flatMap((st) => [st.id, ...(st.decision?.choices.map((c) => c.key) ?? [])]);
    assert.ok(ids.includes('restore') && ids.includes('recover'), ids.join(' '));
    const own = ownLines(r.out).map((l) => {
      // The drill's and the run's ids, paths, and the practice cluster's name (lab).
      let o = l
        .replace(/\/\S+/g, ' ')
        .replace(/\b(drill|\d{8})-\S+/g, ' ')
        .replace(/集群 lab\b/, '集群 ');
      for (const id of ids) o = o.replace(new RegExp(`(?<![\\w-])${id}(?![\\w-])`, 'g'), ' ');
      return o;
    });
    assert.deepEqual(
      own.flatMap((l) => (englishPhrase(l) ? [`${l}: ${englishPhrase(l)}`] : [])),
      [],
      r.out,
    );
    assert.deepEqual(
      own.flatMap((l) => (englishWords(l).length ? [`${l}: ${englishWords(l).join(' ')}`] : [])),
      [],
      r.out,
    );
  });
});
