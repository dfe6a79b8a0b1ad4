import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { App } from '../../../screens/App.tsx';
import type { SessionQuestion } from '../../../src/cluster/prompt-broker.ts';
import type { QuestionSource } from '../../../screens/SessionQuestions.tsx';
import { healthCheckRun } from '../../support/screen-runs.ts';
import { hostState } from '../../support/fake-run.ts';
import { cleanupRendered, keys, renderScreen } from '../../support/render-screen.ts';

afterEach(cleanupRendered);

type WithoutAnswer<T> = T extends unknown ? Omit<T, 'answer'> : never;

/** A one-question-at-a-time store like the CLI's PromptBroker. */
class FakeBroker implements QuestionSource {
  private queue: SessionQuestion[] = [];
  private listeners = new Set<() => void>();
  readonly answers: unknown[] = [];
  current = () => this.queue[0];
  subscribe = (l: () => void) => (this.listeners.add(l), () => this.listeners.delete(l));
  ask(q: WithoutAnswer<SessionQuestion>): void {
    const question = {
      ...q,
      answer: (v: unknown) => {
        this.answers.push(v);
        this.queue = this.queue.filter((x) => x !== question);
        this.notify();
      },
    } as SessionQuestion;
    this.queue = [...this.queue, question];
    this.notify();
  }
  private notify() {
    for (const l of this.listeners) l();
  }
}

test('an unknown host key and a sudo password are asked above the runner, which gets none of those keys', async () => {
  const run = healthCheckRun();
  run.update({ cursor: 1, prompt: { kind: 'confirm', stepId: 'daemons', level: 'yes' } });
  const broker = new FakeBroker();
  const r = renderScreen(
    <App
      runbooks={[{ id: 'hc', title: 'Health check', summary: '', risk: 'low', when: '', inputs: [] }]}
      unfinished={[{ runId: 'r-1', title: 'Health check', started: '2026-11-25T18:00:00Z', lastActivity: '2026-11-25T18:00:00Z' }]}
      initialResume="r-1"
      broker={broker}
      startRun={() => run}
      resumeRun={() => run}
      onExit={() => {}}
    />,
  );
  await r.waitFor('Run this on');
  broker.ask({ kind: 'host-key', info: { host: 'cs3', address: '10.77.0.23', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:q3b4bW1hVjQ' } });
  const hk = await r.waitFor('Unknown host key for cs3 (10.77.0.23:22)');
  assert.match(hk, /ssh-ed25519 SHA256:q3b4bW1hVjQ/);
  // A y pressed as the question appears (meant for the step's y/n) is not taken.
  r.press('y');
  await r.waitFor('yes + enter trust');
  assert.doesNotMatch(r.lastFrame(), /› ?y|: y/, 'the early y was not typed into the field');
  r.press('yes');
  r.press(keys.enter);
  await r.waitFor(() => broker.answers.length === 1);
  assert.deepEqual(broker.answers, [true]);
  assert.deepEqual(run.sent, [], 'the keys answered the host key, not the step');

  broker.ask({ kind: 'secret', title: 'sudo password for ops on cs3', detail: 'asked once per session, never written anywhere' });
  await r.waitFor('enter send · esc cancel');
  r.press('hunter2');
  const masked = await r.waitFor('•••••••');
  assert.doesNotMatch(masked, /hunter2/);
  r.press(keys.enter);
  await r.waitFor(() => broker.answers.length === 2);
  assert.deepEqual(broker.answers, [true, 'hunter2']);
  await r.waitFor((f) => !f.includes('sudo password'));
  assert.deepEqual(run.sent, []);
});

test('a host key is trusted only by a typed yes: y + Enter refuses it, and Esc refuses it', async () => {
  const run = healthCheckRun();
  run.update({ cursor: 1, prompt: { kind: 'confirm', stepId: 'daemons', level: 'yes' } });
  const broker = new FakeBroker();
  const r = renderScreen(
    <App
      runbooks={[]}
      unfinished={[{ runId: 'r-1', title: 'Health check', started: '', lastActivity: '' }]}
      initialResume="r-1"
      broker={broker}
      startRun={() => run}
      resumeRun={() => run}
      onExit={() => {}}
    />,
  );
  await r.waitFor('Run this on');
  const info = { host: 'cs3', address: '10.77.0.23', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:q3b4bW1hVjQ' };
  broker.ask({ kind: 'host-key', info });
  await r.waitFor('yes + enter trust');
  r.press('y');
  r.press(keys.enter);
  await r.waitFor(() => broker.answers.length === 1);
  broker.ask({ kind: 'host-key', info: { ...info, host: 'cs4' } });
  await r.waitFor('Unknown host key for cs4');
  await r.waitFor('yes + enter trust');
  r.press(keys.escape);
  await r.waitFor(() => broker.answers.length === 2);
  assert.deepEqual(broker.answers, [false, false]);
  assert.deepEqual(run.sent, []);
});

test('the runner leaves room for a question box: the whole frame stays shorter than the terminal', async () => {
  const run = healthCheckRun();
  const long = Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n') + '\n';
  run.setStep('daemons', { status: 'running', hosts: [hostState('m1', { status: 'running', output: long, attempts: 1 })] }, { cursor: 1 });
  const broker = new FakeBroker();
  const r = renderScreen(
    <App
      runbooks={[]}
      unfinished={[{ runId: 'r-1', title: 'Health check', started: '', lastActivity: '' }]}
      initialResume="r-1"
      broker={broker}
      startRun={() => run}
      resumeRun={() => run}
      onExit={() => {}}
    />,
    { rows: 24, columns: 80 },
  );
  await r.waitFor('line 99');
  broker.ask({ kind: 'secret', title: 'Passphrase for /home/ops/.ssh/id_ed25519', detail: 'to log in to cs3; kept in memory for this session only' });
  const frame = await r.waitFor('Passphrase for');
  assert.ok(frame.split('\n').length < 24, `${frame.split('\n').length} lines:\n${frame}`);
  assert.match(frame, /line 99/);
});
