// `mfs-tui triage` exit codes for what is not a cluster finding: bad usage or inventory (2),
// no host reachable (3). The real bin/mfs-tui (built bundle) as a child process; the unreachable
// host is a closed port on loopback. Findings on a real cluster: test/integration/triage.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { BIN } from '../../support/cli-env.ts';

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
    assert.match(none.stderr, /^mfs-tui: no inventory: pass --cluster NAME \(see `mfs-tui clusters`\), --inventory FILE/);
    const missing = cli(['--inventory', join(dir, 'nope.yaml'), 'triage']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nope\.yaml: no such inventory file/);
    const bad = cli(['triage', '--jsno']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option '--jsno'/);
    for (const r of [none, missing, bad]) assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('a host that accepts TCP but never speaks SSH: exit 3 once the connect timeout passes, not minutes later', async () => {
    // Holds every connection open without a word, like a hung sshd or a half-dead host.
    const held: import('node:net').Socket[] = [];
    const server = createServer((c) => held.push(c));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const inventory = join(dir, 'hung.yaml');
      const key = join(dir, 'id_ed25519');
      if (!existsSync(key)) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      writeFileSync(join(dir, 'kh-hung'), '');
      writeFileSync(
        inventory,
        [
          'cluster: hung',
          'vip: { address: 127.0.0.100, interface: lo, prefix: 8 }',
          `ssh: { known_hosts: [${join(dir, 'kh-hung')}] }`,
          'hosts:',
          `  - { name: m1, address: 127.0.0.1, port: ${port}, user: root, identity: ${key}, roles: [master-candidate] }`,
          '',
        ].join('\n'),
      );
      const t0 = performance.now();
      const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, '--inventory', inventory, 'triage'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d));
        // Without the fix the child lives as long as the held socket: stop it rather than hang the test.
        const stop = setTimeout(() => child.kill('SIGKILL'), 60_000);
        child.on('close', (status) => {
          clearTimeout(stop);
          resolve({ status, stderr });
        });
      });
      const s = (performance.now() - t0) / 1000;
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stderr, /m1: no SSH answer from 127\.0\.0\.1:\d+ within 10 s/);
      assert.ok(s < 40, `took ${s.toFixed(1)} s: the held socket kept the process alive`);
    } finally {
      for (const c of held) c.destroy();
      server.close();
    }
  });

  it('no host answers: exit 3, each host with its error', async () => {
    const port = await closedPort();
    const knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, '');
    const inventory = join(dir, 'inventory.yaml');
    // A key to log in with: the hosts are down (nothing listens), not locked out.
    const key = join(dir, 'id_ed25519');
    if (!existsSync(key)) spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    writeFileSync(
      inventory,
      [
        'cluster: gone',
        'vip: { address: 127.0.0.100, interface: lo, prefix: 8 }',
        `ssh: { known_hosts: [${knownHosts}] }`,
        'hosts:',
        `  - { name: m1, address: 127.0.0.1, port: ${port}, user: root, identity: ${key}, roles: [master-candidate] }`,
        `  - { name: c1, address: 127.0.0.1, port: ${port}, user: root, identity: ${key}, roles: [chunkserver] }`,
        '',
      ].join('\n'),
    );
    const r = cli(['--inventory', inventory, 'triage', '--json']);
    assert.equal(r.status, 3, `${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /^mfs-tui: no host of cluster gone could be reached:\n {2}m1 \(127\.0\.0\.1\): .+\n {2}c1 \(127\.0\.0\.1\): /);
    assert.equal(r.stdout, '');
  });
});
