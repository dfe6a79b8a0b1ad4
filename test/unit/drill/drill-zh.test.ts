// A drill refused for bad usage says why in Chinese under --lang zh (the progress lines and
// refusals of src/drill/drill.ts come from the catalogue); English unchanged.
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
