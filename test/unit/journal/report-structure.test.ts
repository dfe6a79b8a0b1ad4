// Values from the operator, the inventory, the runbook file or a host never change the
// incident report's structure: the same journal rendered once with plain values and once
// with hostile ones (backticks, line breaks, a heading, a list item, a fence, a table row,
// HTML, links, emphasis, math) gives the same markdown tree (CommonMark, as GitHub and
// other renderers read it), and each hostile value still reads in full, escaped, in its place.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { renderReport, type JournalDamage } from '../../../src/journal/report.ts';
import type { JournalRecord } from '../../../src/journal/types.ts';
import type { Runbook } from '../../../src/runbook/types.ts';
import { visibleLine } from '../../../src/util/visible.ts';
import { mdCode, mdFence, mdText } from '../../../src/util/markdown.ts';

const HOSTILE = 'v`a``l```\n\n# Heading\n- item\n```\n| x | y |\n<details>\n[l](http://e.x) *em* _u_ $m$ ~~s~~ &amp; \\`~~~';

/** Every record type with every free-text field set to `v` (a plain word or the hostile value). */
function journal(v: (name: string) => string): JournalRecord[] {
  const ts = '2026-11-25T19:00:00.000Z';
  const r = (type: string, fields: Record<string, unknown>) => ({ seq: 0, ts, type, ...fields });
  return [
    r('run-started', {
      runId: v('run'),
      runbook: { id: v('book'), title: v('title'), file: v('file'), hash: 'h'.repeat(64), steps: [] },
      inventory: { file: v('inv'), hash: 'i'.repeat(64), cluster: v('cluster') },
      inputs: { [v('key')]: v('input'), plain: v('input2') },
      operator: v('op'),
      machine: v('machine'),
      mode: 'interactive',
    }),
    r('confirmed', { stepId: v('s1'), host: v('h1'), how: 'typed', typed: v('typed') }),
    r('refused', { stepId: v('s1'), host: v('h1'), typed: v('typed2'), reason: v('why') }),
    r('preconditions', { stepId: v('s1'), results: [{ name: v('pre'), met: false, detail: v('detail') }], outcome: 'warned', dangerous: true }),
    r('step-started', { stepId: v('s1'), host: v('h1'), phase: 'command', command: v('cmd'), attempt: 1 }),
    r('output', { stepId: v('s1'), host: v('h1'), phase: 'command', stream: 'stdout', data: `${v('out')}\n` }),
    r('step-finished', { stepId: v('s1'), host: v('h1'), phase: 'command', exitCode: null, signal: v('sig'), durationMs: 5, ok: false, reason: v('failed') }),
    r('connection-lost', { stepId: v('s1'), host: v('h1'), phase: 'command', reason: v('lost') }),
    r('resumed', { pid: 42, changedSteps: [v('changed')], operator: v('op2'), lostLine: { line: 9, text: v('torn') } }),
    r('job-checked', { stepId: v('s1'), host: v('h1'), phase: 'command', state: 'finished', detail: v('checked') }),
    r('in-doubt-resolved', { stepId: v('s1'), host: v('h1'), action: 'mark-done' }),
    r('step-skipped', { stepId: v('s2'), host: v('h2'), by: 'operator', reason: v('skip') }),
    r('acknowledged', { stepId: v('s3') }),
    r('decided', { stepId: v('s4'), choice: v('choice'), runbook: v('next') }),
    r('step-started', { stepId: v('s5'), host: v('h5'), phase: 'check', command: v('cmd5'), attempt: 1 }),
    r('run-finished', { status: 'handed-off', nextRunbook: v('next2'), reason: v('end') }),
  ] as unknown as JournalRecord[];
}

const book = (v: (name: string) => string) =>
  ({
    id: v('book'),
    title: v('title'),
    steps: [
      { id: v('s1'), title: v('t1') },
      { id: v('never'), title: v('t-never') },
    ],
  }) as unknown as Runbook;
const damage = (v: (name: string) => string): JournalDamage => ({ problems: [v('damage')], torn: { line: 7, text: v('torn2') }, file: v('jfile') });

/** The block structure of a markdown document: node types, heading depths, list sizes, fence count, not the text. */
function skeleton(node: Nodes): unknown {
  if (node.type === 'text' || node.type === 'inlineCode') return node.type;
  if (node.type === 'code') return 'code';
  const children = 'children' in node ? (node.children as Nodes[]).map(skeleton) : [];
  return { type: node.type, ...(node.type === 'heading' ? { depth: node.depth } : {}), children: children.filter((c, i) => !(c === 'text' && children[i - 1] === 'text')) };
}

function render(v: (name: string) => string): string {
  return renderReport(journal(v), book(v), damage(v));
}

describe('the incident report keeps its structure whatever the values hold', () => {
  const plain = render((name) => `x${name.replace(/\W/g, '')}`);
  const hostile = render((name) => `${name} ${HOSTILE}`);

  it('the same markdown tree with plain and with hostile values', () => {
    const a = skeleton(fromMarkdown(plain) as Root);
    const b = skeleton(fromMarkdown(hostile) as Root);
    assert.deepEqual(b, a, `the hostile values changed the report's structure:\n${hostile}`);
  });

  it('each value still reads in full, escaped', () => {
    const one = visibleLine(`input ${HOSTILE}`);
    assert.ok(hostile.includes(mdCode(`input ${HOSTILE}`)), `the input value as inline code:\n${hostile}`);
    assert.ok(mdCode(`input ${HOSTILE}`).includes(one));
    assert.ok(hostile.includes(mdText(`why ${HOSTILE}`)), `the refusal reason as text:\n${hostile}`);
    assert.ok(hostile.includes(mdFence(`cmd ${HOSTILE}`, 'sh')), `the command, whole, in its fence:\n${hostile}`);
    assert.ok(hostile.includes(mdFence(`out ${HOSTILE}`)), `the output, whole, in its fence:\n${hostile}`);
  });
});

describe('markdown value helpers', () => {
  const parse = (md: string) => fromMarkdown(md) as Root;
  const textOf = (n: Nodes): string => ('value' in n ? String(n.value) : 'children' in n ? (n.children as Nodes[]).map(textOf).join('') : '');

  it('mdText renders as the value itself, one paragraph, no markup', () => {
    const v = 'a *b* _c_ [d](e) <f> `g` # h ~~i~~ &amp; \\ $j$';
    const root = parse(`- ${mdText(v)}`);
    assert.equal(textOf(root), v);
    assert.equal(JSON.stringify(root).includes('"emphasis"') || JSON.stringify(root).includes('"link"') || JSON.stringify(root).includes('"html"'), false);
  });

  it('mdCode is one inline code whose content is the value (line breaks shown as \\n)', () => {
    for (const v of ['`', '``a`', 'a\nb', '  ', '', 'x ` y', '```']) {
      const root = parse(`- ${mdCode(v)}`);
      const item = (root.children[0] as { children: { children: { children: Nodes[] }[] }[] }).children[0]!;
      const para = item.children[0]!.children;
      assert.equal(para.length, 1, `${JSON.stringify(v)} → ${mdCode(v)}`);
      assert.equal(para[0]!.type, 'inlineCode', `${JSON.stringify(v)} → ${mdCode(v)}`);
      if (v.trim() !== '') assert.equal((para[0] as { value: string }).value, visibleLine(v));
    }
  });

  it('mdFence holds any text, backtick fences inside included', () => {
    const v = 'a\n````\n```sh\nb\n~~~\n';
    const root = parse(mdFence(v, 'sh'));
    assert.equal(root.children.length, 1);
    assert.equal(root.children[0]!.type, 'code');
    assert.equal((root.children[0] as { value: string }).value, v.replace(/\n$/, ''));
  });
});
