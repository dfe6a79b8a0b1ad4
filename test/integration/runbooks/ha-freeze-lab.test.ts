// keepalived-ha when the active master's host stops running for a while (every process
// stopped by SIGSTOP: what a host starved of CPU, or a paused VM, looks like to the others)
// with a writer on the client. The practice cluster is built with `lab up --fast`, which
// installs keepalived-ha's own files (src/lab/ha-design.ts renders them from the runbook).
// The standby takes the VIP after 1.5 s, but the frozen host's kernel still answers for its
// master, which serves again the moment the host runs. Before the role script waited for
// another candidate's master to be gone, the standby started a second master at once (both
// listening: the fleet-size flapping under load ended so, bench/RESULTS.md).
import { after, before, describe, it } from 'node:test';
import { assertNothingLost, freezeActiveMaster, startWriter, stopWriter, type FaultRow } from '../../support/fault-matrix.ts';
import { labSkip, startLab, stopLab } from '../../support/lab-runbook.ts';

const rows: FaultRow[] = [];

describe('keepalived-ha with the active master frozen, on the practice cluster', { skip: labSkip(), timeout: 900_000 }, () => {
  before(async () => {
    await startLab('ha-freeze', { via: 'scripts' });
    await startWriter();
  });
  after(async () => {
    stopWriter();
    await stopLab();
  });

  it('the active master frozen past the takeover: never two masters, one serving after the thaw', async () => {
    await freezeActiveMaster(rows);
  });

  it('the new active master frozen too (the other way round)', async () => {
    await freezeActiveMaster(rows);
  });

  it('not one acknowledged file lost (old mount and a fresh mount)', () => {
    assertNothingLost(rows, 'freeze');
  });
});
