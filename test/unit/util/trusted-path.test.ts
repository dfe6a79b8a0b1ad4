// Files that say what runs or whom to trust are used only when no other user can change them
// (OpenSSH's StrictModes): runbooks, inventories, known_hosts and ssh_config alike. A file or a
// folder above it writable by every user (without the sticky bit), or owned by another user,
// is refused with the file or folder named; a symlink does not hide where the file lives.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InventoryError, loadInventory } from '../../../src/inventory/load.ts';
import { readLimitedText } from '../../../src/runbook/limits.ts';
import { appendKnownHost, lookupKnownHost } from '../../../src/ssh/known-hosts.ts';
import { othersCanChange } from '../../../src/util/trusted-path.ts';

const root = mkdtempSync(join(tmpdir(), 'mfs-tui-trust-'));
after(() => rmSync(root, { recursive: true, force: true }));
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let n = 0;

/** A fresh folder under the test's private one, with the given mode. */
function folder(mode = 0o700): string {
  const d = join(root, `d${n++}`);
  mkdirSync(d);
  chmodSync(d, mode);
  return d;
}

describe('othersCanChange', () => {
  it('a private file in a private folder is fine, also when it does not exist yet', () => {
    const d = folder();
    writeFileSync(join(d, 'f'), 'x', { mode: 0o644 });
    assert.equal(othersCanChange(join(d, 'f')), undefined);
    assert.equal(othersCanChange(join(d, 'missing', 'known_hosts')), undefined);
  });

  it('a folder above it writable by every user is named, also for a file not written yet', () => {
    const open = folder(0o777);
    const sub = join(open, 'sub');
    mkdirSync(sub, { mode: 0o700 });
    writeFileSync(join(sub, 'f'), 'x', { mode: 0o600 });
    assert.match(othersCanChange(join(sub, 'f')) ?? '', new RegExp(`the folder ${open} is writable by every user \\(mode 0777\\)`));
    assert.match(othersCanChange(join(open, 'known_hosts')) ?? '', /writable by every user/);
  });

  it('the file itself writable by every user', () => {
    const d = folder();
    writeFileSync(join(d, 'f'), 'x');
    chmodSync(join(d, 'f'), 0o666);
    assert.match(othersCanChange(join(d, 'f')) ?? '', /the file is writable by every user \(mode 0666\)/);
  });

  it('a sticky folder writable by every user (like /tmp): the entry must be ours', { skip: !isRoot && 'needs root to chown' }, () => {
    const sticky = folder(0o1777);
    writeFileSync(join(sticky, 'mine'), 'x', { mode: 0o600 });
    assert.equal(othersCanChange(join(sticky, 'mine')), undefined);
    writeFileSync(join(sticky, 'theirs'), 'x', { mode: 0o644 });
    chownSync(join(sticky, 'theirs'), NOBODY, NOBODY);
    assert.match(othersCanChange(join(sticky, 'theirs')) ?? '', /owned by another user \(uid 65534\)/);
  });

  it('a folder owned by another user is named', { skip: !isRoot && 'needs root to chown' }, () => {
    const d = folder(0o755);
    chownSync(d, NOBODY, NOBODY);
    writeFileSync(join(d, 'f'), 'x', { mode: 0o644 });
    assert.match(othersCanChange(join(d, 'f')) ?? '', new RegExp(`the folder ${d} is owned by another user \\(uid 65534\\)`));
  });

  it('a symlink from a private folder to a file in an open one is judged by where the file lives', () => {
    const open = folder(0o777);
    writeFileSync(join(open, 'f'), 'x', { mode: 0o600 });
    const d = folder();
    symlinkSync(join(open, 'f'), join(d, 'link'));
    assert.match(othersCanChange(join(d, 'link')) ?? '', new RegExp(`the folder ${open} is writable by every user`));
    // A folder symlink on the way to a file not written yet, too.
    symlinkSync(open, join(d, 'dirlink'));
    assert.match(othersCanChange(join(d, 'dirlink', 'known_hosts')) ?? '', /writable by every user/);
  });
});

describe('every trust file is checked', () => {
  it('a runbook or inventory file in a folder writable by every user is not read', () => {
    const open = folder(0o777);
    writeFileSync(join(open, 'rb.md'), '---\nid: x\n---\n', { mode: 0o644 });
    const read = readLimitedText(join(open, 'rb.md'));
    assert.ok('problem' in read);
    assert.match(read.problem.message, /writable by every user.*: not read$/);
  });

  const inventory = (extra: string) =>
    `cluster: prod\nvip: { address: 192.0.2.100, interface: eth0, prefix: 24 }\npaths: { data: /var/lib/mfs, config: /etc/mfs, mount: /mnt/mfs }\n${extra}hosts:\n  - { name: m1, address: 192.0.2.11, user: root, port: 22, roles: [master-candidate] }\n`;

  it('an inventory whose known_hosts another user could change is refused at that field', async () => {
    const open = folder(0o777);
    const d = folder();
    const file = join(d, 'inv.yaml');
    writeFileSync(file, inventory(`ssh: { known_hosts: [${join(open, 'known_hosts')}] }\n`));
    await assert.rejects(loadInventory(file), (err: unknown) => {
      assert.ok(err instanceof InventoryError, String(err));
      const p = err.problems.find((x) => /known_hosts/.test(x.message));
      assert.ok(p, JSON.stringify(err.problems));
      assert.equal(p.path, 'ssh.known_hosts[0]');
      assert.match(p.message, new RegExp(`known_hosts file ${open}/known_hosts: the folder ${open} is writable by every user`));
      assert.ok(p.line > 0);
      return true;
    });
  });

  it('an inventory whose ssh_config another user could change is refused at that field', async () => {
    const d = folder();
    const cfg = join(d, 'ssh_config');
    writeFileSync(cfg, 'Host *\n  ProxyCommand nc %h %p\n');
    chmodSync(cfg, 0o666);
    const file = join(d, 'inv.yaml');
    writeFileSync(file, inventory(`ssh: { config: ${cfg} }\n`));
    await assert.rejects(loadInventory(file), (err: unknown) => {
      assert.ok(err instanceof InventoryError, String(err));
      assert.ok(
        err.problems.some((p) => p.path === 'ssh.config' && /writable by every user/.test(p.message)),
        JSON.stringify(err.problems),
      );
      return true;
    });
  });

  it('known_hosts lookups and writes refuse such a file (it may have changed after the inventory was read)', async () => {
    const open = folder(0o777);
    const kh = join(open, 'known_hosts');
    await assert.rejects(lookupKnownHost([kh], '127.0.0.1', 22), /known_hosts file .*writable by every user.*not trusted/);
    assert.throws(() => appendKnownHost(kh, '127.0.0.1', 22, Buffer.from('\0\0\0\x0bssh-ed25519')), /not trusted/);
  });
});
