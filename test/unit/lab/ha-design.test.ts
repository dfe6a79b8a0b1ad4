// `lab up --fast` writes keepalived-ha's own files (src/lab/ha-design.ts). Here they are
// compared with what the runbook's steps write when run: the role and check scripts with
// the library tests' renderer, keepalived.conf by running the step's shell for real (with
// getent, into a temporary folder; keepalived -t is the library test's part).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hostFiles } from '../../../src/lab/files.ts';
import { keepalivedHaFiles, labInventory } from '../../../src/lab/ha-design.ts';
import { planHosts } from '../../../src/lab/layout.ts';
import { runbookInputs } from '../../../src/lab/runbook-build.ts';
import { parseKeepalivedConf } from '../../../src/status/keepalived-conf.ts';
import { heredoc, renderBlock, runbook } from '../../support/runbook-library.ts';

describe('lab --fast: the keepalived-ha design, from the runbook', () => {
  const rb = runbook('keepalived-ha');
  const step = (id: string) => rb.steps.find((s) => s.id === id)!.commands[0]!;

  for (const n of [3, 40]) {
    const hosts = planHosts(n);
    const inv = labInventory(hosts);
    const inputs = runbookInputs(hosts)['keepalived-ha']!;
    const written = (stepId: string, host: string) => renderBlock(rb, step(stepId), host, inv, inputs).script;

    it(`${n} chunkservers: role and check scripts are the runbook's, byte for byte, on m1 and m2`, () => {
      for (const name of ['m1', 'm2']) {
        const files = keepalivedHaFiles(
          hosts.find((h) => h.name === name)!,
          hosts,
        );
        assert.equal(files['mfs-role.sh'], heredoc(written('role-script', name), '/etc/keepalived/mfs-role.sh.new'));
        assert.equal(files['mfs-check.sh'], heredoc(written('check-script', name), '/etc/keepalived/mfs-check.sh.new'));
        // The role file triage and the status screen read, and the log they quote.
        assert.match(files['mfs-role.sh'], /ROLE_FILE=\/run\/mfs-ha\.role\nLOG=\/var\/log\/mfs-ha\.log\n/);
      }
    });

    it(`${n} chunkservers: keepalived.conf and the chunkserver list are what the steps write when run`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'lab-ha-design-'));
      try {
        for (const [name, prio, peer] of [
          ['m1', 254, '10.77.0.12'],
          ['m2', 253, '10.77.0.11'],
        ] as const) {
          const files = keepalivedHaFiles(
            hosts.find((h) => h.name === name)!,
            hosts,
          );
          const conf = written('keepalived-conf', name).replace('f=/etc/keepalived/keepalived.conf', `f=${dir}/${name}.conf`).replace('if ! keepalived -t -f "$f.new"; then', 'if false; then');
          const r = spawnSync('sh', ['-c', conf], { encoding: 'utf8' });
          assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
          assert.equal(files['keepalived.conf'], readFileSync(join(dir, `${name}.conf`), 'utf8'));
          const inst = parseKeepalivedConf(files['keepalived.conf']).instances[0]!;
          assert.deepEqual([inst.version, inst.advertInt, inst.priority, inst.unicastPeers, inst.nopreempt], [3, 0.5, prio, [peer], true]);

          const list = written('chunkserver-list', name).replace('f=/etc/keepalived/mfs-chunkservers', `f=${dir}/${name}.cs`).replace('mkdir -p /etc/keepalived\n', '');
          const l = spawnSync('sh', ['-c', list], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
          assert.equal(l.status, 0, `${l.stdout}${l.stderr}`);
          assert.equal(files['mfs-chunkservers'], readFileSync(join(dir, `${name}.cs`), 'utf8'));
          assert.equal(files['mfs-chunkservers'].split('\n').filter(Boolean).length, n);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('hostFiles puts them in /etc/keepalived on the candidates only', () => {
    const hosts = planHosts(3);
    const paths = (name: string) =>
      hostFiles(
        hosts.find((h) => h.name === name)!,
        hosts,
        'k',
      )
        .filter((f) => f.path.startsWith('etc/keepalived/'))
        .map((f) => `${f.path} ${f.mode.toString(8)}`)
        .sort();
    assert.deepEqual(paths('m2'), ['etc/keepalived/keepalived.conf 644', 'etc/keepalived/mfs-check.sh 755', 'etc/keepalived/mfs-chunkservers 644', 'etc/keepalived/mfs-role.sh 755']);
    assert.deepEqual(paths('c1'), []);
  });
});
