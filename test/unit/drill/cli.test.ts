// `mfs-tui drill` argument parsing: where check's options land, and that a scenario and the
// flags reach the drill action.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerDrillCommand } from '../../../app/cli/drill.ts';

function parse(argv: string[]): Promise<{ cmd: string; args: unknown[]; opts: Record<string, unknown> }> {
  const program = new Command('mfs-tui').option('--lab').exitOverride();
  registerDrillCommand(program);
  const drill = program.commands.find((c) => c.name() === 'drill')!;
  return new Promise((resolve, reject) => {
    drill.action((scenario: unknown, opts: Record<string, unknown>) => resolve({ cmd: 'drill', args: [scenario], opts }));
    for (const sub of drill.commands) sub.exitOverride().action((opts: Record<string, unknown>) => resolve({ cmd: sub.name(), args: [], opts: { ...opts, parent: drill.opts() } }));
    program.parseAsync(['node', 'mfs-tui', ...argv]).catch(reject);
  });
}

describe('mfs-tui drill arguments', () => {
  it('check gets --wait; its --report FILE lands on drill (options are not positional), where check reads it', async () => {
    const r = await parse(['--lab', 'drill', 'check', '--wait', '5', '--report', '/tmp/r.md']);
    assert.deepEqual(r, { cmd: 'check', args: [], opts: { wait: '5', parent: { report: '/tmp/r.md' } } });
  });

  it('a scenario with --scripted; --surprise; --report without a file', async () => {
    assert.deepEqual(await parse(['drill', 'lose-master', '--scripted']), { cmd: 'drill', args: ['lose-master'], opts: { scripted: true } });
    assert.deepEqual(await parse(['drill', '--surprise']), { cmd: 'drill', args: [undefined], opts: { surprise: true } });
    assert.deepEqual(await parse(['drill', '--report']), { cmd: 'drill', args: [undefined], opts: { report: true } });
  });

  it('list and abandon are subcommands, not scenarios', async () => {
    assert.equal((await parse(['drill', 'list'])).cmd, 'list');
    assert.deepEqual((await parse(['drill', 'check'])).opts, { parent: {} });
    assert.equal((await parse(['drill', 'abandon'])).cmd, 'abandon');
  });
});
