// Host key checking against known_hosts files. `ssh-keygen -F` does the matching (it
// understands hashed entries, patterns and `[host]:port`); we compare the key the server
// presents with what it finds.
//
// Decision, per presented key type (what OpenSSH calls HOST_OK / HOST_NEW / HOST_CHANGED):
// - an entry of the same type with the same key          → known
// - entries of the same type, none with this key          → changed (refused, never prompted)
// - no entry of this type (even if other types are known) → unknown (the operator is asked;
//   the prompt lists the other known types so a server that changed its key type is noticed)
// - a matching @revoked entry                             → revoked (refused)
import { execFile } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { othersCanChange } from '../util/trusted-path.ts';
import { t } from '../i18n/index.ts';

/** Refuses a known_hosts file another user could change: they could plant a host key in it (util/trusted-path.ts). */
export function assertKnownHostsTrusted(file: string): void {
  const others = othersCanChange(file);
  if (others) throw new Error(t('ssh.knownHostsUntrusted', { file, problem: others }));
}

export interface KnownHostEntry {
  file: string;
  line: number;
  keyType: string;
  /** base64 of the key blob. */
  key: string;
  marker?: '@revoked' | '@cert-authority';
}

export type HostKeyVerdict =
  { status: 'known'; entry: KnownHostEntry } | { status: 'unknown'; otherTypes: string[] } | { status: 'changed'; entry: KnownHostEntry } | { status: 'revoked'; entry: KnownHostEntry };

/** The name known_hosts uses for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** The key type inside an SSH wire-format public key blob (its first string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

/** `SHA256:…` as `ssh-keygen -l` prints it (base64 without padding). */
export function fingerprintOf(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** Parses `ssh-keygen -F` output: `# Host X found: line N [REVOKED|CA]` then the entry line. */
export function parseKeygenFind(output: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  let line: number | undefined;
  for (const text of output.split('\n')) {
    const header = /^# Host .* found: line (\d+)/.exec(text);
    if (header) {
      line = Number(header[1]);
      continue;
    }
    if (line === undefined || !text.trim()) continue;
    const fields = text.trim().split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    // fields: hostpattern keytype base64 [comment]
    if (fields.length >= 3) entries.push({ file, line, keyType: fields[1]!, key: fields[2]!, marker });
    line = undefined;
  }
  return entries;
}

/** Every entry for the host in the files (missing files are skipped). Rejects when another user could change one. */
export async function lookupKnownHost(files: readonly string[], address: string, port: number): Promise<KnownHostEntry[]> {
  const name = knownHostsName(address, port);
  for (const file of files) assertKnownHostsTrusted(file);
  const found = await Promise.all(
    files.map(
      (file) =>
        new Promise<KnownHostEntry[]>((resolve, reject) => {
          if (!existsSync(file)) return resolve([]);
          execFile('ssh-keygen', ['-F', name, '-f', file], { timeout: 10_000 }, (err, stdout, stderr) => {
            // Exit 1: no entry for this host.
            if (err && (err as { code?: unknown }).code === 1) return resolve([]);
            if (err) return reject(new Error(`ssh-keygen -F ${name} -f ${file} failed: ${stderr.trim() || err.message}`));
            resolve(parseKeygenFind(stdout, file));
          });
        }),
    ),
  );
  return found.flat();
}

/** Pure decision for a presented key given the entries found for the host. */
export function judgeHostKey(entries: readonly KnownHostEntry[], presented: Buffer): HostKeyVerdict {
  const type = keyTypeOf(presented);
  const key = presented.toString('base64');
  const revoked = entries.find((e) => e.marker === '@revoked' && e.key === key);
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = entries.filter((e) => e.marker === undefined);
  const sameType = plain.filter((e) => e.keyType === type);
  const match = sameType.find((e) => e.key === key);
  if (match) return { status: 'known', entry: match };
  if (sameType.length > 0) return { status: 'changed', entry: sameType[0]! };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

/** ssh2 host key algorithm names for a known_hosts key type, to prefer keys we already know. */
export function hostKeyAlgorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/** A hashed known_hosts entry (`|1|salt|hmac type key`), as `ssh-keygen -H` writes them. */
export function hashedKnownHostsLine(address: string, port: number, blob: Buffer, salt = randomBytes(20)): string {
  const name = knownHostsName(address, port);
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${hash} ${keyTypeOf(blob)} ${blob.toString('base64')}`;
}

/** Appends an accepted key, hashed, creating the file (0600) and its directory (0700) if needed. */
export function appendKnownHost(file: string, address: string, port: number, blob: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  assertKnownHostsTrusted(file);
  const exists = existsSync(file);
  const needsNewline = exists && statSync(file).size > 0 && !readFileSync(file, 'utf8').endsWith('\n');
  appendFileSync(file, (needsNewline ? '\n' : '') + hashedKnownHostsLine(address, port, blob) + '\n', { mode: 0o600 });
  if (!exists) chmodSync(file, 0o600);
}
