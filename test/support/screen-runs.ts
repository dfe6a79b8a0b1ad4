// A health-check-like runbook and a destructive one, as fake runs for screen tests.
import type { AppProps } from '../../screens/App.tsx';
import type { RunController } from '../../src/engine/types.ts';
import { FakeRun, commandStep, decisionStep, manualStep } from './fake-run.ts';

export const hosts = ['m1', 'm2', 'cs1', 'cs2', 'cs3'];

export function healthCheckRun(): FakeRun {
  const steps = [
    commandStep('vip', 'Find the VIP holder', 'ip -brief addr show | grep -F 10.77.0.100', { confirm: 'none' }, 'The VIP 10.77.0.100 must be on exactly one master-candidate.'),
    commandStep(
      'daemons',
      'Daemons per host',
      'systemctl is-active moosefs-master moosefs-chunkserver moosefs-metalogger || true',
      {},
      'Every host should run the daemons its roles ask for. A master-candidate that is not the VIP holder runs a metalogger or a follower master.',
    ),
    commandStep(
      'cluster',
      'Cluster summary (mfscli -SIN)',
      'mfscli -H 10.77.0.100 -SIN',
      { confirm: 'none' },
      'The master answers with its version, memory, chunk counts and the state of each chunkserver.',
    ),
    manualStep('look', 'Look at the CGI', 'Open http://10.77.0.100:9425 and check that no chunkserver is marked red.'),
    decisionStep('next', 'What next?', 'Is the cluster healthy?', [
      { key: 'yes', label: 'Yes, done', goto: 'end' },
      { key: 'no', label: 'No, fix a chunkserver', runbook: 'replace-chunkserver' },
    ]),
  ];
  return new FakeRun(steps, {
    vip: ['m1', 'm2'].map((host) => ({ stepId: 'vip', host, script: 'ip -brief addr show | grep -F 10.77.0.100' })),
    daemons: hosts.map((host) => ({
      stepId: 'daemons',
      host,
      script: host.startsWith('m') ? 'systemctl is-active moosefs-master moosefs-metalogger || true' : 'systemctl is-active moosefs-chunkserver',
    })),
    cluster: [{ stepId: 'cluster', host: 'm1', script: 'mfscli -H 10.77.0.100 -SIN' }],
  });
}

export function destructiveRun(): FakeRun {
  const steps = [
    commandStep(
      'wipe',
      'Wipe the chunk disks of cs2',
      'rm -rf /var/lib/mfs/chunks/*',
      { confirm: 'typed', risk: 'Deletes every chunk stored on cs2. Only safe once the cluster has re-replicated them.' },
      'cs2 is being retired; its chunks must already exist elsewhere.',
    ),
  ];
  return new FakeRun(steps, { wipe: [{ stepId: 'wipe', host: 'cs2', script: 'rm -rf /var/lib/mfs/chunks/*' }] });
}

/** For startRun/resumeRun when the test expects neither to be called. */
export function noRun(): never {
  throw new Error('not expected');
}

/** App's props for a test: no runbooks, no unfinished runs, no run expected to start; `over` sets what the test is about. */
export function appProps(over: Partial<AppProps> = {}): AppProps {
  return { runbooks: [], unfinished: [], startRun: noRun, resumeRun: noRun, onExit: () => {}, ...over };
}

/** A startRun that notes each start (runbook id and input values) and returns `run`. */
export function recordingStart(run: RunController): { started: { id: string; values: Record<string, string> }[]; startRun: AppProps['startRun'] } {
  const started: { id: string; values: Record<string, string> }[] = [];
  return {
    started,
    startRun: (id, values) => {
      started.push({ id, values });
      return run;
    },
  };
}
