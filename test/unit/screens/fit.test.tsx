// Screens that fit: widths in terminal cells (CJK and emoji are two), prose re-flowed to the
// width at hand, and every screen inside its terminal from 80×24 to 250×60 with 3 to 60
// hosts: no line wider than the terminal, no frame taller than it, long lists with their
// position shown, the key facts (VIP holder, alerts, the current step and its question) kept.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import stringWidth from 'string-width';
import { Home } from '../../../screens/Home.tsx';
import { Runner } from '../../../screens/Runner.tsx';
import { StatusScreen } from '../../../screens/status/StatusScreen.tsx';
import { cells, fitCells, padCells, tableLines, truncateCells, wrapCells, wrapParagraph } from '../../../src/util/cells.ts';
import { proseLines } from '../../../src/util/prose.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { FakeRun, commandStep, decisionStep, hostState } from '../../support/fake-run.ts';
import { statusOf } from '../../support/fleet-sizes.ts';
import { cleanupRendered, keys, renderScreen, type Rendered } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

const SIZES = [
  { columns: 80, rows: 24 },
  { columns: 120, rows: 30 },
  { columns: 250, rows: 60 },
];

/** Every line within the columns (in cells) and the frame shorter than the terminal (Ink redraws the whole screen past it). */
function assertFits(frame: string, size: { columns: number; rows: number }, what: string): void {
  const lines = frame.split('\n');
  assert.ok(lines.length < size.rows, `${what}: ${lines.length} lines on ${size.rows} rows:\n${frame}`);
  for (const l of lines) assert.ok(stringWidth(l) <= size.columns, `${what}: a line is ${stringWidth(l)} cells on ${size.columns} columns: ${l}`);
}

/** Box lines intact: every row between a ╭ and its ╰ starts and ends with │ at the same columns. */
function assertBoxes(frame: string, what: string): void {
  const lines = frame.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const top = lines[i]!;
    const at = top.indexOf('╭');
    if (at < 0) continue;
    const right = cells(top.slice(0, top.indexOf('╮')));
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.includes('╰'); j++) {
      const row = lines[j]!;
      assert.equal(row[at], '│', `${what}: row ${j} does not start with the box's border:\n${frame}`);
      const chars = [...row];
      let col = 0;
      let end = -1;
      for (const ch of chars) {
        if (col === right) end = ch === '│' ? col : -2;
        col += stringWidth(ch);
      }
      assert.equal(end, right, `${what}: row ${j} runs over or short of the box's right border:\n${frame}`);
    }
    assert.ok(j < lines.length, `${what}: a box is not closed:\n${frame}`);
    i = j;
  }
}

test('cells: pad, cut and tables count CJK and emoji as two cells, never split one', () => {
  assert.equal(cells('主节点'), 6);
  assert.equal(cells('🚀 go'), 5);
  assert.equal(padCells('主节点', 8), '主节点  ');
  assert.equal(truncateCells('主节点断电恢复', 7), '主节点…');
  assert.equal(cells(truncateCells('主节点断电恢复', 8)), 7, 'a wide character that does not fit is left out, not split');
  assert.equal(fitCells('ab', 4), 'ab  ');
  const rows = tableLines([
    ['HOST', 'STATE'],
    ['主节点一', 'ok'],
    ['m1', 'DOWN'],
  ]);
  const stateAt = rows.map((r) => cells(r.slice(0, r.search(/ok|DOWN|STATE/))));
  assert.deepEqual(new Set(stateAt).size, 1, `the second column starts at one cell for every row:\n${rows.join('\n')}`);
});

test('wrapping: lines break at spaces and between CJK characters, never over the width, punctuation never starts a line', () => {
  const zh = '主节点断电后重新上线时，先确认它的元数据版本不比元数据日志服务器旧，再让它接管虚拟地址。';
  for (const w of [10, 17, 40]) {
    const lines = wrapParagraph(zh, w);
    assert.ok(
      lines.every((l) => cells(l) <= w),
      lines.join('\n'),
    );
    assert.equal(lines.join(''), zh, 'no character lost or added');
    assert.ok(
      lines.every((l) => !/^[，。、]/.test(l)),
      `no line starts with closing punctuation:\n${lines.join('\n')}`,
    );
  }
  assert.deepEqual(wrapParagraph('one two three four', 10), ['one two', 'three four']);
  assert.deepEqual(wrapCells('a\n\nb', 10), ['a', '', 'b']);
  const mixed = wrapParagraph('run mfscli -SIN 查看集群状态 then 🚀 launch', 12);
  assert.ok(
    mixed.every((l) => cells(l) <= 12),
    mixed.join('\n'),
  );
});

test('prose: a paragraph the markdown source wrapped is one paragraph re-flowed to the width; lists hang; CJK lines join without a space', () => {
  const md = [
    'The recovered master is first started without the VIP, so no',
    'chunkserver, metalogger or client can reach it. Only then does',
    'the VIP move to it.',
    '',
    '1. Check the version of the metadata on',
    '   the metalogger host.',
    '2. Start it.',
    '',
    '主节点断电后重新上线时，先确认它的元数据版本不比元数据日志服务器旧，',
    '再让它接管虚拟地址。',
  ].join('\n');
  const wide = proseLines(md, 120);
  assert.deepEqual(wide, [
    'The recovered master is first started without the VIP, so no chunkserver, metalogger or client can reach it. Only then does the VIP move to it.'.slice(0, 120).replace(/ \S*$/, ''),
    'does the VIP move to it.',
    '',
    '1. Check the version of the metadata on the metalogger host.',
    '2. Start it.',
    '',
    '主节点断电后重新上线时，先确认它的元数据版本不比元数据日志服务器旧，再让它接管虚拟地址。',
  ]);
  const narrow = proseLines(md, 30);
  assert.ok(
    narrow.every((l) => cells(l) <= 30),
    narrow.join('\n'),
  );
  assert.ok(narrow.includes('   metalogger host.') || narrow.some((l) => /^ {3}\S/.test(l)), `a list item's next line hangs under its text:\n${narrow.join('\n')}`);
  assert.equal(narrow.filter((l) => l === '').length, 2, 'blocks are separated by one blank line each');
});

const titles = [
  { id: 'power-cut', title: '断电后主节点恢复', summary: '主节点断电后重新上线。', risk: 'high' as const, when: '主节点断电后' },
  { id: 'health-check', title: 'Cluster health check', summary: 'A read-only tour.', risk: 'low' as const, when: 'Any time.' },
  { id: 'rocket', title: '🚀 Restart everything', summary: 'x', risk: 'critical' as const, when: 'never' },
];
const many = [
  ...titles,
  ...Array.from({ length: 37 }, (_, i) => ({
    id: `rb${i}`,
    title: `Runbook number ${i} with a rather long title that goes on and on`,
    summary: `Summary ${i}.`,
    risk: (['low', 'medium', 'high', 'critical'] as const)[i % 4]!,
    when: 'When needed.',
  })),
];

function home(runbooks: typeof many, size: { columns: number; rows: number }): Rendered {
  return renderScreen(<Home runbooks={runbooks} unfinished={[]} cluster="lab" onPick={() => {}} onResume={() => {}} onStatus={() => {}} onTriage={() => {}} onQuit={() => {}} />, size);
}

test('home: CJK and emoji titles line up with ASCII ones; the risk column starts at one cell for every runbook', async () => {
  const r = home(titles, { columns: 80, rows: 24 });
  const frame = await r.waitFor('Cluster health check');
  const rows = frame.split('\n').filter((l) => / risk$/.test(l));
  assert.equal(rows.length, 3, frame);
  const at = rows.map((l) => cells(l.slice(0, l.search(/(low|high|critical) risk$/))));
  assert.equal(new Set(at).size, 1, `risk columns at ${at.join(', ')}:\n${frame}`);
});

test('home: ordered for an incident (triage and status, then runbooks safest first), risk on every row; fits every size with 40 runbooks', async () => {
  for (const size of SIZES) {
    const r = home(many, size);
    const frame = await r.waitFor('❯ Triage');
    assertFits(frame, size, `home ${size.columns}×${size.rows}`);
    const order = frame.split('\n').map((l) => l.replace(/^[❯ ] /, ''));
    const at = (re: RegExp) => order.findIndex((l) => re.test(l));
    assert.ok(at(/^Triage/) < at(/^Cluster status/) && at(/^Cluster status/) < at(/Cluster health check/), frame);
    const risks = frame.match(/(low|medium|high|critical) risk/g) ?? [];
    const rank = { low: 0, medium: 1, high: 2, critical: 3 } as Record<string, number>;
    assert.deepEqual(
      risks.map((x) => rank[x.split(' ')[0]!]),
      [...risks.map((x) => rank[x.split(' ')[0]!])].sort((a, b) => a! - b!),
      'safest first',
    );
    if (size.rows < 45) assert.match(frame, /↓ \d+ more/, 'a list longer than the screen says how much is below');
    r.unmount();
  }
});

test('home: typing filters the list (any case, every word), Backspace and Esc undo it, ? lists the keys', async () => {
  const r = home(many, { columns: 80, rows: 24 });
  await r.waitFor('❯ Triage');
  r.press('主节点');
  const filtered = await r.waitFor('filter: 主节点');
  assert.match(filtered, /❯ 断电后主节点恢复 +high risk/);
  assert.doesNotMatch(filtered, /Runbook number/);
  assert.match(filtered, /1 of 40 runbooks/);
  r.press(keys.escape);
  await r.waitFor((f) => f.includes('Runbook number') && !f.includes('filter:'));
  r.press('NUMBER 1');
  const two = await r.waitFor('filter: NUMBER 1');
  assert.match(two, /❯ Runbook number 1\d? with/);
  assert.match(two, /13 of 40 runbooks/);
  assert.doesNotMatch(two, /Cluster health check/);
  r.press('3');
  await r.waitFor('filter: NUMBER 13');
  r.press(keys.backspace);
  await r.waitFor((f) => f.includes('filter: NUMBER 1 '));
  r.press('zzz');
  await r.waitFor('Nothing matches "NUMBER 1zzz"');
  r.press(keys.escape);
  await r.waitFor((f) => f.includes('Cluster health check') && !f.includes('filter:'));
  r.press('?');
  const help = await r.waitFor('Keys');
  assert.match(help, /letters +filter the list/);
  assert.match(help, /esc +clear the filter/);
  assertFits(help, { columns: 80, rows: 24 }, 'home keys');
  r.press('?');
  await r.waitFor('❯ Triage');
});

/** A decision step whose prose the source wrapped, with a long question and labels, {{variables}} in them. */
function fenceRun(): FakeRun {
  const next = decisionStep('next', 'Next for {{inputs.fence}}', 'Did a master answer at the VIP {{vip}} in the previous step (ports open and a "metadata servers" row with a version)?', [
    { key: 'rebuild', label: 'Bring {{inputs.fence}} back as the standby (rebuild-master), then check the whole cluster twice', runbook: 'rebuild-master' },
    { key: 'later', label: 'Later, after the cause is fixed', goto: 'done' },
  ]);
  next.prose = [
    '{{inputs.fence}} is fenced and the cluster runs on one master, with no standby. Bring',
    '{{inputs.fence}} back as the standby with rebuild-master: it sets its old metadata aside',
    'and lets it follow the master. After a split brain, fix the VRRP path between the',
    'candidates first, or the split brain comes back as soon as keepalived starts there.',
  ].join('\n');
  const steps = [commandStep('first', '检查 {{inputs.fence}} 的状态', 'echo hi', { confirm: 'none' }), next, commandStep('done', 'Done', 'true')];
  const run = new FakeRun(steps, {});
  Object.assign(run, { renderText: (t: string) => t.replaceAll('{{inputs.fence}}', 'm2').replaceAll('{{vip}}', '10.9.0.100') });
  run.setStep('first', { status: 'succeeded', hosts: [hostState('m1', { status: 'succeeded', exitCode: 0, output: 'hi\n', attempts: 1 })] }, { cursor: 1, prompt: { kind: 'decide', stepId: 'next' } });
  return run;
}

test('runner: a decision step fits every size: prose re-flowed once (no line twice), question and every choice whole, nothing raw', async () => {
  for (const size of SIZES) {
    const r = renderScreen(<Runner ctrl={fenceRun()} title="Fence a master" cluster="lab" onLeave={() => {}} />, size);
    const frame = await r.waitFor('Later, after the cause is fixed');
    assertFits(frame, size, `runner ${size.columns}×${size.rows}`);
    assert.doesNotMatch(frame, /\{\{/, 'no raw template text');
    assert.match(frame, /✔ 1\. 检查 m2 的状态/, 'step titles are rendered too');
    const flat = frame.replace(/\s+/g, ' ');
    assert.match(flat, /m2 is fenced and the cluster runs on one master, with no standby\. Bring m2 back as the standby/);
    assert.match(flat, /Did a master answer at the VIP 10\.9\.0\.100 in the previous step \(ports open and a "metadata servers" row with a version\)\?/);
    assert.match(flat, /Bring m2 back as the standby \(rebuild-master\), then check the whole cluster twice → runbook rebuild-master/);
    const lines = frame.split('\n').filter((l) => l.trim().length > 20);
    assert.equal(new Set(lines).size, lines.length, `no line drawn twice:\n${frame}`);
    if (size.columns >= 120) {
      // Wide enough: the source's line breaks are gone, the paragraph is one line.
      assert.match(frame, /m2 is fenced and the cluster runs on one master, with no standby\. Bring m2 back as the standby with rebuild-master: it/);
    }
    r.unmount();
  }
});

test('runner: the finished summary fills in variables ("decision next: …")', async () => {
  const run = fenceRun();
  run.setStep(
    'next',
    { status: 'succeeded', choice: 'rebuild' },
    { cursor: 3, status: 'handed-off', reason: 'decision next: Bring m2 back as the standby', prompt: { kind: 'finished', status: 'handed-off', nextRunbook: 'rebuild-master' } },
  );
  const r = renderScreen(<Runner ctrl={run} title="Fence a master" onLeave={() => {}} />, { columns: 80, rows: 24 });
  const frame = await r.waitFor('Run handed off');
  assert.match(frame, /decision next: Bring m2 back as the standby/);
  assert.doesNotMatch(frame, /\{\{/);
});

test('runner: ? keys fit an 80×24 terminal, nothing over the width, the rest counted when cut', async () => {
  const r = renderScreen(<Runner ctrl={fenceRun()} title="Fence a master" onLeave={() => {}} />, { columns: 80, rows: 24 });
  await r.waitFor('Later, after the cause');
  r.press('?');
  const keysFrame = await r.waitFor((f) => f.includes('show or hide this list') || /keys 1–\d+ of \d+ lines/.test(f));
  assertFits(keysFrame, { columns: 80, rows: 24 }, 'runner keys');
  r.resize(120, 40);
  assertFits(await r.waitFor('show or hide this list'), { columns: 120, rows: 40 }, 'runner keys, 120×40');
  r.resize(80, 14);
  const small = await r.waitFor((f) => /keys 1–\d+ of \d+ lines/.test(f));
  assertFits(small, { columns: 80, rows: 14 }, 'runner keys, 14 rows');
});

test('runner: a confirmation on 60 hosts keeps its (y/n) on screen, the host count first', async () => {
  const hosts = Array.from({ length: 60 }, (_, i) => `chunk-${i}`);
  const step = commandStep('restart', 'Restart every chunkserver', 'systemctl restart moosefs-chunkserver', { confirm: 'yes' });
  const run = new FakeRun(
    [step],
    { restart: hosts.map((host) => ({ stepId: 'restart', host, script: 'systemctl restart moosefs-chunkserver' })) },
    { prompt: { kind: 'confirm', stepId: 'restart', level: 'yes' } },
  );
  const r = renderScreen(<Runner ctrl={run} title="Restart" onLeave={() => {}} />, { columns: 80, rows: 24 });
  const frame = await r.waitFor('(y/n)');
  assert.match(frame, /Run this on 60 hosts \(chunk-0, chunk-1, .*…? \(y\/n\)/);
  assertFits(frame, { columns: 80, rows: 24 }, 'confirm 60 hosts');
});

test('runner in Chinese: a confirmation on 60 hosts with a Chinese title fits every size, its question and (y/n) kept, no English label', async () => {
  setLanguage('zh');
  try {
    const hosts = Array.from({ length: 60 }, (_, i) => `块服务器-${i}`);
    const step = commandStep('restart', '重启所有块服务器（chunkserver）', 'systemctl restart moosefs-chunkserver', { confirm: 'yes' });
    for (const size of SIZES) {
      const run = new FakeRun(
        [step],
        { restart: hosts.map((host) => ({ stepId: 'restart', host, script: 'systemctl restart moosefs-chunkserver' })) },
        { prompt: { kind: 'confirm', stepId: 'restart', level: 'yes' } },
      );
      const r = renderScreen(<Runner ctrl={run} title="重启块服务器" cluster="lab" onLeave={() => {}} />, size);
      const frame = await r.waitFor('(y/n)');
      assertFits(frame, size, `runner zh ${size.columns}×${size.rows}`);
      assert.match(frame, /在 60 台主机（块服务器-0/, 'the host count first, in Chinese');
      assert.match(frame, /重启所有块服务器/);
      assert.doesNotMatch(frame, /Run this on|Run this step/);
      r.unmount();
    }
  } finally {
    setLanguage('en');
  }
});

test('status screen: 3 to 60 hosts with some down fit 80×24 to 250×60: boxes intact, VIP holder and alerts kept, hosts scroll with their position', async () => {
  for (const n of [3, 12, 60]) {
    const store = await statusOf(n);
    for (const size of SIZES) {
      const r = renderScreen(<StatusScreen store={store} rows={size.rows - 1} columns={size.columns} />, size);
      const frame = await r.waitFor('held by m1');
      const what = `status ${n} hosts ${size.columns}×${size.rows}`;
      assertFits(frame, size, what);
      assertBoxes(frame, what);
      assert.match(frame, /VIP 10\.9\.0\.100 {2}held by m1/, what);
      assert.match(frame, /✖ 300 chunks are endangered/, `${what}: the critical alert stays`);
      if (n > 3) assert.match(frame, /chunk-03 +DOWN/, `${what}: a down host is among the rows shown (problems first)`);
      const pos = /hosts 1–(\d+) of (\d+)/.exec(frame);
      const rows = frame.split('\n').filter((l) => /│ (m\d|chunk-\d\d) /.test(l)).length;
      if (pos) assert.equal(Number(pos[1]), rows, `${what}: the position says how many rows show`);
      else assert.equal(rows, n, `${what}: every host shows when no position is given:\n${frame}`);
      r.unmount();
    }
    store.stop();
  }
});

test('status screen: ↓ and PgDn scroll the host table; the position follows', async () => {
  const store = await statusOf(60);
  const r = renderScreen(<StatusScreen store={store} rows={23} columns={80} />, { columns: 80, rows: 24 });
  const first = await r.waitFor(/hosts 1–\d+ of 60/);
  const page = Number(/hosts 1–(\d+) of 60/.exec(first)![1]);
  r.press(keys.down);
  await r.waitFor(`hosts 2–${page + 1} of 60`);
  r.press('\u001B[6~'); // PgDn
  await r.waitFor(`hosts ${page + 2}–${2 * page + 1} of 60`);
  store.stop();
});

test('home in Chinese: every label through the catalogue, the risk column lined up in cells, within 80×24', async () => {
  setLanguage('zh');
  try {
    const r = home(many, { columns: 80, rows: 24 });
    const frame = await r.waitFor('分诊');
    assertFits(frame, { columns: 80, rows: 24 }, 'home zh');
    assert.match(frame, /先看情况/);
    assert.match(frame, /运行手册（风险从低到高）/);
    assert.match(frame, /输入筛选/);
    const rows = frame.split('\n').filter((l) => /(低|中|高|极高)风险$/.test(l));
    assert.ok(rows.length > 3, frame);
    const at = rows.map((l) => cells(l.slice(0, l.search(/(低|中|高|极高)风险$/))));
    assert.equal(new Set(at).size, 1, `risk columns at ${at.join(', ')}:\n${frame}`);
    assert.doesNotMatch(frame, /low risk|Look first|Cluster status/);
  } finally {
    setLanguage('en');
  }
});
