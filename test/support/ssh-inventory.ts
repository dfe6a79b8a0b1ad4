// Shared set-up for the real-SSH tests: an inventory pointing at a test sshd, and prompts
// that record what they were asked.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory, InventoryHost } from '../../src/inventory/types.ts';
import type { SshPrompts } from '../../src/ssh/index.ts';
import type { UnknownHostKeyInfo } from '../../src/ssh/connect.ts';
import type { Sshd } from './sshd.ts';

export function inventoryFor(sshd: Sshd, host: Partial<InventoryHost> = {}, opts: { knownHosts?: string[]; trust?: boolean } = {}): Inventory {
  const knownHosts = opts.knownHosts ?? [join(sshd.dir, 'known_hosts')];
  if (opts.trust !== false && opts.knownHosts === undefined) writeFileSync(knownHosts[0]!, sshd.knownHostsLine + '\n');
  return {
    cluster: 'test',
    vip: { address: '127.0.0.100', interface: 'lo', prefix: 8 },
    paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' },
    hosts: [
      {
        name: 'h1',
        address: sshd.host,
        port: sshd.port,
        user: sshd.user,
        identityFile: sshd.clientKey,
        agent: false,
        become: false,
        roles: ['master-candidate'],
        ...host,
      },
    ],
    knownHosts,
    file: join(sshd.dir, 'inventory.yaml'),
  };
}

export class RecordingPrompts implements SshPrompts {
  hostKeyQuestions: UnknownHostKeyInfo[] = [];
  passphraseQuestions: { host: string; keyFile: string }[] = [];
  sudoQuestions: { host: string; user: string }[] = [];
  constructor(private readonly answers: { acceptHostKey?: boolean; passphrase?: string; sudoPassword?: string } = {}) {}
  async unknownHostKey(info: UnknownHostKeyInfo): Promise<boolean> {
    this.hostKeyQuestions.push(info);
    return this.answers.acceptHostKey ?? false;
  }
  async passphrase(info: { host: string; keyFile: string }): Promise<string | undefined> {
    this.passphraseQuestions.push(info);
    return this.answers.passphrase;
  }
  async sudoPassword(info: { host: string; user: string }): Promise<string | undefined> {
    this.sudoQuestions.push(info);
    return this.answers.sudoPassword;
  }
}

/** Rejects with the HostError the promise rejects with, or fails. */
export async function hostErrorOf(p: Promise<unknown>): Promise<{ kind: string; message: string; host: string }> {
  try {
    await p;
  } catch (err) {
    if (err && typeof err === 'object' && (err as Error).name === 'HostError') return err as { kind: string; message: string; host: string };
    throw err;
  }
  throw new Error('expected a HostError, but it succeeded');
}
