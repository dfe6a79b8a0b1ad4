// Triage in Chinese: the same snapshot gives the same codes, runbooks and commands, with the
// titles and the text frame in Chinese (interpolated hosts and VIP in place); English unchanged.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { StatusPoller } from '../../../src/status/poller.ts';
import { builtinRunbookDir, loadRunbookDir } from '../../../src/runbook/library.ts';
import { renderTriageText, triage, triageToJson } from '../../../src/triage/index.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { fakeCluster, fixture, healthyHosts, inventoryOf, simRows, type FakeHost } from '../../support/fake-cluster.ts';

const runbooks = loadRunbookDir(builtinRunbookDir()).runbooks;

async function powerCutAndChunkserverDown() {
  const ml: FakeHost = { name: 'ml', address: '10.251.9.13', roles: ['metalogger'], daemons: ['mfsmetalogger'], changelog: 1509 };
  const hs: FakeHost[] = [...healthyHosts(), ml].map((h): FakeHost => (h.name === 'm1' ? { ...h, daemons: ['keepalived'] } : h.name === 'c1' ? { ...h, daemons: [] } : h));
  // no-master.txt: captured from real MooseFS 3.0.117 (test/fixtures/status).
  const cluster = fakeCluster(hs, { viaVip: fixture('no-master.txt'), candidates: simRows([{ ip: '10.251.9.1' }, { ip: '10.251.9.2' }]) });
  const poller = new StatusPoller({ inventory: inventoryOf(hs), executorFor: (h) => cluster.executorFor(h) }, { intervalMs: 100, hostTimeoutMs: 2000, staleAfterMs: 5000 });
  await poller.sweep();
  poller.stop();
  return poller.getState();
}

describe('triage in Chinese', () => {
  after(() => setLanguage('en'));

  it('titles and the text frame in Chinese; codes, runbooks, inputs and commands as in English', async () => {
    const status = await powerCutAndChunkserverDown();
    setLanguage('en');
    const english = triage(status, runbooks);
    const englishText = renderTriageText(english);
    setLanguage('zh');
    const chinese = triage(status, runbooks);
    const text = renderTriageText(chinese);
    assert.deepEqual(
      chinese.findings.map((f) => f.code),
      english.findings.map((f) => f.code),
    );
    assert.deepEqual(
      triageToJson(chinese).findings.map((f) => (f.recommendation.runbook === null ? null : f.recommendation.command)),
      triageToJson(english).findings.map((f) => (f.recommendation.runbook === null ? null : f.recommendation.command)),
    );
    assert.match(text, /^集群 test：2 个问题，最危险的在前。/);
    assert.match(text, /1\. 严重 没有 master 在服务：m1 持有 VIP 10\.9\.0\.100，但上面的 mfsmaster 没有运行 \[master-down\]/);
    assert.match(text, /证据：/);
    assert.match(text, /打开它：mfs-tui run power-cut --input host=m1 --input host_address=10\.251\.9\.1 --input metalogger=ml/);
    assert.match(text, /2\. 严重 chunkserver c1 宕了：mfschunkserver 没有运行 \[chunkserver-down\]/);
    setLanguage('en');
    assert.equal(renderTriageText(triage(status, runbooks)), englishText);
    assert.match(englishText, /1\. CRITICAL No master serves: mfsmaster is not running on m1, which holds the VIP 10\.9\.0\.100 \[master-down\]/);
  });
});
