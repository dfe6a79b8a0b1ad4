// Markdown runbook to model: front matter, `##` steps, fenced command/check/decision
// blocks with their attributes. Syntax problems are reported here with file positions;
// cross-references (variables, jumps, duplicate ids) are the validator's job.
import { resolve } from 'node:path';
import { t } from '../i18n/index.ts';
import type { Code, Heading, Html, Nodes, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { markdownShapeProblem } from './limits.ts';
import { frontmatterFromMarkdown } from 'mdast-util-frontmatter';
import { frontmatter } from 'micromark-extension-frontmatter';
import { z } from 'zod';
import { CHECK_ATTRIBUTES, COMMAND_ATTRIBUTES, DEFAULT_TIMEOUT_MS, REQUIREMENTS, SHELL_LANGS, parseDuration, parseExitCodes, parseTarget, splitList, tokenizeMeta } from './attributes.ts';
import type { MetaTokens } from './attributes.ts';
import { parseConditions } from './conditions.ts';
import { AnchorSlugger, labelKey } from './anchors.ts';
import { readFrontMatter } from './frontmatter.ts';
import { lineLocator, recordDisplayName, recordFenceInfo, recordLocation } from './locations.ts';
import type { Locator } from './locations.ts';
import type { CommandBlock, Decision, DecisionChoice, Runbook, RunbookProblem, SourcePos, Step } from './types.ts';
import { nodePos, parseYamlAt, scalarTextPos, validateYaml } from './yaml-source.ts';
import { sha256 } from '../util/hash.ts';

type CheckBlock = NonNullable<CommandBlock['check']>;

/** A choice label's key: lowercase words (any script) joined by `-`. */
export const slugify = labelKey;

/** An explicit step id: letters (any script), digits, `-` and `_`. */
const STEP_ID = /^[\p{L}\p{N}][\p{L}\p{N}\p{M}_-]*$/u;
/** An explicit choice key: lowercase letters (any script), digits and `-`. */
const CHOICE_KEY = /^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{Lm}\p{M}\p{N}-]*$/u;
/**
 * The explicit step id, on its own line right under the `##` heading: an HTML comment,
 * which GitHub does not display (a trailing `{#id}` would show as text there).
 */
const ID_COMMENT = /^<!--\s*id\s*:\s*(.*?)\s*-->$/s;
const ANY_COMMENT = /^<!--[\s\S]*-->$/;

const decisionSchema = z
  .object({
    question: z.string().min(1),
    choices: z
      .array(
        z
          .object({
            key: z.string().regex(CHOICE_KEY, 'runbook.error.choiceKey').optional(),
            label: z.union([z.string().min(1), z.number()]).transform(String),
            goto: z.string().min(1).optional(),
            runbook: z.string().min(1).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

class Source {
  readonly lines: string[];
  private readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    this.lines = text.split(/\r?\n/);
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }
  posAt(offset: number): SourcePos {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
}

interface StepDraft {
  step: Step;
  startOffset: number;
  /** Where the heading ends, and the `<!-- id: … -->` comment under it when the id comes from one. */
  headingEnd: number;
  idComment?: { start: number; end: number };
  /** Whether the next node is the first one after the heading (where an id comment belongs). */
  fresh: boolean;
  /** Markdown source of each prose node, with its offset in the file. */
  prose: { text: string; offset: number }[];
  /** The command block a following `check` block attaches to. */
  lastCommand?: CommandBlock;
}

function startOf(node: { position?: { start: { line: number; column: number } } }): SourcePos {
  return { line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1 };
}

/** The text of a heading as GitHub renders it: HTML (comments included) is not text. */
function plainText(n: Nodes): string {
  if (n.type === 'html') return '';
  if ('value' in n && typeof n.value === 'string') return n.value;
  if ('children' in n) return (n.children as Nodes[]).map(plainText).join('');
  return '';
}

/** Every node of the tree in document order. */
function* walk(n: Nodes): Generator<Nodes> {
  yield n;
  if ('children' in n) for (const c of n.children as Nodes[]) yield* walk(c);
}

class RunbookParser {
  readonly problems: RunbookProblem[] = [];
  private readonly src: Source;
  private readonly steps: StepDraft[] = [];
  /** The info string of the fenced block being read. */
  private fenceInfo = '';
  /** GitHub's anchor of every heading of the file, in document order. */
  private readonly anchors = new Map<Heading, string>();

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.src = new Source(text);
  }

  private report(pos: SourcePos, message: string, limit?: true): void {
    this.problems.push({ file: this.file, line: pos.line, column: pos.column, message, ...(limit ? { limit } : {}) });
  }

  parse(): Runbook | undefined {
    const text = this.src.text;
    const tree = fromMarkdown(text, {
      extensions: [frontmatter(['yaml'])],
      mdastExtensions: [frontmatterFromMarkdown(['yaml'])],
    });
    const slugger = new AnchorSlugger();
    const links: { url: string; node: Nodes }[] = [];
    for (const n of walk(tree)) {
      if (n.type === 'heading') this.anchors.set(n, slugger.slug(plainText(n)));
      else if ((n.type === 'link' || n.type === 'definition') && n.url.startsWith('#')) links.push({ url: n.url, node: n });
    }
    const [first, ...rest] = tree.children;
    let fm: ReturnType<typeof readFrontMatter>['value'];
    if (first?.type === 'yaml') {
      const read = readFrontMatter(first.value, startOf(first).line + 1);
      for (const p of read.problems) this.report(p.pos, p.message, p.limit);
      fm = read.value;
    } else {
      this.report({ line: 1, column: 1 }, t('runbook.error.noFrontMatter'));
    }
    this.readBody(first?.type === 'yaml' ? rest : tree.children);
    const steps = this.finishSteps();
    this.checkLinks(links, steps);
    if (fm && steps.length === 0) {
      const afterFrontMatter = first?.position ? first.position.end.line + 1 : 1;
      this.report({ line: Math.min(afterFrontMatter, this.src.lines.length), column: 1 }, t('runbook.error.noSteps'));
    }
    if (!fm) return undefined;
    const { idPos, ...meta } = fm;
    const runbook: Runbook = { ...meta, steps, file: resolve(this.file), hash: sha256(text) };
    recordDisplayName(runbook, this.file);
    recordLocation(runbook, 'id', lineLocator(idPos));
    return runbook;
  }

  private readBody(nodes: RootContent[]): void {
    for (const node of nodes) {
      const current = this.steps.at(-1);
      const fresh = current?.fresh ?? false;
      if (current) current.fresh = false;
      if (node.type === 'html' && ID_COMMENT.test(node.value.trim())) {
        if (current && fresh && node.position?.start.offset !== undefined) this.readIdComment(current, node);
        else this.report(startOf(node), t('runbook.error.idCommentPlace'));
        continue;
      }
      // Comments are for readers of the file; GitHub does not show them and neither does the runner.
      if (node.type === 'html' && ANY_COMMENT.test(node.value.trim())) continue;
      if (node.type === 'heading' && node.depth <= 2) {
        if (node.depth === 2) this.startStep(node);
        else if (current) this.report(startOf(node), t('runbook.error.titleFirst'));
        continue;
      }
      if (node.type === 'code' && this.isShell(node.lang)) {
        if (!current) this.report(startOf(node), t('runbook.error.commandOutsideStep'));
        else this.readShellBlock(current, node);
        continue;
      }
      if (node.type === 'code' && node.lang === 'decision') {
        if (!current) this.report(startOf(node), t('runbook.error.decisionOutsideStep'));
        else this.readDecisionBlock(current, node);
        continue;
      }
      this.reportNestedBlocks(node);
      if (current && node.position?.start.offset !== undefined && node.position.end.offset !== undefined)
        current.prose.push({
          text: this.src.text.slice(node.position.start.offset, node.position.end.offset),
          offset: node.position.start.offset,
        });
    }
  }

  private isShell(lang: string | null | undefined): boolean {
    return (SHELL_LANGS as readonly string[]).includes(lang ?? '');
  }

  // Blocks inside lists or quotes would be silently shown as prose: refuse them.
  private reportNestedBlocks(node: Nodes): void {
    if (!('children' in node)) return;
    for (const child of node.children as Nodes[]) {
      if (child.type === 'code' && (this.isShell(child.lang) || child.lang === 'decision')) this.report(startOf(child), t('runbook.error.blockNested', { lang: String(child.lang) }));
      else this.reportNestedBlocks(child);
    }
  }

  private startStep(h: Heading): void {
    const raw = this.src.text.slice(h.position!.start.offset!, h.position!.end.offset!);
    // `text` followed by a `---` line is a setext heading in markdown: a step nobody meant.
    if (!raw.startsWith('#')) this.report(startOf(h), t('runbook.error.setextHeading'));
    for (const n of walk(h)) if (n.type === 'html' && ID_COMMENT.test(n.value.trim())) this.report(startOf(n), t('runbook.error.idCommentInHeading'));
    // The legacy form `## Title {#id}` is still read (GitHub shows it as text: prefer the comment).
    const explicit = /\{#([^}]*)\}\s*(?:#+\s*)?$/.exec(raw);
    const title = plainText(h)
      .replace(/\s*\{#[^}]*\}\s*$/, '')
      .trim();
    const anchor = this.anchors.get(h) ?? '';
    let id: string;
    let idPos: SourcePos;
    if (explicit) {
      id = explicit[1]!.trim();
      idPos = this.src.posAt(h.position!.start.offset! + explicit.index + 2);
      if (!STEP_ID.test(id)) this.report(idPos, t('runbook.error.badStepId', { id }));
    } else {
      // GitHub's anchor of the heading, so a link to it works on GitHub and here alike.
      id = anchor;
      const hashes = /^#+\s*/.exec(raw)?.[0].length ?? 0;
      idPos = this.src.posAt(h.position!.start.offset! + hashes);
    }
    if (!title) this.report(startOf(h), t('runbook.error.emptyTitle'));
    const step: Step = { id, title, prose: '', kind: 'manual', commands: [], requires: [], hash: '', pos: startOf(h) };
    recordLocation(step, 'id', lineLocator(idPos));
    this.steps.push({ step, startOffset: h.position!.start.offset!, headingEnd: h.position!.end.offset!, prose: [], fresh: true });
    if (!explicit && !id && title) this.pendingEmptyId.set(this.steps.at(-1)!, startOf(h));
  }

  /** Steps whose heading gives no anchor: an error unless an id comment follows. */
  private readonly pendingEmptyId = new Map<StepDraft, SourcePos>();

  private readIdComment(draft: StepDraft, node: Html): void {
    const start = node.position!.start.offset!;
    const value = ID_COMMENT.exec(node.value.trim())![1]!;
    const idPos = this.src.posAt(start + node.value.indexOf(value, node.value.indexOf(':') + 1));
    if (/\{#[^}]*\}\s*(?:#+\s*)?$/.test(this.src.text.slice(draft.startOffset, draft.headingEnd))) {
      this.report(startOf(node), t('runbook.error.twoIds'));
      return;
    }
    if (!STEP_ID.test(value)) this.report(idPos, t('runbook.error.badStepId', { id: value }));
    draft.step.id = value;
    draft.idComment = { start, end: node.position!.end.offset! };
    this.pendingEmptyId.delete(draft);
    recordLocation(draft.step, 'id', lineLocator(idPos));
  }

  private finishSteps(): Step[] {
    for (const pos of this.pendingEmptyId.values()) this.report(pos, t('runbook.error.emptyId'));
    return this.steps.map((draft, i) => {
      const end = this.steps[i + 1]?.startOffset ?? this.src.text.length;
      const s = draft.step;
      s.prose = this.joinProse(s, draft.prose);
      s.kind = s.decision ? 'decision' : s.commands.length ? 'command' : 'manual';
      s.hash = sha256(this.hashedSource(draft, end));
      return s;
    });
  }

  /**
   * The step's source as its hash sees it. An id given by a comment under the heading counts
   * as the same id written `{#id}` at the heading's end, so moving a step's id from the old
   * form to the comment changes no hash: resuming a run started before says no step changed.
   */
  private hashedSource(draft: StepDraft, end: number): string {
    const text = this.src.text;
    if (!draft.idComment) return text.slice(draft.startOffset, end);
    return `${text.slice(draft.startOffset, draft.headingEnd)} {#${draft.step.id}}${text.slice(draft.idComment.end, end)}`;
  }

  /** In-page links (`[x](#anchor)`) must land on a heading of this file, by GitHub's anchor. */
  private checkLinks(links: { url: string; node: Nodes }[], steps: Step[]): void {
    const anchors = new Set(this.anchors.values());
    for (const { url, node } of links) {
      let target = url.slice(1);
      try {
        target = decodeURIComponent(target);
      } catch {
        // A malformed escape stays as written and is reported below as an unknown anchor.
      }
      if (anchors.has(target)) continue;
      const step = steps.find((s) => s.id === target);
      const anchorOf = step ? [...this.anchors].find(([h]) => startOf(h).line === step.pos.line)?.[1] : undefined;
      let why: string;
      if (anchorOf !== undefined) why = t('runbook.error.linkToStepId', { target, title: step!.title, anchor: anchorOf });
      else if (anchors.has(target.toLowerCase())) why = t('runbook.error.linkCase', { anchor: target.toLowerCase() });
      else why = t('runbook.error.linkUnknown');
      this.report(startOf(node), t('runbook.error.link', { target, why }));
    }
  }

  /** Joins the step's prose parts and records where each character of the result came from. */
  private joinProse(step: Step, parts: { text: string; offset: number }[]): string {
    const pieces: { at: number; offset: number }[] = [];
    let joined = '';
    for (const part of parts) {
      if (joined) joined += '\n\n';
      pieces.push({ at: joined.length, offset: part.offset });
      joined += part.text;
    }
    const prose = joined.trim();
    const lead = joined.length - joined.trimStart().length;
    recordLocation(step, 'prose', (offset) => {
      const o = offset + lead;
      const piece = [...pieces].reverse().find((p) => p.at <= o) ?? { at: 0, offset: 0 };
      return this.src.posAt(piece.offset + (o - piece.at));
    });
    return prose;
  }

  /**
   * The info string's attributes as written in the file, with the column they start at.
   * mdast's `meta` has markdown backslash escapes and entities decoded, which would turn
   * `expect-output="a\|b"` into the regex `a|b`: read the raw source line instead.
   */
  private metaOf(code: Code): { tokens: MetaTokens; column: number; line: number; info: string } {
    const { line, column } = startOf(code);
    const srcLine = this.src.lines[line - 1] ?? '';
    let i = column - 1;
    while (srcLine[i] === '`' || srcLine[i] === '~') i++;
    while (srcLine[i] === ' ' || srcLine[i] === '\t') i++;
    const info = srcLine.slice(i).trimEnd();
    while (i < srcLine.length && !/\s/.test(srcLine[i]!)) i++; // the language word
    while (srcLine[i] === ' ' || srcLine[i] === '\t') i++;
    const meta = srcLine.slice(i).trimEnd();
    return { tokens: tokenizeMeta(meta), column: i + 1, line, info };
  }

  /** Maps offsets in a fenced block's content to the file (content lines may be indented). */
  private contentLocator(code: Code): Locator {
    const firstLine = startOf(code).line + 1;
    const contentLines = code.value.split('\n');
    const starts: number[] = [];
    let acc = 0;
    for (const l of contentLines) {
      starts.push(acc);
      acc += l.length + 1;
    }
    return (offset) => {
      let i = starts.length - 1;
      while (i > 0 && starts[i]! > offset) i--;
      const srcLine = this.src.lines[firstLine + i - 1] ?? '';
      const indent = Math.max(0, srcLine.length - (contentLines[i]?.length ?? 0));
      return { line: firstLine + i, column: indent + (offset - starts[i]!) + 1 };
    };
  }

  private readShellBlock(draft: StepDraft, code: Code): void {
    const { tokens, column, line, info } = this.metaOf(code);
    const at = (index: number): SourcePos => ({ line, column: column + index });
    this.fenceInfo = info;
    if (tokens.error) {
      this.report(at(tokens.error.index), tokens.error.message);
      return;
    }
    const isCheck = tokens.words[0]?.word === 'check' && tokens.words[0].index === 0;
    for (const w of tokens.words.slice(isCheck ? 1 : 0)) {
      this.report(at(w.index), w.word === 'check' ? t('runbook.error.checkFirst') : t('runbook.error.notKeyValue', { word: w.word }));
    }
    if (code.value.trim() === '') this.report(startOf(code), t(isCheck ? 'runbook.error.emptyCheck' : 'runbook.error.emptyCommand'));
    if (isCheck) this.readCheckBlock(draft, code, tokens, at);
    else this.readCommandBlock(draft, code, tokens, at);
  }

  private readCommandBlock(draft: StepDraft, code: Code, tokens: MetaTokens, at: (i: number) => SourcePos): void {
    const block: CommandBlock = {
      script: code.value,
      targets: [],
      confirm: 'yes',
      timeoutMs: DEFAULT_TIMEOUT_MS,
      expectExit: [0],
      when: [],
      parallel: 1,
      pos: startOf(code),
    };
    recordLocation(block, 'script', this.contentLocator(code));
    recordFenceInfo(block, this.fenceInfo);
    const seen = new Set<string>();
    for (const a of tokens.attrs) {
      const keyPos = at(a.keyIndex);
      const valuePos = at(a.valueIndex);
      if (!(COMMAND_ATTRIBUTES as readonly string[]).includes(a.key)) {
        this.report(keyPos, t('runbook.error.unknownAttribute', { key: a.key, known: COMMAND_ATTRIBUTES.join(', ') }));
        continue;
      }
      if (seen.has(a.key)) {
        this.report(keyPos, t('runbook.error.attributeTwice', { key: a.key }));
        continue;
      }
      seen.add(a.key);
      recordLocation(block, `attr:${a.key}`, lineLocator(valuePos));
      recordLocation(block, `key:${a.key}`, lineLocator(keyPos));
      const bad = (msg: string, index = 0) => this.report(at(a.valueIndex + index), msg);
      switch (a.key) {
        case 'on':
          for (const { item, index } of splitList(a.value)) {
            const target = parseTarget(item);
            if ('error' in target) bad(target.error, index);
            else {
              recordLocation(block, `target:${block.targets.length}`, lineLocator(at(a.valueIndex + index)));
              block.targets.push(target);
            }
          }
          break;
        case 'confirm':
          if (a.value === 'none' || a.value === 'yes' || a.value === 'typed') block.confirm = a.value;
          else bad(t('runbook.error.badConfirm', { value: a.value }));
          break;
        case 'parallel': {
          const n = /^\d+$/.test(a.value) ? Number(a.value) : 0;
          if (n >= 1) block.parallel = n;
          else bad(t('runbook.error.badParallel', { value: a.value }));
          break;
        }
        case 'risk':
          if (a.value.trim()) block.risk = a.value.trim();
          else bad(t('runbook.error.emptyRisk'));
          break;
        case 'when': {
          const { conditions, error } = parseConditions(a.value);
          if (error) {
            const words = [...a.value.matchAll(/\S+/g)];
            bad(error, words[conditions.length]?.index ?? 0);
          } else block.when = conditions;
          break;
        }
        case 'requires':
          for (const { item, index } of splitList(a.value)) {
            if ((REQUIREMENTS as readonly string[]).includes(item)) {
              if (!draft.step.requires.includes(item)) draft.step.requires.push(item);
            } else bad(t('runbook.error.unknownRequirement', { item, known: REQUIREMENTS.join(', ') }), index);
          }
          break;
        default:
          this.readCommonAttr(block, a.key, a.value, bad);
      }
    }
    if (!seen.has('on')) this.report(block.pos, t('runbook.error.needsOn'));
    if (draft.step.decision) this.report(block.pos, t('runbook.error.decisionAndCommands'));
    draft.step.commands.push(block);
    draft.lastCommand = block;
  }

  /** timeout, expect-exit and expect-output, shared by command and check blocks. */
  private readCommonAttr(into: { timeoutMs: number; expectExit: number[]; expectOutput?: string }, key: string, value: string, bad: (msg: string) => void): void {
    if (key === 'timeout') {
      const ms = parseDuration(value);
      if (ms === undefined) bad(t('runbook.error.badTimeout', { value }));
      else into.timeoutMs = ms;
    } else if (key === 'expect-exit') {
      const codes = parseExitCodes(value);
      if (!codes) bad(t('runbook.error.badExpectExit', { value }));
      else into.expectExit = codes;
    } else if (key === 'expect-output') {
      if (value === '') bad(t('runbook.error.emptyExpectOutput'));
      else into.expectOutput = value;
    }
  }

  private readCheckBlock(draft: StepDraft, code: Code, tokens: MetaTokens, at: (i: number) => SourcePos): void {
    const check: CheckBlock = { script: code.value, timeoutMs: DEFAULT_TIMEOUT_MS, expectExit: [0], pos: startOf(code) };
    recordLocation(check, 'script', this.contentLocator(code));
    recordFenceInfo(check, this.fenceInfo);
    const seen = new Set<string>();
    for (const a of tokens.attrs) {
      const keyPos = at(a.keyIndex);
      if (!(CHECK_ATTRIBUTES as readonly string[]).includes(a.key)) {
        this.report(keyPos, t('runbook.error.unknownCheckAttribute', { key: a.key, known: CHECK_ATTRIBUTES.join(', ') }));
        continue;
      }
      if (seen.has(a.key)) {
        this.report(keyPos, t('runbook.error.attributeTwice', { key: a.key }));
        continue;
      }
      seen.add(a.key);
      recordLocation(check, `attr:${a.key}`, lineLocator(at(a.valueIndex)));
      this.readCommonAttr(check, a.key, a.value, (msg) => this.report(at(a.valueIndex), msg));
    }
    const target = draft.lastCommand;
    if (!target) this.report(check.pos, t('runbook.error.checkWithoutCommand'));
    else if (target.check) this.report(check.pos, t('runbook.error.secondCheck', { line: target.pos.line }));
    else target.check = check;
  }

  private readDecisionBlock(draft: StepDraft, code: Code): void {
    const pos = startOf(code);
    const { tokens, column, line } = this.metaOf(code);
    const firstToken = tokens.attrs[0]?.keyIndex ?? tokens.words[0]?.index ?? tokens.error?.index;
    if (firstToken !== undefined) this.report({ line, column: column + firstToken }, t('runbook.error.decisionAttributes'));
    if (draft.step.decision) {
      this.report(pos, t('runbook.error.secondDecision'));
      return;
    }
    if (draft.step.commands.length) this.report(pos, t('runbook.error.decisionAndCommands'));
    const parsed = parseYamlAt(code.value, pos.line + 1, pos.column - 1);
    for (const p of parsed.problems) this.report(p.pos, p.message, p.limit);
    if (!parsed.source) return;
    const src = parsed.source;
    const checked = validateYaml(src, decisionSchema, 'decision');
    for (const p of checked.problems) this.report(p.pos, p.message);
    if (!checked.value) return;
    const keys = new Set<string>();
    const choices: DecisionChoice[] = checked.value.choices.map((c, n) => {
      const cpos = nodePos(src, ['choices', n]);
      const choice: DecisionChoice = { key: c.key ?? labelKey(c.label), label: c.label, pos: cpos };
      if (c.goto !== undefined && c.runbook !== undefined) this.report(cpos, t('runbook.error.gotoAndRunbook'));
      else if (c.goto === undefined && c.runbook === undefined) this.report(cpos, t('runbook.error.choiceNeedsTarget'));
      if (c.goto !== undefined) choice.goto = c.goto;
      if (c.runbook !== undefined) choice.runbook = c.runbook;
      for (const field of ['goto', 'runbook'] as const) {
        const fpos = scalarTextPos(src, ['choices', n, field]);
        if (fpos) recordLocation(choice, field, lineLocator(fpos));
      }
      if (!choice.key) this.report(cpos, t('runbook.error.choiceNoKey'));
      else if (keys.has(choice.key)) this.report(cpos, t('runbook.error.choiceKeyTwice', { key: choice.key }));
      keys.add(choice.key);
      return choice;
    });
    const decision: Decision = { question: checked.value.question, choices, pos };
    const questionPos = scalarTextPos(src, ['question']);
    if (questionPos) recordLocation(decision, 'question', lineLocator(questionPos));
    draft.step.decision = decision;
  }
}

/** Parses one runbook file's text. `file` is used in problems as given. */
export function parseRunbook(text: string, file: string): { runbook?: Runbook; problems: RunbookProblem[] } {
  const absurd = markdownShapeProblem(text, file);
  if (absurd) return { problems: [absurd] };
  const parser = new RunbookParser(text, file);
  const runbook = parser.parse();
  const problems = [...parser.problems, ...unprintableInText(text, file)].sort((a, b) => a.line - b.line || a.column - b.column);
  return runbook ? { runbook, problems } : { problems };
}

// Control characters (but tab and newline), format characters (bidi overrides, zero-width,
// soft hyphen, tag characters) and line separators: what visible() escapes on screen.
const UNPRINTABLE = /(?![\t\n])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Unprintable characters in what the operator reads before confirming: front matter (title,
 * prompts, labels), prose, headings and fence lines (risk=, questions). Inside a fenced
 * block, validate reports them with the command's own message.
 */
function unprintableInText(text: string, file: string): RunbookProblem[] {
  const problems: RunbookProblem[] = [];
  let fence: string | undefined;
  let sawCr = false;
  text.split('\n').forEach((line, i) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    const inside = fence !== undefined && !(marker && marker[0] === fence[0] && marker.length >= fence.length);
    if (fence === undefined && marker) fence = marker;
    else if (fence !== undefined && !inside) fence = undefined;
    if (inside) return;
    for (const m of line.matchAll(UNPRINTABLE)) {
      if (m[0] === '\r' && m.index === line.length - 1) {
        if (!sawCr) problems.push({ file, line: i + 1, column: m.index + 1, message: t('runbook.error.carriageReturn') });
        sawCr = true;
        continue;
      }
      const code = m[0].codePointAt(0)!;
      problems.push({
        file,
        line: i + 1,
        column: m.index + 1,
        message: t('runbook.error.unprintable', { code: `U+${code.toString(16).toUpperCase().padStart(4, '0')}` }),
      });
    }
  });
  return problems;
}
