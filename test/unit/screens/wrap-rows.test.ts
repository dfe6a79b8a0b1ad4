// The confirmation view wraps long command lines by terminal cells instead of cutting them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import stringWidth from 'string-width';
import { wrapRows } from '../../../screens/runner/StepDetail.tsx';

test('a long command line wraps at the width in cells, every character kept, wide ones counted twice', () => {
  const long = `  $ echo ${'x'.repeat(50)}END`;
  const rows = wrapRows(['on m1:', long], 20);
  assert.equal(rows[0], 'on m1:');
  assert.ok(
    rows.every((r) => stringWidth(r) <= 20),
    rows.join('\n'),
  );
  assert.equal(
    rows
      .slice(1)
      .map((r, i) => (i === 0 ? r : r.replace(/^ {6}↪ /, '')))
      .join(''),
    long,
  );
  const wide = wrapRows([`  $ echo ${'日'.repeat(20)}`], 20);
  assert.ok(wide.length > 1 && wide.every((r) => stringWidth(r) <= 20), wide.join('\n'));
  assert.deepEqual(wrapRows(['short'], 20), ['short']);
});
