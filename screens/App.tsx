// The interactive app: Home → runbook inputs → Runner, wired to callbacks the CLI gives.
// Screens hold no domain logic: starting, resuming and running are the CLI's and engine's.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { RunController } from '../src/engine/types.ts';
import type { RunbookInput } from '../src/runbook/types.ts';
import type { HandedOver, InputSuggestion } from '../src/runbook/inputs.ts';
import type { ClusterStatus } from '../src/status/model.ts';
import { useClusterStatus } from './status/useStatus.ts';
import { KeyLayerProvider, isCtrlC, layer, useKeyLayer } from './hooks/keys.tsx';
import { Home, type RunbookEntry, type UnfinishedRun } from './Home.tsx';
import { InputsForm } from './prompts.tsx';
import { ClusterCheck, needsClusterCheck, type ClusterChoice } from './ClusterCheck.tsx';
import { Runner } from './Runner.tsx';
import { TriageScreen } from './triage/TriageScreen.tsx';
import { SessionQuestions, sessionQuestionRows, useSessionQuestion, type QuestionSource } from './SessionQuestions.tsx';
import type { StatusStore } from './status/useStatus.ts';
import { visibleLine } from './format.ts';
import './theme.ts';
import { t } from '../src/i18n/index.ts';
import { errorMessage } from '../src/util/error-message.ts';

export interface AppRunbook extends RunbookEntry {
  inputs: readonly RunbookInput[];
}

export interface InputHelp {
  suggest(values: Record<string, string>): Record<string, InputSuggestion>;
  contradictions(values: Record<string, string>): string[];
}

export interface AppProps {
  runbooks: readonly AppRunbook[];
  unfinished: readonly UnfinishedRun[];
  cluster?: string;
  /** How the cluster was chosen: a high-risk runbook on one nobody named asks for its name first. */
  clusterChoice?: ClusterChoice;
  notice?: string;
  /** Input defaults with their {{variables}} resolved against the inventory, by input name. */
  inputDefaults?(runbookId: string): Record<string, string>;
  /**
   * Input defaults from the live status, the run that handed over and the inventory (given
   * the values so far), and values that contradict the live status; wins over inputDefaults.
   */
  inputHelp?(runbookId: string, ctx: { handedOver?: HandedOver; status?: ClusterStatus }): InputHelp | undefined;
  /** Open this runbook's inputs form right away, filled in with these values (`mfs-tui run` at a terminal). */
  initialRun?: { runbookId: string; inputs: Record<string, string> };
  startRun(runbookId: string, inputs: Record<string, string>): RunController | Promise<RunController>;
  resumeRun(runId: string): RunController | Promise<RunController>;
  /** Opens the cluster status outside the app (takes precedence over statusScreen). */
  onStatus?(): void;
  /** The cluster status screen (e.g. screens/status StatusScreen on a poller's store), shown inside the app; Esc goes back. */
  statusScreen?(): ReactNode;
  /** The status poller triage judges (the app's live status); none: no triage entry on Home. */
  triageStatus?(): Promise<StatusStore>;
  /** The live cluster status shown beside a run (read when the runner opens; none: no sidebar). */
  runnerStatus?(): StatusStore | undefined;
  /**
   * Keeps the live status polling while a screen that shows it is open (the status screen,
   * triage, a run being opened or open); returns the release, called when it closes.
   */
  holdStatus?(): () => void;
  /** The operator quit or left a run (an unfinished run stays resumable). */
  onExit(): void;
  /** Questions from the SSH layer (host keys, passphrases, sudo passwords), shown above any screen. */
  broker?: QuestionSource;
  /** Open this unfinished run right away (`mfs-tui resume RUN`). */
  initialResume?: string;
}

/** Who opened a runbook with values filled in (triage, the command line, a hand-over). */
type PickedFrom = { label?: string; handedOver?: HandedOver };

type Screen =
  | { kind: 'home'; notice?: string }
  | { kind: 'inputs'; runbook: AppRunbook; prefill?: Record<string, string>; prefillFrom?: string; handedOver?: HandedOver }
  | { kind: 'cluster-check'; runbook: AppRunbook; prefill?: Record<string, string>; from?: PickedFrom }
  | { kind: 'triage' }
  | { kind: 'opening'; title: string }
  | { kind: 'runner'; ctrl: RunController; title: string }
  | { kind: 'status' };

/** The screens that show the live cluster status (or, opening a run, are about to). */
const STATUS_SCREENS: ReadonlySet<Screen['kind']> = new Set(['status', 'triage', 'opening', 'runner']);

function StatusView({ render, onBack }: { render?: () => ReactNode; onBack(): void }) {
  useKeyLayer(layer.screen, (input, key) => {
    if (!key.escape && !key.return && input !== 'q' && !isCtrlC(input, key)) return false;
    onBack();
    return true;
  });
  return (
    <Box flexDirection="column">
      {render ? (
        render()
      ) : (
        <>
          <Text bold>{t('app.status.title')}</Text>
          <Text>{t('app.status.unavailable')}</Text>
        </>
      )}
      <Text dimColor>{t('app.status.back')}</Text>
    </Box>
  );
}

function AppView(props: AppProps) {
  const { broker, onExit } = props;
  // Last resort for Ctrl-C on screens that do not handle it (inputs, opening): quit.
  useKeyLayer(layer.screen - 10, (input, key) => {
    if (!isCtrlC(input, key)) return false;
    onExit();
    return true;
  });
  const reservedRows = sessionQuestionRows(useSessionQuestion(broker));
  const body = <CurrentScreen {...props} reservedRows={reservedRows} />;
  return broker ? (
    <Box flexDirection="column">
      {body}
      <SessionQuestions source={broker} />
    </Box>
  ) : (
    body
  );
}

function CurrentScreen(props: AppProps & { reservedRows: number }): ReactNode {
  const { runbooks, unfinished, cluster, notice, inputDefaults, startRun, resumeRun, onStatus, onExit, initialResume } = props;
  const [screen, setScreen] = useState<Screen>({ kind: 'home' });
  const home = useCallback((problem?: string) => setScreen({ kind: 'home', notice: problem }), []);
  // The poller runs only while someone looks: Home and the inputs form do not.
  const { holdStatus } = props;
  const showsStatus = STATUS_SCREENS.has(screen.kind) || (screen.kind === 'inputs' && screen.runbook.inputs.some((i) => i.live !== undefined));
  useEffect(() => (showsStatus && holdStatus ? holdStatus() : undefined), [showsStatus, holdStatus]);

  const open = useCallback(
    (title: string, make: () => RunController | Promise<RunController>) => {
      setScreen({ kind: 'opening', title });
      Promise.resolve()
        .then(make)
        .then(
          (ctrl) => setScreen({ kind: 'runner', ctrl, title }),
          (error: unknown) => home(t('app.cannotOpen', { title, error: errorMessage(error) })),
        );
    },
    [home],
  );

  // Once per session: the operator typed the cluster's name before a high-risk runbook.
  const clusterConfirmed = useRef(false);
  const { clusterChoice } = props;
  const proceed = useCallback(
    (runbook: AppRunbook, prefill?: Record<string, string>, from?: PickedFrom) => {
      if (runbook.inputs.length > 0) setScreen({ kind: 'inputs', runbook, prefill, prefillFrom: from?.label, handedOver: from?.handedOver });
      else open(runbook.title, () => startRun(runbook.id, {}));
    },
    [open, startRun],
  );
  const pick = useCallback(
    (runbookId: string, prefill?: Record<string, string>, from?: PickedFrom) => {
      const runbook = runbooks.find((r) => r.id === runbookId);
      if (!runbook) return home(t('app.noRunbook', { id: runbookId }));
      // A runbook with problems never starts: the list shows it greyed with them.
      const problems = runbook.problems ?? [];
      if (problems.length > 0)
        return home(`${t('app.cannotRun', { title: runbook.title })}\n${problems.slice(0, 3).join('\n')}${problems.length > 3 ? `\n${t('app.moreProblems', { count: problems.length - 3 })}` : ''}`);
      if (cluster && needsClusterCheck(runbook.risk, clusterChoice, clusterConfirmed.current)) setScreen({ kind: 'cluster-check', runbook, prefill, from });
      else proceed(runbook, prefill, from);
    },
    [runbooks, home, proceed, cluster, clusterChoice],
  );

  // `mfs-tui run RUNBOOK` at a terminal: straight into its inputs form (or its run), once.
  const { initialRun } = props;
  const ranInitial = useRef(false);
  useEffect(() => {
    if (!initialRun || ranInitial.current) return;
    ranInitial.current = true;
    pick(initialRun.runbookId, initialRun.inputs, { label: t('app.commandLine') });
  }, [initialRun, pick]);

  const resume = useCallback(
    (runId: string) => {
      const run = unfinished.find((u) => u.runId === runId);
      open(run?.title ?? runId, () => resumeRun(runId));
    },
    [unfinished, open, resumeRun],
  );

  // `mfs-tui resume RUN`: straight into the run, once.
  const resumedInitial = useRef(false);
  useEffect(() => {
    if (!initialResume || resumedInitial.current) return;
    resumedInitial.current = true;
    resume(initialResume);
  }, [initialResume, resume]);

  switch (screen.kind) {
    case 'home':
      return (
        <Home
          runbooks={runbooks}
          unfinished={unfinished}
          cluster={cluster}
          notice={screen.notice ?? notice}
          onPick={pick}
          onResume={resume}
          onStatus={onStatus ?? (() => setScreen({ kind: 'status' }))}
          onTriage={props.triageStatus ? () => setScreen({ kind: 'triage' }) : undefined}
          onQuit={onExit}
        />
      );
    case 'inputs':
      return (
        <InputsScreen
          screen={screen}
          inputDefaults={inputDefaults}
          inputHelp={props.inputHelp}
          liveStatus={screen.runbook.inputs.some((i) => i.live !== undefined) ? props.triageStatus : undefined}
          onSubmit={(values) => open(screen.runbook.title, () => startRun(screen.runbook.id, values))}
          onCancel={() => home()}
        />
      );
    case 'cluster-check':
      return (
        <ClusterCheck
          cluster={cluster ?? ''}
          choice={clusterChoice!}
          title={screen.runbook.title}
          risk={screen.runbook.risk}
          onConfirm={() => {
            clusterConfirmed.current = true;
            proceed(screen.runbook, screen.prefill, screen.from);
          }}
          onCancel={() => home(t('app.notConfirmed'))}
        />
      );
    case 'opening':
      return <Text dimColor>{t('app.opening', { title: screen.title })}</Text>;
    case 'runner':
      return (
        <Runner
          key={screen.ctrl.getState().runId}
          ctrl={screen.ctrl}
          title={screen.title}
          cluster={cluster}
          reservedRows={props.reservedRows}
          status={props.runnerStatus?.()}
          onLeave={onExit}
          onHome={() => home()}
          onNextRunbook={(id) => {
            const from = screen.ctrl.getState();
            pick(id, undefined, { handedOver: { runbook: from.runbookId, runId: from.runId, inputs: screen.ctrl.inputValues?.() ?? {} } });
          }}
        />
      );
    case 'status':
      return <StatusView render={props.statusScreen} onBack={() => home()} />;
    case 'triage':
      return props.triageStatus ? <TriageScreen load={props.triageStatus} library={runbooks} onOpen={pick} onBack={() => home()} /> : null;
  }
}

type InputsScreenState = Extract<Screen, { kind: 'inputs' }>;

/** The live status store, opened when the inputs name live roles (none: no status). */
function useOpenedStatus(load: (() => Promise<StatusStore>) | undefined): StatusStore | undefined {
  const [store, setStore] = useState<StatusStore | undefined>();
  useEffect(() => {
    if (!load) return;
    let gone = false;
    load().then(
      (s) => !gone && setStore(s),
      () => undefined,
    );
    return () => {
      gone = true;
    };
  }, [load]);
  return store;
}

function InputsScreen(props: {
  screen: InputsScreenState;
  inputDefaults?: AppProps['inputDefaults'];
  inputHelp?: AppProps['inputHelp'];
  liveStatus?: () => Promise<StatusStore>;
  onSubmit(values: Record<string, string>): void;
  onCancel(): void;
}) {
  const store = useOpenedStatus(props.liveStatus);
  return store ? <InputsWithStatus {...props} store={store} /> : <InputsView {...props} waiting={props.liveStatus !== undefined} />;
}

function InputsWithStatus(props: Parameters<typeof InputsScreen>[0] & { store: StatusStore }) {
  const status = useClusterStatus(props.store);
  return <InputsView {...props} status={status} />;
}

function InputsView({ screen, inputDefaults, inputHelp, onSubmit, onCancel, status, waiting }: Parameters<typeof InputsScreen>[0] & { status?: ClusterStatus; waiting?: boolean }) {
  const help = inputHelp?.(screen.runbook.id, { handedOver: screen.handedOver, status });
  const prefill = screen.prefill ?? {};
  return (
    <Box flexDirection="column">
      <Text bold>{t('app.inputs.title', { title: screen.runbook.title })}</Text>
      {Object.keys(prefill).length > 0 && (
        <Text dimColor>
          {t('app.inputs.filledIn', {
            from: screen.prefillFrom ?? t('app.inputs.fromTriage'),
            values: visibleLine(
              Object.entries(prefill)
                .map(([k, v]) => `${k}=${v}`)
                .join(' '),
            ),
          })}
        </Text>
      )}
      {screen.handedOver && (
        <Text dimColor>
          {screen.handedOver.runId
            ? t('app.inputs.handedOverRun', { runbook: screen.handedOver.runbook, run: screen.handedOver.runId })
            : t('app.inputs.handedOver', { runbook: screen.handedOver.runbook })}
        </Text>
      )}
      {waiting && !status && <Text dimColor>{t('app.inputs.reading')}</Text>}
      <InputsForm
        inputs={screen.runbook.inputs}
        defaults={help ? prefill : { ...inputDefaults?.(screen.runbook.id), ...prefill }}
        suggest={help?.suggest}
        contradictions={help?.contradictions}
        onSubmit={onSubmit}
        onCancel={onCancel}
      />
    </Box>
  );
}

export function App(props: AppProps) {
  return (
    <KeyLayerProvider>
      <AppView {...props} />
    </KeyLayerProvider>
  );
}
