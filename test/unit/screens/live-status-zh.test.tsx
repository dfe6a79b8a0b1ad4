// The live status while it connects, and when it cannot, under --lang zh: the screen's own
// words are Chinese (the error as the session gave it); English unchanged.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { LiveStatus } from '../../../screens/status/LiveStatus.tsx';
import type { StatusStore } from '../../../screens/status/useStatus.ts';
import { setLanguage } from '../../../src/i18n/index.ts';
import { englishPhrase } from '../../support/english-phrase.ts';
import { cleanupRendered, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);
before(() => setLanguage('zh'));
after(() => setLanguage('en'));

test('connecting, then a session that cannot start: Chinese, no English prose of the screen', async () => {
  let fail!: (e: Error) => void;
  const loading = new Promise<StatusStore>((_, reject) => (fail = reject));
  const r = renderScreen(<LiveStatus load={() => loading} />);
  const connecting = await r.waitFor('正在连接集群…');
  assert.equal(englishPhrase(connecting), undefined, connecting);
  fail(new Error('h1：无法连到 127.0.0.1:1：连接被拒绝'));
  const failed = await r.waitFor('无法获取集群状态：');
  assert.match(failed, /无法获取集群状态：h1：无法连到 127\.0\.0\.1:1：连接被拒绝/);
});

test('English unchanged', async () => {
  setLanguage('en');
  try {
    const r = renderScreen(<LiveStatus load={() => new Promise<StatusStore>(() => {})} />);
    await r.waitFor('Connecting to the cluster…');
  } finally {
    setLanguage('zh');
  }
});
