// `mfs-tui triage` exit codes for what is not a cluster finding: bad usage or inventory (2),
// no host reachable (3). The real bin/mfs-tui (built bundle) as a child process; the unreachable
// host is a closed port on loopback. Findings on a real cluster: test/integration/triage.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { BIN } from './cli-env.ts';

const BUNDLE = fileURLToPath(new URL('../../../dist/mfs-tui.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mfs-triage-cli-'));
const env = { ...process.env, MFS_TUI_STATE_DIR: join(dir, 'state'), MFS_TUI_CONFIG_DIR: join(dir, 'config'), MFS_TUI_LAB_DIR: join(dir, 'no-lab'), NO_COLOR: '1' };
const cli = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('mfs-tui triage exit codes', { skip: existsSync(BUNDLE) ? false : 'run `npm run build` first' }, () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help names the command, --json and the exit codes', () => {
    const r = cli(['triage', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: mfs-tui triage \[options\]/);
    assert.match(r.stdout, /--json/);
    assert.match(r.stdout, /exit 0\s+healthy, 1 not/);
  });

  it('no inventory, a missing inventory file, an unknown option: exit 2 with one clear line', () => {
    const none = cli(['triage']);
    assert.equal(none.status, 2, none.stderr);
    assert.match(none.stderr, /^mfs-tui: no inventory: pass --inventory FILE/);
    const missing = cli(['--inventory', join(dir, 'nope.yaml'), 'triage']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.yaml: no such inventory file/);
    const bad = cli(['triage', '--jsno']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option '--jsno'/);
    for (const r of [none, missing, bad]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('no host answers: exit 3, each host with its error', async () => {
    const port = await closedPort();
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, '');
    const inventory = join(dir, 'inventory.yaml');
    writeFileSync(
      inventory,
      [
        'cluster: gone',
        'vip: { address: 127.0.0.100, interface: lo, prefix: 8 }',
        `ssh: { known_hosts: [${knownHosts}] }`,
        'hosts:',
        `  - { name: m1, address: 127.0.0.1, port: ${port}, user: root, roles: [master-candidate] }`,
        `  - { name: c1, address: 127.0.0.1, port: ${port}, user: root, roles: [chunkserver] }`,
        '',
      ].join('\n'),
    );
    const r = cli(['--inventory', inventory, 'triage', '--json']);
    assert.equal(r.status, 3, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^mfs-tui: no host of cluster gone could be reached:\n {2}m1 \(127\.0\.0\.1\): .+\n {2}c1 \(127\.0\.0\.1\): /);
    assert.equal(r.stdout, '');
  });
});
