// monitoring/: the Prometheus alert rules pass `promtool check rules` and their own
// `promtool test rules` unit tests; the Grafana dashboard is importable JSON whose every
// expression parses (promtool, through a rules file wrapping each one) and whose every
// moosefs_* metric — and every one the alert rules name — is one the exporter writes
// (statusToMetrics on real mfscli captures, test/fixtures/status).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { StatusPoller } from '../../../src/status/poller.ts';
import { statusToMetrics } from '../../../src/status/prometheus.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

const ROOT = join(import.meta.dirname, '../../../monitoring');
const RULES = join(ROOT, 'prometheus/moosefs-alerts.yml');
const DASHBOARD = join(ROOT, 'grafana/moosefs-dashboard.json');
const promtool = spawnSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).stdout.trim();
const needsPromtool = { skip: promtool ? false : 'promtool not installed (Debian package prometheus)' };

function run(args: string[], cwd?: string): { code: number | null; out: string } {
  const r = spawnSync(promtool, args, { encoding: 'utf8', cwd, timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  id: null;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
}

const dashboard = (): Dashboard => JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;

/** Grafana's variables replaced by what Prometheus would get, so promtool can parse the query. */
const grafanaToPromql = (expr: string) => expr.replace(/\$\{?cluster\}?/g, '.*').replace(/\$__(rate_)?interval/g, '5m').replace(/\$__range/g, '1h');

const metricNames = (expr: string) => new Set(expr.match(/\bmoosefs_[a-zA-Z0-9_]+/g) ?? []);

async function snapshot(hosts: FakeHost[], viaVip: string, candidates: string) {
  const c = fakeCluster(hosts, { viaVip, candidates });
  const p = new StatusPoller({ inventory: inventoryOf(hosts), executorFor: (h) => c.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  await p.sweep();
  return p.getState();
}

/** Every family statusToMetrics writes across the captured situations (healthy with every section, split brain, chunkserver down, no master). */
async function exportedNames(): Promise<Set<string>> {
  // A master that has stored its metadata once (the captures come from fresh masters, which print `-` there).
  const saved = simRows([{ ip: '10.251.9.1', version: 1510 }, { ip: '10.251.9.2' }]).replace('|-|-|-|60031CB7B5B13C8D', '|1795635000|0.2|Saved in background|60031CB7B5B13C8D');
  const two = healthyHosts();
  two[1] = { ...two[1]!, vip: true, daemons: ['mfsmaster'] };
  const states = [
    await snapshot(healthyHosts(), `${fixture('healthy-goal3.txt')}\n${fixture('sections-SSC-SQU-SHD.txt')}`, saved),
    await snapshot(two, fixture('chunkserver-down.txt'), fixture('SIM-two-masters.txt')),
    await snapshot(healthyHosts(), fixture('no-master.txt'), fixture('SIM-one-dead.txt')),
  ];
  const names = new Set<string>();
  for (const s of states) for (const m of statusToMetrics(s).matchAll(/^# TYPE (\S+) /gm)) names.add(m[1]!);
  return names;
}

describe('monitoring/: alert rules and Grafana dashboard', () => {
  it('alert rules: promtool check rules, and promtool test rules passes', needsPromtool, () => {
    const check = run(['check', 'rules', RULES]);
    assert.equal(check.code, 0, check.out);
    assert.match(check.out, /SUCCESS: \d+ rules found/);
    const test = run(['test', 'rules', 'moosefs-alerts.test.yml'], join(ROOT, 'prometheus'));
    assert.equal(test.code, 0, test.out);
    assert.match(test.out, /SUCCESS/);
  });

  it('alert rules: one per fault the issue names, each with a severity and a summary, tested in the promtool tests', () => {
    const rules = (parse(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[] }).groups.flatMap((g) => g.rules);
    const names = rules.map((r) => r.alert);
    for (const want of ['MooseFSSplitBrain', 'MooseFSNoVipHolder', 'MooseFSMasterDown', 'MooseFSStandbyNotReady', 'MooseFSMetaloggerBehind', 'MooseFSChunksMissing', 'MooseFSChunksEndangered', 'MooseFSChunkserverDown', 'MooseFSScrapeFailing']) {
      assert.ok(names.includes(want), `no alert ${want} in ${RULES}`);
    }
    const tests = readFileSync(join(ROOT, 'prometheus/moosefs-alerts.test.yml'), 'utf8');
    for (const r of rules) {
      assert.match(r.labels.severity ?? '', /^(critical|warning)$/, r.alert);
      assert.ok(r.annotations.summary, `${r.alert} has no summary`);
      // A fired (non-empty) expectation for every rule, not only "nothing fires when healthy".
      assert.match(tests, new RegExp(`alertname: ${r.alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`), `${r.alert} is never shown firing in the promtool tests`);
    }
  });

  it('dashboard: importable JSON shape (uid, datasource variable, unique ids, panels inside 24 columns without overlap)', () => {
    const d = dashboard();
    assert.equal(d.id, null, 'an exported dashboard has id null, or import overwrites another');
    assert.match(d.uid, /^[a-zA-Z0-9_-]{1,40}$/);
    assert.ok(d.title && d.schemaVersion >= 30);
    const vars = d.templating.list;
    assert.ok(vars.some((v) => v.name === 'datasource' && v.type === 'datasource' && v.query === 'prometheus'), 'a Prometheus datasource variable, so import asks for none by uid');
    assert.ok(vars.some((v) => v.name === 'cluster'));
    const ids = d.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    const cells = new Map<string, string>();
    for (const p of d.panels) {
      assert.ok(['row', 'stat', 'timeseries', 'table', 'gauge', 'bargauge'].includes(p.type), `${p.title}: panel type ${p.type}`);
      const g = p.gridPos;
      assert.ok(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0 && g.y >= 0, `${p.title}: gridPos ${JSON.stringify(g)}`);
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          const other = cells.get(`${x},${y}`);
          assert.equal(other, undefined, `${p.title} overlaps ${other}`);
          cells.set(`${x},${y}`, p.title);
        }
      }
      if (p.type === 'row') continue;
      assert.ok(p.targets && p.targets.length > 0, `${p.title} has no query`);
      const refs = p.targets.map((t) => t.refId);
      assert.equal(new Set(refs).size, refs.length, `${p.title}: refIds are unique`);
      for (const t of p.targets) {
        assert.equal(t.datasource?.uid, '${datasource}', `${p.title}: every query uses the datasource variable`);
        assert.match(t.expr, /cluster=~"\$cluster"/, `${p.title}: ${t.expr} is not filtered by the cluster variable`);
      }
    }
    for (const want of ['Split brain', 'VIP holder', 'Standby ready']) assert.ok(d.panels.some((p) => p.title === want), `no "${want}" panel`);
  });

  it('dashboard: every expression parses (promtool check rules on a file wrapping each one)', needsPromtool, () => {
    const exprs = dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: grafanaToPromql(t.expr) })));
    assert.ok(exprs.length > 20);
    const dir = mkdtempSync(join(tmpdir(), 'mfs-tui-dash-'));
    try {
      const file = join(dir, 'exprs.yml');
      const rules = exprs.map((e, i) => `      - record: dashboard:expr_${i}\n        expr: ${JSON.stringify(e.expr)}`).join('\n');
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}\n`);
      const r = run(['check', 'rules', file]);
      assert.equal(r.code, 0, `${r.out}\n${exprs.map((e, i) => `expr_${i} (${e.panel}): ${e.expr}`).join('\n')}`);
      assert.match(r.out, new RegExp(`SUCCESS: ${exprs.length} rules found`));
      // The trick does catch a broken expression.
      writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n      - record: dashboard:bad\n        expr: "max(moosefs_split_brain{cluster=~\\".*\\"}"\n`);
      assert.equal(run(['check', 'rules', file]).code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dashboard and alert rules name only metrics the exporter writes', async () => {
    const exported = await exportedNames();
    const used = new Map<string, string>();
    for (const p of dashboard().panels) for (const t of p.targets ?? []) for (const n of metricNames(t.expr)) used.set(n, `dashboard panel "${p.title}"`);
    for (const n of metricNames(readFileSync(RULES, 'utf8'))) used.set(n, 'alert rules');
    assert.ok(used.size > 30, `only ${used.size} metric names found`);
    const missing = [...used].filter(([n]) => !exported.has(n)).map(([n, where]) => `${n} (${where})`);
    assert.deepEqual(missing, [], `named but never exported:\n${missing.join('\n')}`);
    // The seeds' families are all there (dashboard 16700 queries them).
    for (const family of ['moosefs_active_quotas_current_inodes', 'moosefs_storage_classes_create', 'moosefs_chunk_servers_regular_hdd_space_used', 'moosefs_metadata_servers_last_meta_save', 'moosefs_master_info_total_space']) {
      assert.ok(exported.has(family), family);
    }
  });
});
