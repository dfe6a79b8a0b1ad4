// The one cluster question before dangerous work on a cluster nobody named, and on one whose
// inventory calls itself by another name than the operator gave (a copied file).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterCheck, needsClusterCheck } from '../../../screens/ClusterCheck.tsx';
import { cleanupRendered, keys, renderScreen, tick } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

test('a name that is not the inventory own: asked, told, and only the inventory name goes on', async () => {
  const choice = { named: false, source: '--cluster', file: '/etc/mfs-tui/staging.yaml', asked: 'staging', calledInFile: 'prod' };
  assert.equal(needsClusterCheck('critical', choice, false), true);
  assert.equal(needsClusterCheck('low', choice, false), false);
  let confirmed = 0;
  const r = renderScreen(<ClusterCheck cluster="prod" choice={choice} title="Lost master" risk="critical" onConfirm={() => confirmed++} onCancel={() => {}} />, { columns: 80, rows: 24 });
  const frame = await r.waitFor('Type');
  assert.match(frame.replace(/\s+/g, ' '), /You asked for 'staging' \(--cluster\), but its inventory \/etc\/mfs-tui\/staging\.yaml says cluster: 'prod'/);
  r.press('staging');
  await tick();
  r.press(keys.enter);
  await r.waitFor('that is not prod: not confirmed');
  assert.equal(confirmed, 0, 'the name asked for is not the cluster the file says');
  r.press('prod');
  await tick();
  r.press(keys.enter);
  for (let i = 0; i < 100 && confirmed === 0; i++) await tick(10);
  assert.equal(confirmed, 1);
});

test('a cluster remembered from last time: the reason shown is that nobody named it', async () => {
  const choice = { named: false, source: 'remembered', file: '/x/prod.yaml' };
  const r = renderScreen(<ClusterCheck cluster="prod" choice={choice} title="Power cut" risk="high" onConfirm={() => {}} onCancel={() => {}} />, { columns: 80, rows: 24 });
  const frame = await r.waitFor('Type');
  assert.match(frame.replace(/\s+/g, ' '), /not named for this session: it is the inventory you used last \(\/x\/prod\.yaml\)/);
  assert.doesNotMatch(frame, /You asked for/);
});
