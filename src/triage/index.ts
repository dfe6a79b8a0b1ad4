// The triage API: `triage(status, library)` names what is wrong in a status snapshot,
// ranked by danger, each with its evidence and the runbook that fits (inputs pre-filled).
export type { Evidence, Finding, FindingCode, FindingSeverity, NoRunbook, Recommendation, RuledOut, RunbookRecommendation, TriageReport, TriageRunbook } from './types.ts';
export { describeWindow, judgeFailover, type FailoverJudgement, type FailoverWindow } from './failover.ts';
export { triage, type TriageOptions } from './triage.ts';
export {
  commandPrefix,
  recommendationLines,
  renderTriageText,
  runCommandFor,
  triageToJson,
  type TriageJson,
  type TriageJsonFailover,
  type TriageJsonFinding,
  type TriageTextOptions,
} from './format.ts';
