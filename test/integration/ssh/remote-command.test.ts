// The pure parts of the SSH layer: the pid marker stripper, the script wrapper's quoting
// (run through a real local /bin/sh), and known_hosts verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarkerStripper, wrapJob, wrapScript } from '../../../src/ssh/remote-command.ts';
import { fingerprintOf, hashedKnownHostsLine, judgeHostKey, parseKeygenFind, type KnownHostEntry } from '../../../src/ssh/known-hosts.ts';
import { generateKey } from '../../support/sshd.ts';

test('MarkerStripper: marker split across chunks is removed, pgid reported, other bytes kept in order', () => {
  const pgids: number[] = [];
  const s = new MarkerStripper('__tok__', (p) => pgids.push(p));
  const out: Buffer[] = [];
  for (const part of ['pre', 'amble\n__t', 'ok__=12', '34\nafter ', 'more']) out.push(s.push(Buffer.from(part)));
  out.push(s.flush());
  assert.equal(Buffer.concat(out).toString(), 'preamble\nafter more');
  assert.deepEqual(pgids, [1234]);
});

test('MarkerStripper: a stream without a marker is passed through at the end', () => {
  const s = new MarkerStripper('__tok__', () => assert.fail('no marker'));
  assert.equal(s.push(Buffer.from('plain')).length, 0);
  assert.equal(s.flush().toString(), 'plain');
});

test('wrapScript: quotes, dollars, backslashes and newlines survive; the marker carries the pgid', () => {
  const script = `a='it'"'"'s'; echo "$a" 'dollar $HOME' "back\\\\slash"\nprintf '%s\\n' "line 2"\necho err >&2`;
  const { command, token } = wrapScript(script, 'none', '__t__');
  assert.equal(token, '__t__');
  const r = spawnSync('/bin/bash', ['-c', command], { encoding: 'utf8' });
  assert.equal(r.stdout, "it's dollar $HOME back\\slash\nline 2\n");
  const m = /^__t__=(\d+)\nerr\n$/.exec(r.stderr);
  assert.ok(m, r.stderr);
});

test('known_hosts: parse ssh-keygen -F output (hashed, revoked) and judge keys per type', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mfs-kh-'));
  try {
    const a = generateKey(join(dir, 'a')).split(' ');
    const b = generateKey(join(dir, 'b')).split(' ');
    const rsa = generateKey(join(dir, 'r'), '', 'rsa').split(' ');
    const kh = join(dir, 'known_hosts');
    writeFileSync(kh, `other ${b[0]} ${b[1]}\n[h]:2222 ${a[0]} ${a[1]}\n@revoked [h]:2222 ${rsa[0]} ${rsa[1]}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
    const found = parseKeygenFind(execFileSync('ssh-keygen', ['-F', '[h]:2222', '-f', kh], { encoding: 'utf8' }), kh);
    assert.deepEqual(
      found.map((e) => [e.line, e.keyType, e.marker]),
      [
        [2, 'ssh-ed25519', undefined],
        [3, 'ssh-rsa', '@revoked'],
      ],
    );
    const blob = (k: string[]) => Buffer.from(k[1]!, 'base64');
    assert.equal(judgeHostKey(found, blob(a)).status, 'known');
    const changed = judgeHostKey(found, blob(b));
    assert.equal(changed.status, 'changed');
    assert.equal((changed as { entry: KnownHostEntry }).entry.line, 2);
    assert.equal(judgeHostKey(found, blob(rsa)).status, 'revoked');
    assert.deepEqual(judgeHostKey([], blob(a)), { status: 'unknown', otherTypes: [] });
    // Fingerprints match ssh-keygen -l; a hashed line we write is found by ssh-keygen -F.
    assert.equal(fingerprintOf(blob(a)), execFileSync('ssh-keygen', ['-l', '-f', join(dir, 'a.pub')], { encoding: 'utf8' }).split(' ')[1]);
    writeFileSync(kh, hashedKnownHostsLine('10.1.2.3', 22, blob(a)) + '\n');
    assert.match(execFileSync('ssh-keygen', ['-F', '10.1.2.3', '-f', kh], { encoding: 'utf8' }), /found: line 1/);
    assert.ok(!readFileSync(kh, 'utf8').includes('10.1.2.3'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wrapJob: the job runs with the login umask (files it makes are as without mfs-tui), its own files are private', () => {
  const id = `umask.test.${process.pid}`;
  const { command, token } = wrapJob('umask; : > "$HOME/.mfs-umask-probe"; stat -c %a "$HOME/.mfs-umask-probe"; rm -f "$HOME/.mfs-umask-probe"', 'none', id);
  const r = spawnSync('/bin/bash', ['-c', `umask 022; ${command}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '0022\n644\n');
  const m = new RegExp(`${token}=\\d+ \\d+ \\S+ \\d+ (.+)\\n`).exec(r.stderr);
  assert.ok(m, r.stderr);
  assert.equal(statSync(join(m[1]!, `${id}.out`)).mode & 0o777, 0o600);
  assert.equal(statSync(m[1]!).mode & 0o777, 0o700);
});
