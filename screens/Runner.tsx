// The runner screen: step list, the current step (prose, exact commands, risk), live
// output per host, the prompt, and a help line. All state comes from the RunController;
// every answer goes back to it as an intent.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { Intent, RunController, RunState } from '../src/engine/types.ts';
import type { Step } from '../src/runbook/types.ts';
import { useNow } from './hooks/useNow.ts';
import { useRunState } from './hooks/useRun.ts';
import { useTerminalSize } from './hooks/useTerminalSize.ts';
import { KeyLayerProvider, isCtrlC, layer, useKeyLayer } from './hooks/keys.tsx';
import { ConfirmPrompt } from './prompts.tsx';
import { StepList } from './runner/StepList.tsx';
import { Commands, Prose, RiskLine, commandRows, wrapRows } from './runner/StepDetail.tsx';
import { OutputPanel, outputRowsWanted } from './runner/OutputPanel.tsx';
import { PromptPanel, promptRows, type TypedAnswer } from './runner/PromptPanel.tsx';
import { CommandPager } from './runner/CommandPager.tsx';
import { PreconditionWarning, PreconditionsChecking, checkingNames, warningLines } from './runner/Preconditions.tsx';
import { StatusLine, StatusSidebar } from './status/StatusScreen.tsx';
import type { StatusStore } from './status/useStatus.ts';
import { currentStepIndex, compactDuration, helpFor, keyListLines, pagerKeyFor, planLayout, runningHosts } from './runner/view-model.ts';
import { visible, visibleLine } from '../src/util/visible.ts';
import { proseLines } from '../src/util/prose.ts';
import { t } from '../src/i18n/index.ts';
import type { StepStatus } from '../src/engine/types.ts';
import { stepStatusWord } from './runner/status-words.ts';
import './theme.ts';

export interface RunnerProps {
  ctrl: RunController;
  /** The runbook's title. */
  title: string;
  cluster?: string;
  /** The operator leaves; an unfinished run stays resumable. */
  onLeave(): void;
  /** After the run finished: back to the home screen. */
  onHome?(): void;
  /** After the run finished: start the runbook it hands off to. */
  onNextRunbook?(runbookId: string): void;
  /** Rows drawn below the runner by others (an SSH question), left out of its budget. */
  reservedRows?: number;
  /** The live cluster status: a compact sidebar beside the runner on wide terminals, one line on narrow ones. */
  status?: StatusStore;
}

/** Terminals at least this wide show the status sidebar beside the runner. */
export const SIDEBAR_MIN_COLUMNS = 110;
export const SIDEBAR_COLUMNS = 44;
/** Narrower terminals show one status line when they have at least this many rows (else none). */
export const STATUS_LINE_MIN_ROWS = 20;

/** Where the status goes for a terminal size: beside the runner, one line above it, or nowhere. */
export function statusPlacement(columns: number, rows: number): 'side' | 'line' | 'none' {
  if (columns >= SIDEBAR_MIN_COLUMNS) return 'side';
  return rows >= STATUS_LINE_MIN_ROWS ? 'line' : 'none';
}

/** The step with the run's {{variables}} filled into what the operator reads. */
function renderedStep(step: Step | undefined, render: ((text: string) => string) | undefined): Step | undefined {
  if (!step || !render) return step;
  return {
    ...step,
    title: render(step.title),
    prose: render(step.prose),
    commands: step.commands.map((c) => (c.risk ? { ...c, risk: render(c.risk) } : c)),
    decision: step.decision && {
      ...step.decision,
      question: render(step.decision.question),
      choices: step.decision.choices.map((c) => ({ ...c, label: render(c.label) })),
    },
  };
}

type Modal = { kind: 'cancel'; host: string } | { kind: 'leave' } | null;

/** When each step started running, as this screen saw it (the state has durations only once done). */
function useRunningSince(state: RunState): Map<string, number> {
  const since = useRef(new Map<string, number>());
  for (const step of state.steps) {
    if (step.status === 'running' && !since.current.has(step.id)) since.current.set(step.id, Date.now());
    if (step.status !== 'running') since.current.delete(step.id);
  }
  return since.current;
}

/** The run's elapsed time, frozen once it is finished. */
function useRunElapsed(state: RunState, now: number): number {
  const finishedAt = useRef<number | null>(null);
  const stamped = state.finishedAt ? Date.parse(state.finishedAt) : NaN;
  if (!Number.isNaN(stamped)) return stamped - Date.parse(state.startedAt);
  if (state.status !== 'running' && finishedAt.current === null) finishedAt.current = now;
  if (state.status === 'running') finishedAt.current = null;
  return (finishedAt.current ?? now) - Date.parse(state.startedAt);
}

function RunSummary({ state, elapsedMs }: { state: RunState; elapsedMs: number }) {
  const counts = new Map<string, number>();
  for (const s of state.steps) counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
  const parts = [...counts].map(([status, n]) => t('runner.summary.count', { count: n, status: stepStatusWord(status as StepStatus) }));
  return (
    <Box flexDirection="column">
      <Text>{t('runner.summary.steps', { count: state.steps.length, parts: parts.join(' · '), duration: compactDuration(Math.max(0, elapsedMs)) })}</Text>
      {state.reason && <Text wrap="truncate-end">{state.reason}</Text>}
    </Box>
  );
}

function RunnerView({ ctrl, title, cluster, onLeave, onHome, onNextRunbook, reservedRows = 0, status }: RunnerProps) {
  const state = useRunState(ctrl);
  const send = useCallback((intent: Intent) => ctrl.send(intent), [ctrl]);
  // The step as of this instant (not of the last render), for answers that must not be stale.
  const currentStep = () => {
    const now = ctrl.getState();
    return now.steps[currentStepIndex(now)];
  };
  const terminal = useTerminalSize();
  const allRows = Math.max(8, terminal.rows - reservedRows);
  const placement = status ? statusPlacement(terminal.columns, allRows) : 'none';
  // Beside: the runner gets the columns left of the sidebar; one line: a row less.
  const columns = placement === 'side' ? terminal.columns - SIDEBAR_COLUMNS - 1 : terminal.columns;
  const rows = placement === 'line' ? allRows - 1 : allRows;
  const [modal, setModal] = useState<Modal>(null);
  const [showKeys, setShowKeys] = useState(false);
  const [lastTyped, setLastTyped] = useState<TypedAnswer | null>(null);
  // The step whose whole command is open in the pager (it closes by itself when the step changes).
  const [pagerStep, setPagerStep] = useState<string | null>(null);

  const index = currentStepIndex(state);
  const stepState = state.steps[index];
  const rawStep = ctrl.steps.find((s) => s.id === stepState?.id);
  const step = useMemo(() => renderedStep(rawStep, ctrl.renderText?.bind(ctrl)), [rawStep, ctrl]);
  const running = runningHosts(stepState);
  const finished = state.prompt?.kind === 'finished' || state.status !== 'running';
  const now = useNow(running.length > 0 ? 100 : 1000, !finished || running.length > 0);
  const runningSince = useRunningSince(state);
  const paging = pagerStep !== null && pagerStep === stepState?.id;
  const elapsed = useRunElapsed(state, now);

  // Keep the question true to what runs now: a cancel question about a command that has
  // ended is moot, and a leave question must become a cancel question when a command
  // starts (leaving must never abandon a running command by surprise).
  const runningKey = running.join(', ');
  useEffect(() => {
    if (modal?.kind === 'cancel' && modal.host !== runningKey) setModal(runningKey ? { kind: 'cancel', host: runningKey } : null);
    if (modal?.kind === 'leave' && runningKey) setModal({ kind: 'cancel', host: runningKey });
  }, [modal, runningKey]);

  // Between a key that opens a question and the question being drawn, later keys (a fast
  // typist's y meant for it) must reach neither it nor the prompt under it: swallowed here.
  const modalPending = useRef(false);
  const openModal = (m: Modal) => {
    modalPending.current = true;
    setModal(m);
  };
  useLayoutEffect(() => {
    if (modal) modalPending.current = false;
  }, [modal]);
  useKeyLayer(layer.modal + 1, () => modalPending.current);

  useKeyLayer(layer.screen, (input, key) => {
    if (input === '?' && !key.ctrl) return (setShowKeys((v) => !v), true);
    if (!isCtrlC(input, key) && input !== 'q') return false;
    const runningNow = runningHosts(currentStep());
    if (finished && !runningNow.length) return (onLeave(), true);
    if (runningNow.length > 0) {
      if (isCtrlC(input, key)) openModal({ kind: 'cancel', host: runningNow.join(', ') });
      return true;
    }
    openModal({ kind: 'leave' });
    return true;
  });

  const plan = step && step.kind === 'command' ? ctrl.planFor(step.id) : [];
  // Long lines wrap to the runner's width (in terminal cells): nothing of a command is cut off.
  const commands = wrapRows(commandRows(plan), columns - 1);
  // A dangerous step says why in red for as long as it is the current step.
  const risk = (state.prompt?.kind === 'confirm' ? state.prompt.risk : undefined) ?? step?.commands.find((c) => c.risk)?.risk;
  // Each paragraph re-flowed to the width at hand (the source's own line breaks are not kept).
  const prose = step ? proseLines(visible(step.prose, { tabs: false }), columns - 2) : [];
  const prompt = state.prompt;
  const over = prompt?.kind === 'finished' || state.cursor >= state.steps.length;
  // A harmless step that runs although its preconditions do not hold says so while current.
  const warnings = stepState && (stepState.status === 'pending' || stepState.status === 'running') ? warningLines(stepState) : [];
  // While the engine waits for a fresh status before the step (or its next host), one line says so.
  const checking = checkingNames(state, stepState);
  const modalRows = modal ? 1 : 0;
  const fixed =
    1 + // header
    (state.changedSteps.length ? 1 : 0) +
    1 + // blank line under the step list
    1 + // step title
    (commands.length ? 1 : 0) + // blank before commands
    (risk ? 1 : 0) +
    warnings.length +
    (checking.length ? 1 : 0) +
    1 + // blank before output
    (modal ? modalRows : promptRows(prompt, step, columns, stepState)) +
    1; // help line
  const budget = planLayout({
    rows,
    stepCount: state.steps.length,
    proseLines: prose.length,
    commandLines: commands.length,
    fixedLines: fixed,
    outputLines: stepState ? outputRowsWanted(stepState.hosts) : 0,
  });

  // Part of the command is cut: a key opens the whole of it (Tab while a host name is typed).
  const cut = commands.length > budget.commands;
  const pagerKey = pagerKeyFor(prompt);
  useKeyLayer(
    layer.prompt + 1,
    (input, key) => {
      if (!(key.tab || (pagerKey === 'v' && input === 'v' && !key.ctrl && !key.meta))) return false;
      if (stepState) setPagerStep(stepState.id);
      return true;
    },
    commands.length > 0 && !paging,
  );

  // The key list takes the place of the step list and the step detail: every row not used by the rest.
  const keyRows = rows - 1 - (1 + (state.changedSteps.length ? 1 : 0) + (modal ? 1 : promptRows(prompt, step, columns, stepState)) + 1);
  const keyLines = keyListLines(columns);
  const headerParts = [title, cluster ? t('runner.header.cluster', { cluster }) : undefined, t('runner.header.run', { runId: state.runId }), compactDuration(Math.max(0, elapsed))].filter(Boolean);

  const runner = paging ? (
    <CommandPager title={t('runner.step', { n: index + 1, total: state.steps.length, title: step?.title ?? '' })} rows={commands} height={rows} width={columns} onClose={() => setPagerStep(null)} />
  ) : (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Text bold color="cyan">
          mfs-tui
        </Text>{' '}
        · {headerParts.join(' · ')}
      </Text>
      {state.changedSteps.length > 0 && (
        <Text color="yellow" wrap="truncate-end">
          {t('runner.changedSince', { steps: state.changedSteps.join(', ') })}
        </Text>
      )}
      {!showKeys && (
        <StepList
          steps={ctrl.steps}
          states={state.steps}
          current={index}
          marked={!over}
          rows={budget.steps}
          now={now}
          runningSince={runningSince}
          changed={state.changedSteps}
          renderText={ctrl.renderText?.bind(ctrl)}
        />
      )}
      {!showKeys && <Text> </Text>}
      {showKeys ? (
        <Box flexDirection="column">
          {(keyLines.length > keyRows ? [...keyLines.slice(0, Math.max(0, keyRows - 1)), t('runner.keysCut', { shown: Math.max(0, keyRows - 1), total: keyLines.length })] : keyLines).map(
            (line, i) => (
              <Text key={i} wrap="truncate-end">
                {line}
              </Text>
            ),
          )}
        </Box>
      ) : over ? (
        <RunSummary state={state} elapsedMs={elapsed} />
      ) : step && stepState ? (
        <Box flexDirection="column">
          <Text bold wrap="truncate-end">
            {t('runner.step', { n: index + 1, total: state.steps.length, title: visibleLine(step.title) })}
          </Text>
          <Prose lines={prose} max={budget.prose} />
          {commands.length > 0 && <Text> </Text>}
          <Commands rows={commands} max={budget.commands} pagerKey={pagerKey} />
          <RiskLine risk={risk} />
          <PreconditionWarning unmet={warnings} />
          <PreconditionsChecking names={checking} />
          <Text> </Text>
          <OutputPanel hosts={stepState.hosts} rows={budget.output} now={now} runningSince={runningSince.get(stepState.id)} />
        </Box>
      ) : null}
      {modal ? (
        <ConfirmPrompt
          key={modal.kind}
          priority={layer.modal}
          width={columns}
          question={modal.kind === 'cancel' ? t('runner.modal.cancel', { host: modal.host }) : t('runner.modal.leave')}
          onYes={() => {
            setModal(null);
            if (modal.kind === 'cancel') send({ type: 'cancel' });
            else if (runningHosts(currentStep()).length === 0) onLeave();
          }}
          onNo={() => setModal(null)}
        />
      ) : prompt ? (
        <PromptPanel
          prompt={prompt}
          step={step}
          stepState={stepState}
          plan={plan}
          width={columns}
          send={send}
          active={!showKeys && !paging}
          onHome={onHome}
          onNextRunbook={onNextRunbook}
          lastTyped={lastTyped}
          onTyped={setLastTyped}
        />
      ) : null}
      <Text dimColor wrap="truncate-end">
        {cut ? t('runner.help.viewWhole', { key: pagerKey }) : ''}
        {helpFor(prompt, running.length > 0)}
      </Text>
    </Box>
  );
  return <WithStatus placement={placement} status={status} rows={allRows} columns={terminal.columns} runner={runner} />;
}

/** The runner with the status beside it (clipped to the terminal's height) or one line above it. */
function WithStatus({ placement, status, rows, columns, runner }: { placement: 'side' | 'line' | 'none'; status?: StatusStore; rows: number; columns: number; runner: ReactNode }) {
  if (!status || placement === 'none') return <>{runner}</>;
  if (placement === 'line') {
    return (
      <Box flexDirection="column" width={columns}>
        <StatusLine store={status} />
        {runner}
      </Box>
    );
  }
  return (
    <Box flexDirection="row" width={columns}>
      {runner}
      <Box flexDirection="column" width={SIDEBAR_COLUMNS} height={rows - 1} overflow="hidden" marginLeft={1}>
        <StatusSidebar store={status} rows={rows - 1} width={SIDEBAR_COLUMNS} />
      </Box>
    </Box>
  );
}

/** The runner, with its own key dispatcher when rendered outside App. */
export function Runner(props: RunnerProps) {
  return (
    <KeyLayerProvider>
      <RunnerView {...props} />
    </KeyLayerProvider>
  );
}
