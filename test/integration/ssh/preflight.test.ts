// Trust before anything runs, against real sshds: the run's preflight (every host of every
// step connected, its key trusted, logged into, before step 1: exit 3 and nothing run when
// one is not), a refused key that stays refused for the session (no reconnect, the status
// poller included, until the operator asks again), and two inventory names on one server
// sharing one connection and one known_hosts line. `run` goes through the built bundle.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SshPool } from '../../../src/ssh/index.ts';
import { StatusPoller } from '../../../src/status/poller.ts';
import type { Inventory } from '../../../src/inventory/types.ts';
import { generateKey, startSshd, type Sshd } from '../../support/sshd.ts';
import { cliEnv, runCli } from '../../support/cli-env.ts';
import { hostErrorOf, inventoryFor, RecordingPrompts } from '../../support/ssh-inventory.ts';

let sshd: Sshd;
let other: Sshd;
before(async () => {
  [sshd, other] = await Promise.all([startSshd(), startSshd()]);
  // One client key logs in on both.
  other.authorize(readFileSync(`${sshd.clientKey}.pub`, 'utf8'));
});
after(async () => {
  await Promise.all([sshd?.stop(), other?.stop()]);
});

/** Connections the sshd accepted a login on so far. */
const logins = (s: Sshd) => (s.log().match(/Accepted publickey/g) ?? []).length;
/** TCP connections the sshd saw so far (a refused key still opens one). */
const connections = (s: Sshd) => (s.log().match(/Connection from/g) ?? []).length;

/** Step 1 leaves a file on h1; step 3 (after a decision that may jump past it) runs on h2. */
function book(marker: string): string {
  return `---
id: two-hosts
title: Two hosts
summary: Touches h1, then h2
when: In tests
risk: low
roles: [master-candidate]
---

## Mark h1 {#mark}

\`\`\`sh on=h1 confirm=none
touch ${marker}
\`\`\`

## Which way {#which}

\`\`\`decision
question: Go on to h2?
choices:
  - key: on-h2
    label: Go on
    goto: on-h2
  - key: done
    label: Stop here
    goto: done
\`\`\`

## On h2 {#on-h2}

\`\`\`sh on=h2 confirm=none
echo on h2
\`\`\`

## Done {#done}

Nothing more.
`;
}

function twoHostWorld(h2: { port: number; trusted: boolean }) {
  const e = cliEnv(sshd);
  if (h2.trusted) writeFileSync(e.knownHosts, readFileSync(e.knownHosts, 'utf8') + `[127.0.0.1]:${h2.port} ${other.hostPubKey}\n`);
  writeFileSync(e.inventory, readFileSync(e.inventory, 'utf8') + `  - { name: h2, address: 127.0.0.1, port: ${h2.port}, user: ${sshd.user}, identity: ${sshd.clientKey}, roles: [chunkserver] }\n`);
  const marker = join(e.dir, 'step-1-ran');
  writeFileSync(join(e.runbooks, 'two-hosts.md'), book(marker));
  return { e, marker };
}

function journals(e: ReturnType<typeof cliEnv>): Record<string, unknown>[][] {
  const runs = join(e.env.MFS_TUI_STATE_DIR!, 'runs');
  if (!existsSync(runs)) return [];
  return readdirSync(runs)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) =>
      readFileSync(join(runs, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
}

test('preflight: a host of a later step that cannot be reached stops the run before step 1: exit 3, nothing run', () => {
  // A port nothing listens on: the sshd we stop for it.
  const { e, marker } = twoHostWorld({ port: 1, trusted: true });
  const r = runCli(e, ['run', 'two-hosts', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes', '--decide', 'which=on-h2']);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /h2: cannot reach 127\.0\.0\.1:1: connection refused/);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(marker), false, 'step 1 did not run');
  const [recs] = journals(e);
  assert.ok(recs);
  assert.equal(recs.filter((x) => x.type === 'step-started').length, 0);
  assert.equal(recs.at(-1)!.type, 'run-finished');
  assert.match(String(recs.at(-1)!.reason), /^preflight: .*h2: cannot reach/s);
});

test("preflight: an unknown key on a later step's host stops the run before step 1 (exit 3); trusted, the run goes through", () => {
  const { e, marker } = twoHostWorld({ port: other.port, trusted: false });
  const r = runCli(e, ['run', 'two-hosts', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes', '--decide', 'which=done']);
  assert.equal(r.code, 3, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`h2 \\(127\\.0\\.0\\.1:${other.port}\\) offers an unknown ssh-ed25519 host key`));
  assert.match(r.stdout + r.stderr, /h2: the ssh-ed25519 host key SHA256:\S+ of 127\.0\.0\.1:\d+ was not accepted/);
  assert.equal(existsSync(marker), false, 'step 1 did not run');

  writeFileSync(e.knownHosts, readFileSync(e.knownHosts, 'utf8') + `[127.0.0.1]:${other.port} ${other.hostPubKey}\n`);
  const ok = runCli(e, ['run', 'two-hosts', '--runbooks', e.runbooks, '--inventory', e.inventory, '--yes', '--decide', 'which=on-h2']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /h2 \| on h2/);
  assert.equal(existsSync(marker), true);
});

test('a changed key stays refused for the session: no reconnect (the status poller included) until the operator asks again', async () => {
  const kh = join(sshd.dir, 'kh-sticky');
  const wrong = generateKey(join(sshd.dir, 'sticky_wrong_key')).split(' ').slice(0, 2).join(' ');
  writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${wrong}\n`);
  const inventory = inventoryFor(sshd, {}, { knownHosts: [kh] });
  const prompts = new RecordingPrompts({ acceptHostKey: true });
  const pool = new SshPool(inventory, prompts);
  try {
    const before = connections(sshd);
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'host-key-changed');
    assert.equal(connections(sshd), before + 1);
    // Every later use fails at once with the same error, without touching the server.
    const again = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(again, err);
    const poller = new StatusPoller({ inventory, executorFor: (h) => pool.executor(h) }, { intervalMs: 1000, residentMfscli: false, parts: { keepalived: false } });
    await poller.sweep();
    poller.stop();
    const h1 = poller.getState().hosts[0]!;
    assert.equal(h1.reachable, false);
    assert.equal(h1.error, err.message);
    assert.equal(connections(sshd), before + 1, 'nothing reconnected');
    assert.deepEqual(
      pool.refused().map((r) => [r.host, r.error.kind]),
      [['h1', 'host-key-changed']],
    );
    assert.equal(prompts.hostKeyQuestions.length, 0, 'a changed key is never asked about');

    // The operator fixes known_hosts and asks again.
    writeFileSync(kh, sshd.knownHostsLine + '\n');
    pool.reask('h1');
    assert.equal((await pool.executor('h1').exec({ script: 'echo back' })).stdout, 'back\n');
    assert.deepEqual(pool.refused(), []);
  } finally {
    await pool.close();
  }
});

test('an unknown key the operator declined is not asked about again in the session, until asked for', async () => {
  const kh = join(sshd.dir, 'kh-declined');
  rmSync(kh, { force: true });
  const prompts = new RecordingPrompts({ acceptHostKey: false });
  const pool = new SshPool(inventoryFor(sshd, {}, { knownHosts: [kh] }), prompts);
  try {
    const err = await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(err.kind, 'host-key-rejected');
    const before = connections(sshd);
    assert.equal(await hostErrorOf(pool.executor('h1').exec({ script: 'true' })), err);
    assert.equal(await hostErrorOf(pool.preflight(['h1']).then((f) => Promise.reject(f[0]))), err);
    assert.equal(prompts.hostKeyQuestions.length, 1);
    assert.equal(connections(sshd), before);
    pool.reask();
    await hostErrorOf(pool.executor('h1').exec({ script: 'true' }));
    assert.equal(prompts.hostKeyQuestions.length, 2);
  } finally {
    await pool.close();
  }
  assert.equal(existsSync(kh), false);
});

test('two inventory names on one address:port: one connection, one question, one known_hosts line', async () => {
  const kh = join(sshd.dir, 'kh-shared');
  rmSync(kh, { force: true });
  const base = inventoryFor(sshd, {}, { knownHosts: [kh] });
  const inventory: Inventory = { ...base, hosts: [base.hosts[0]!, { ...base.hosts[0]!, name: 'h1-alias', roles: ['chunkserver'] }] };
  const prompts = new RecordingPrompts({ acceptHostKey: true });
  const pool = new SshPool(inventory, prompts);
  try {
    const before = logins(sshd);
    assert.deepEqual(await pool.preflight(['h1', 'h1-alias']), []);
    const [a, b] = await Promise.all([pool.executor('h1').exec({ script: 'echo a' }), pool.executor('h1-alias').exec({ script: 'echo b' })]);
    assert.deepEqual([a.stdout, b.stdout], ['a\n', 'b\n']);
    assert.equal(pool.connectionsOpened, 1);
    assert.equal(logins(sshd) - before, 1);
    assert.equal(prompts.hostKeyQuestions.length, 1);
  } finally {
    await pool.close();
  }
  assert.equal(readFileSync(kh, 'utf8').trim().split('\n').length, 1);
});

test('two logins (two users) on one unknown server: two connections, but one question and one known_hosts line', async () => {
  const kh = join(sshd.dir, 'kh-two-users');
  rmSync(kh, { force: true });
  const base = inventoryFor(sshd, {}, { knownHosts: [kh] });
  // nobody cannot run commands (nologin), but logging in is all the preflight of a non-become host does.
  const inventory: Inventory = { ...base, hosts: [base.hosts[0]!, { ...base.hosts[0]!, name: 'h1-nobody', user: 'nobody', roles: ['chunkserver'] }] };
  const prompts = new RecordingPrompts({ acceptHostKey: true });
  const pool = new SshPool(inventory, prompts);
  try {
    assert.deepEqual(await pool.preflight(['h1', 'h1-nobody']), []);
    assert.equal(pool.connectionsOpened, 2);
    assert.equal(prompts.hostKeyQuestions.length, 1);
  } finally {
    await pool.close();
  }
  assert.equal(readFileSync(kh, 'utf8').trim().split('\n').length, 1);
});
