// The runbook model: what a parsed runbooks/*.md file means. Pure data, no behaviour.

/** A place in a source file, 1-based, for error messages as `file:line:col`. */
export interface SourcePos {
  line: number;
  column: number;
}

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

/** Roles a host can have in an inventory (the inventory owns them; runbooks name them). */
export { ROLES, type Role } from '../inventory/types.ts';
import type { Role } from '../inventory/types.ts';

export interface RunbookInput {
  name: string;
  prompt: string;
  /** Template string; may use inventory variables. */
  default?: string;
  /** A regular expression the value must match (whole value). */
  pattern?: string;
  /** When set, the value must be one of these (the UI offers a list). */
  choices?: string[];
  /** Shown under the prompt. */
  help?: string;
  /** The input names the host playing this live role: its default comes from the live status. */
  live?: LiveRole;
  /** `runbook-id.input`: when that runbook handed over to this one, its input's value is the default. */
  from?: string[];
  /** The default is the inventory address of the host another (earlier) input names. */
  addressOf?: string;
  pos: SourcePos;
}

/** Live roles an input can name (`live:`); src/status/live-roles.ts says how each is read. */
export const LIVE_ROLES = ['master', 'vip-holder', 'standby', 'stale-master'] as const;
export type LiveRole = (typeof LIVE_ROLES)[number];

/**
 * Where a command runs. Written in a runbook as `on=...`:
 * a role (`chunkserver`), a host name (`m1`), `vip-holder` (the host that holds the VIP
 * when the step starts), `local` (the operator's machine), `all`, or a comma list.
 */
export type TargetSpec =
  /** `optional` (written `cgi?`): with no host of that role the step is skipped, not refused. */
  | { kind: 'role'; role: Role; optional?: boolean }
  | { kind: 'host'; name: string }
  | { kind: 'vip-holder' }
  | { kind: 'local' }
  | { kind: 'all' }
  /** A template like `{{inputs.host}}` that resolves to a host name at run time. */
  | { kind: 'template'; template: string };

/** none: read-only probe; yes: y/n; typed: the operator types the target host's name. */
export type ConfirmLevel = 'none' | 'yes' | 'typed';

/** A condition on host facts, e.g. `os=debian`, `init=systemd`, `mfs>=3.0.100`. */
export interface FactCondition {
  fact: 'os' | 'init' | 'mfs';
  op: '=' | '!=' | '>=' | '<=' | '>' | '<';
  value: string;
}

export interface CommandBlock {
  /** The shell script, with `{{variables}}` still in it. */
  script: string;
  targets: TargetSpec[];
  confirm: ConfirmLevel;
  timeoutMs: number;
  /** Exit codes that count as success (default [0]). */
  expectExit: number[];
  /** A regular expression the combined output must match, when set. */
  expectOutput?: string;
  /** All conditions must hold for this block to be chosen for a host. */
  when: FactCondition[];
  /** Run on several hosts at once, at most this many (1 = one after another). */
  parallel: number;
  /** Why this step is dangerous; shown in red before confirmation. */
  risk?: string;
  /** Verifies the step's effect; runs on the same host after the command succeeded. */
  check?: { script: string; timeoutMs: number; expectExit: number[]; expectOutput?: string; pos: SourcePos };
  pos: SourcePos;
}

export interface DecisionChoice {
  key: string;
  label: string;
  /** A step id in this runbook, or undefined when `runbook` is set. */
  goto?: string;
  /** Another runbook's id: the run ends here and the operator is offered that runbook. */
  runbook?: string;
  pos: SourcePos;
}

export interface Decision {
  question: string;
  choices: DecisionChoice[];
  pos: SourcePos;
}

export type StepKind = 'command' | 'manual' | 'decision';

export interface Step {
  /** Unique in the runbook: from `{#id}` at the end of the heading, or a slug of the title. */
  id: string;
  title: string;
  /** Markdown prose under the heading, shown before confirmation. */
  prose: string;
  kind: StepKind;
  /**
   * Command variants: for each target host the first block whose `when` holds is run.
   * Empty for manual and decision steps.
   */
  commands: CommandBlock[];
  decision?: Decision;
  /** Status preconditions (issue 5), e.g. `no-split-brain`; empty for now. */
  requires: string[];
  /** sha256 of the step's source text: resume says which steps changed. */
  hash: string;
  pos: SourcePos;
}

export interface Runbook {
  id: string;
  title: string;
  summary: string;
  when: string;
  risk: RiskLevel;
  roles: Role[];
  inputs: RunbookInput[];
  steps: Step[];
  /** Absolute path of the file it came from. */
  file: string;
  /** sha256 of the whole file. */
  hash: string;
}

/** A problem found while parsing or validating, printed as `file:line:col: message`. */
export interface RunbookProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** Set when the file was not read or parsed at all: too big, not a plain file, YAML nested too deep or an alias bomb (bad input, exit 2). */
  limit?: true;
  /** With `limit`: the file could not be opened or read at all (missing, a folder, no permission). */
  unreadable?: true;
}
