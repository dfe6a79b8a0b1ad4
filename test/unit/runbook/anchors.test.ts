import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { AnchorSlugger, githubAnchor, labelKey } from '../../../src/runbook/anchors.ts';
import { builtinRunbookDir, runbookFilesIn } from '../../../src/runbook/catalog.ts';
import { parseRunbook } from '../../../src/runbook/parse.ts';
import { validateRunbook } from '../../../src/runbook/validate.ts';

const FRONT = '---\nid: t\ntitle: T\nsummary: s\nwhen: w\nrisk: low\n---\n\n';
const parse = (body: string) => parseRunbook(FRONT + body, 'book.md');
/** Line numbers in `body` as the file has them (the front matter is 8 lines). */
const line = (n: number) => n + 8;

describe('GitHub heading anchors', () => {
  // Expected values are github-slugger's own fixtures (Flet/github-slugger test/fixtures.json),
  // the algorithm github.com uses for heading anchors; fed in the same order.
  it('gives the anchors github-slugger gives, duplicates numbered', () => {
    const s = new AnchorSlugger();
    const cases: [string, string][] = [
      ['alpha', 'alpha'],
      ['alpha', 'alpha-1'],
      ['bravoCharlieDelta', 'bravocharliedelta'],
      ['echo', 'echo'],
      ['echo', 'echo-1'],
      ['echo 1', 'echo-1-1'],
      ['echo-1', 'echo-1-2'],
      ['echo', 'echo-2'],
      ['heading with a - dash', 'heading-with-a---dash'],
      ['heading with an _ underscore', 'heading-with-an-_-underscore'],
      ['heading with a period.txt', 'heading-with-a-periodtxt'],
      ['exchange.bind_headers(exchange, routing [, bindCallback])', 'exchangebind_headersexchange-routing--bindcallback'],
      ['apostrophe’s should be trimmed', 'apostrophes-should-be-trimmed'],
      ['I ♥ unicode', 'i--unicode'],
      ['en–dash', 'endash'],
      ['😄 unicode emoji', '-unicode-emoji'],
      ['Привет non-latin 你好', 'привет-non-latin-你好'],
      [':ok_hand: Single', 'ok_hand-single'],
    ];
    for (const [input, expected] of cases) assert.equal(s.slug(input), expected, input);
  });

  it('keeps CJK and drops full-width punctuation', () => {
    assert.equal(githubAnchor('第一步：停止主控（m1）'), '第一步停止主控m1');
    assert.equal(githubAnchor('谁持有 VIP？'), '谁持有-vip');
  });

  it('choice keys: ASCII labels keep their old keys, CJK labels give CJK keys', () => {
    assert.equal(labelKey('No, look at the whole cluster'), 'no-look-at-the-whole-cluster');
    assert.equal(labelKey('Café!'), 'cafe');
    assert.equal(labelKey('是'), '是');
    assert.equal(labelKey('否，再看一次'), '否-再看一次');
  });
});

describe('a runbook written only in Chinese', () => {
  const body = `# 重启数据存储服务器

先看[检查集群](#第一步检查集群)。

## 第一步：检查集群

\`\`\`sh on=chunkserver confirm=none
echo ok
\`\`\`

## 好了吗？

\`\`\`decision
question: 数据存储服务器回来了吗？
choices:
  - label: 是
    goto: 完成
  - label: 否
    goto: 第一步检查集群
\`\`\`

## 完成

记录到维护日志。
`;
  const { runbook, problems } = parse(body);

  it('parses and validates clean', () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(validateRunbook(runbook!, {}), []);
  });

  it('takes step ids from the CJK headings as GitHub anchors, choice keys from CJK labels', () => {
    assert.deepEqual(
      runbook!.steps.map((s) => s.id),
      ['第一步检查集群', '好了吗', '完成'],
    );
    assert.deepEqual(
      runbook!.steps[1]!.decision!.choices.map((c) => c.key),
      ['是', '否'],
    );
    assert.equal(runbook!.steps[0]!.title, '第一步：检查集群');
  });
});

describe('explicit step ids in an HTML comment', () => {
  it('reads <!-- id: … --> on the line under the heading; it is not prose', () => {
    const { runbook, problems } = parse('## 隔离旧主控\n<!-- id: fence -->\n\n隔离它。\n\n## Next\n\nok\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runbook!.steps.map((s) => [s.id, s.title, s.prose]),
      [
        ['fence', '隔离旧主控', '隔离它。'],
        ['next', 'Next', 'ok'],
      ],
    );
  });

  it('gives the same step hash as the old {#id} form, so a resumed run sees no change', () => {
    const old = parse('## Stop it {#stop}\n\nStops it.\n\n```sh on=local\necho x\n```\n').runbook!;
    const now = parse('## Stop it\n<!-- id: stop -->\n\nStops it.\n\n```sh on=local\necho x\n```\n').runbook!;
    assert.equal(now.steps[0]!.id, 'stop');
    assert.equal(now.steps[0]!.hash, old.steps[0]!.hash);
  });

  it('still reads the old {#id} form', () => {
    assert.equal(parse('## Stop it {#stop}\n\nx\n').runbook!.steps[0]!.id, 'stop');
  });

  it('refuses an id comment that is not right under a step heading, one inside the heading, and two ids', () => {
    const away = parse('## A\n\ntext\n\n<!-- id: a -->\n').problems;
    assert.deepEqual(
      away.map((p) => [p.line, p.message.slice(0, 40)]),
      [[line(5), 'an id comment belongs on the line right ']],
    );
    const inside = parse('## A <!-- id: a -->\n\nx\n').problems;
    assert.match(inside[0]!.message, /on its own line right under the heading/);
    assert.equal(inside[0]!.line, line(1));
    const both = parse('## A {#a}\n<!-- id: b -->\n\nx\n').problems;
    assert.match(both[0]!.message, /already has an id/);
    assert.equal(both[0]!.line, line(2));
  });

  it('refuses a bad explicit id at its column', () => {
    const p = parse('## A\n<!-- id: bad id -->\n').problems;
    assert.deepEqual([p[0]!.line, p[0]!.column], [line(2), 10]);
    assert.match(p[0]!.message, /bad step id "bad id"/);
  });

  it('a heading with no anchor needs an explicit id', () => {
    assert.match(parse('## 🚀\n\nx\n').problems[0]!.message, /gives an empty id.*<!-- id: step-id -->/);
    assert.deepEqual(parse('## 🚀\n<!-- id: launch -->\n\nx\n').problems, []);
  });

  it('other HTML comments are not shown as prose', () => {
    assert.equal(parse('## A\n\n<!-- a note for editors -->\n\ntext\n').runbook!.steps[0]!.prose, 'text');
  });
});

describe('step ids and in-page links follow GitHub', () => {
  it('numbers repeated headings as GitHub does, counting the title and ### headings', () => {
    const { runbook, problems } = parse('# Check\n\n## Check\n\n### Done\n\nx\n\n## Done\n\ny\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(
      runbook!.steps.map((s) => s.id),
      ['check-1', 'done-1'],
    );
  });

  it('accepts links to any heading anchor, also percent-encoded', () => {
    const { problems } = parse('## 检查\n\nsee [a](#检查), [b](#%E6%A3%80%E6%9F%A5), [c](#sub), [d][ref]\n\n### Sub\n\n[ref]: #检查\n');
    assert.deepEqual(problems, []);
  });

  it('reports a link to no anchor at its place, and says which anchor a step id stands for', () => {
    const { problems } = parse('## Stop the master\n<!-- id: stop -->\n\nsee [x](#nowhere) and [y](#stop) and [z](#Stop-the-master)\n');
    assert.deepEqual(
      problems.map((p) => [p.line, p.column, p.message]),
      [
        [line(4), 5, 'link to #nowhere: no heading of this file has this anchor (an anchor is the heading in lower case, punctuation removed, spaces as -)'],
        [line(4), 23, 'link to #stop: "stop" is the id of step "Stop the master", but links go by heading anchors (as on GitHub): write (#stop-the-master)'],
        [line(4), 38, 'link to #Stop-the-master: anchors are lower-case: write (#stop-the-master)'],
      ],
    );
  });
});

describe('the shipped runbooks read well on GitHub', () => {
  it('no heading carries a {#id} (GitHub would show it as text)', () => {
    for (const file of runbookFilesIn(builtinRunbookDir())) {
      const text = readFileSync(file, 'utf8');
      text.split('\n').forEach((l, i) => assert.doesNotMatch(l, /^#+ .*\{#[^}]*\}\s*$/, `${file}:${i + 1}`));
    }
  });
});
