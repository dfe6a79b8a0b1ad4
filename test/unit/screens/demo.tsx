// A hand-driven demo of the screens in a real terminal, with a scripted fake engine:
//   node --import tsx test/unit/screens/demo.tsx
// Not a test: used to look at the screens under a real TTY (raw mode, real rows, resize).
import { render } from 'ink';
import { App } from '../../../screens/App.tsx';
import { hostState, type FakeRun } from '../../support/fake-run.ts';
import { destructiveRun, healthCheckRun, hosts } from '../../support/screen-runs.ts';

/** Plays the engine: confirm → stream output per host → next step. */
function script(run: FakeRun): FakeRun {
  const order = run.steps.map((s) => s.id);
  const ask = (i: number) => {
    const step = run.steps[i];
    if (!step) return run.update({ cursor: i, status: 'succeeded', prompt: { kind: 'finished', status: 'succeeded' } });
    const block = step.commands[0];
    if (step.kind === 'manual') return run.update({ cursor: i, prompt: { kind: 'acknowledge', stepId: step.id } });
    if (step.kind === 'decision') return run.update({ cursor: i, prompt: { kind: 'decide', stepId: step.id } });
    if (block?.confirm === 'none') return execute(i);
    const targets = run.planFor(step.id).map((p) => p.host);
    run.update({
      cursor: i,
      prompt: { kind: 'confirm', stepId: step.id, level: block?.confirm === 'typed' ? 'typed' : 'yes', host: block?.confirm === 'typed' ? targets[0] : undefined, risk: block?.risk },
    });
  };
  const execute = (i: number) => {
    const step = run.steps[i]!;
    const targets = run.planFor(step.id).map((p) => p.host);
    let states = targets.map((h) => hostState(h));
    run.setStep(step.id, { status: 'running', hosts: states, startedAt: new Date().toISOString() }, { cursor: i, prompt: undefined });
    let h = 0;
    let line = 0;
    const timer = setInterval(() => {
      const host = targets[h]!;
      states = states.map((s) => (s.host === host ? { ...s, status: 'running', attempts: 1, startedAt: s.startedAt ?? new Date().toISOString(), output: s.output + `${host}: line ${++line}\n` } : s));
      if (line % 6 === 0) {
        states = states.map((s) => (s.host === host ? { ...s, status: 'succeeded', exitCode: 0, durationMs: 1200 } : s));
        h++;
      }
      run.setStep(step.id, { hosts: states });
      if (h >= targets.length) {
        clearInterval(timer);
        run.setStep(step.id, { status: 'succeeded', finishedAt: new Date().toISOString() });
        ask(i + 1);
      }
    }, 200);
  };
  run.onIntent = (intent) => {
    const i = run.getState().cursor;
    if (intent.type === 'confirm') {
      const p = run.getState().prompt;
      if (p?.kind === 'confirm' && p.level === 'typed' && intent.typed !== p.host) {
        run.update({ prompt: undefined });
        return run.update({ prompt: { ...p, message: `typed "${intent.typed}", expected "${p.host}"` } });
      }
      execute(i);
    } else if (intent.type === 'acknowledge' || intent.type === 'decide' || intent.type === 'skip') {
      run.setStep(order[i]!, { status: intent.type === 'skip' ? 'skipped' : 'succeeded', choice: intent.type === 'decide' ? intent.choice : undefined });
      ask(i + 1);
    } else if (intent.type === 'refuse' || intent.type === 'abort') {
      run.update({ status: 'aborted', prompt: { kind: 'finished', status: 'aborted' } });
    }
  };
  queueMicrotask(() => ask(0));
  return run;
}

void hosts;
const app = render(
  <App
    runbooks={[
      { id: 'health-check', title: 'Cluster health check', summary: 'A read-only tour of the cluster.', risk: 'low', when: 'Any time.', inputs: [] },
      { id: 'wipe', title: 'Wipe a chunkserver disk', summary: 'Deletes chunks on one chunkserver.', risk: 'critical', when: 'Retiring a disk.', inputs: [] },
    ]}
    unfinished={[]}
    cluster="demo"
    startRun={(id) => script(id === 'wipe' ? destructiveRun() : healthCheckRun())}
    resumeRun={() => {
      throw new Error('no runs to resume in the demo');
    }}
    onExit={() => app.unmount()}
  />,
  { exitOnCtrlC: false },
);
await app.waitUntilExit();
