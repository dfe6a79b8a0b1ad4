// Renders one realistic Runner frame and prints it: used by the NO_COLOR test (in a child
// process, since colors are decided when chalk loads) and to write screens/README-capture.txt.
//   node --import tsx test/unit/screens/capture-frame.tsx running|typed [columns] [rows]
import { Runner } from '../../../screens/Runner.tsx';
import { FakeRun, commandStep, hostState, manualStep } from '../../support/fake-run.ts';
import { renderScreen, tick } from '../../support/render-screen.ts';

const daemonsOut = (host: string) =>
  host.startsWith('m')
    ? `mfsmaster: ${host === 'm1' ? 'running (pid 2817)' : 'not running'}\nmfsmetalogger: ${host === 'm1' ? 'not running' : 'running (pid 1904)'}\nkeepalived: running (pid 977)\n`
    : 'mfschunkserver: running (pid 1311)\nkeepalived: not running\n';

function replaceChunkserverRun(): FakeRun {
  const steps = [
    commandStep('health', 'Check the cluster is healthy', 'mfscli -H 10.77.0.100 -SIG', { confirm: 'none' }),
    commandStep('daemons', 'MooseFS daemons on each host', 'for d in mfsmaster mfsmetalogger mfschunkserver keepalived; do ...; done', { confirm: 'none' }),
    commandStep(
      'mark',
      'Mark cs2 for removal',
      "sed -i 's|^/srv/mfs/hdd1$|*/srv/mfs/hdd1|' /etc/mfs/mfshdd.cfg\nsystemctl reload moosefs-chunkserver",
      { confirm: 'yes' },
      'The chunkserver keeps serving its chunks while the master copies them to other servers. Wait until no chunk is undergoal before you stop it.',
    ),
    commandStep(
      'wipe',
      'Wipe the chunk disk of cs2',
      'rm -rf /srv/mfs/hdd1/*',
      { confirm: 'typed', risk: 'Deletes every chunk stored on cs2. Only safe once no chunk is undergoal.' },
      'Only after mfscli -SIG shows 0 undergoal and 0 missing chunks. Chunks that exist only here are lost for good.',
    ),
    manualStep('power', 'Power cs2 off and swap the disk', 'Shut the machine down, replace the disk, power it on.'),
  ];
  const plans = {
    mark: [{ stepId: 'mark', host: 'cs2', script: "sed -i 's|^/srv/mfs/hdd1$|*/srv/mfs/hdd1|' /etc/mfs/mfshdd.cfg\nsystemctl reload moosefs-chunkserver" }],
    wipe: [{ stepId: 'wipe', host: 'cs2', script: 'rm -rf /srv/mfs/hdd1/*' }],
    daemons: ['m1', 'm2', 'cs1', 'cs2', 'cs3'].map((host) => ({ stepId: 'daemons', host, script: 'for d in mfsmaster mfsmetalogger mfschunkserver keepalived; do ...; done' })),
  };
  return new FakeRun(steps, plans, { runId: 'r-20261125-1842-a3f', runbookId: 'replace-chunkserver', startedAt: new Date(Date.now() - 154_000).toISOString() });
}

const scenario = process.argv[2] ?? 'running';
const columns = Number(process.argv[3] ?? 92);
const rows = Number(process.argv[4] ?? 32);
const run = replaceChunkserverRun();
const done = (host: string, output: string, durationMs: number) => hostState(host, { status: 'succeeded', exitCode: 0, durationMs, output, attempts: 1 });
run.setStep('health', { status: 'succeeded', hosts: [done('m1', 'ok\n', 412)] });
if (scenario === 'running') {
  run.setStep(
    'daemons',
    {
      status: 'running',
      hosts: [
        done('m1', daemonsOut('m1'), 208),
        done('m2', daemonsOut('m2'), 195),
        done('cs1', daemonsOut('cs1'), 170),
        done('cs2', daemonsOut('cs2'), 181),
        hostState('cs3', { status: 'running', output: 'mfschunkserver: running (pid 1311)\n', attempts: 1 }),
      ],
    },
    { cursor: 1 },
  );
} else {
  run.setStep('daemons', { status: 'succeeded', hosts: ['m1', 'm2', 'cs1', 'cs2', 'cs3'].map((h) => done(h, daemonsOut(h), 190)) });
  run.setStep('mark', { status: 'succeeded', hosts: [{ ...done('cs2', '', 1240), check: { ok: true, exitCode: 0, output: '' } }] });
  run.update({ cursor: 3, prompt: { kind: 'confirm', stepId: 'wipe', host: 'cs2', level: 'typed', risk: 'Deletes every chunk stored on cs2. Only safe once no chunk is undergoal.' } });
}
const r = renderScreen(<Runner ctrl={run} title="Replace a chunkserver" cluster="lab" onLeave={() => {}} />, { columns, rows });
await tick(150);
if (scenario === 'typed') {
  r.press('cs3\r');
  await r.waitFor('that is not cs2', 10_000);
  r.press('cs');
  await r.waitFor(/confirm \(Esc to refuse\): cs/, 10_000);
}
process.stdout.write(r.lastFrame() + '\n');
r.unmount();
