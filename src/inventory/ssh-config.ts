// Resolving a host through the operator's ssh_config exactly as OpenSSH would: `ssh -G`
// prints the effective configuration (aliases, HostName, User, Port, IdentityFile,
// ProxyJump, Match blocks) without connecting.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { t } from '../i18n/index.ts';

export interface SshConfigQuery {
  /** The inventory name (an ssh_config alias when `address` is not given). */
  name: string;
  /** An explicit address; wins over the config's HostName. */
  address?: string;
  port?: number;
  user?: string;
  /** `ssh -F FILE`; undefined means OpenSSH's defaults (~/.ssh/config, /etc/ssh/ssh_config). */
  configFile?: string;
}

export interface ResolvedSshConfig {
  hostname: string;
  port: number;
  user: string;
  /** IdentityFile entries in OpenSSH's order, `~` expanded, only files that exist. */
  identityFiles: string[];
  /** undefined when there is none. */
  proxyJump?: string;
}

export class SshConfigError extends Error {
  override name = 'SshConfigError';
}

export function expandTilde(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

/** Parses `ssh -G` output (lowercase keyword, space, value; repeated keys accumulate). */
export function parseSshG(output: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1]!.toLowerCase();
    const list = map.get(key) ?? [];
    list.push(m[2]!);
    map.set(key, list);
  }
  return map;
}

/** The `ssh -G` arguments for a query; explicit fields go on the command line so they win. */
export function sshGArgs(q: SshConfigQuery): string[] {
  const args = ['-G'];
  if (q.configFile) args.push('-F', q.configFile);
  if (q.port !== undefined) args.push('-p', String(q.port));
  if (q.user !== undefined) args.push('-l', q.user);
  // Resolve by the inventory name so `Host m1` blocks apply; an explicit address replaces HostName.
  if (q.address !== undefined) args.push('-o', `HostName=${q.address}`);
  args.push('--', q.name);
  return args;
}

export function resolvedFromSshG(output: string, q: SshConfigQuery): ResolvedSshConfig {
  const g = parseSshG(output);
  const first = (k: string) => g.get(k)?.[0];
  const port = Number(first('port') ?? q.port ?? 22);
  const proxy = first('proxyjump');
  return {
    hostname: q.address ?? first('hostname') ?? q.name,
    port: q.port ?? (Number.isInteger(port) ? port : 22),
    user: q.user ?? first('user') ?? userInfo().username,
    identityFiles: (g.get('identityfile') ?? []).map(expandTilde).filter((f) => existsSync(f)),
    proxyJump: proxy && proxy !== 'none' ? proxy : undefined,
  };
}

/** Without an ssh binary: what OpenSSH would do with an empty config. */
function defaultsWithoutSsh(q: SshConfigQuery): ResolvedSshConfig {
  const defaults = ['id_rsa', 'id_ecdsa', 'id_ed25519'].map((f) => join(homedir(), '.ssh', f));
  return {
    hostname: q.address ?? q.name,
    port: q.port ?? 22,
    user: q.user ?? userInfo().username,
    identityFiles: defaults.filter((f) => existsSync(f)),
  };
}

/**
 * Resolves one host with `ssh -G`. Throws SshConfigError (with ssh's own message) when
 * ssh rejects the config; falls back to OpenSSH defaults when no ssh binary is installed.
 */
export function resolveSshConfig(q: SshConfigQuery, opts: { sshBinary?: string } = {}): Promise<ResolvedSshConfig> {
  return new Promise((resolve, reject) => {
    const child = execFile(opts.sshBinary ?? 'ssh', sshGArgs(q), { timeout: 10_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return resolve(defaultsWithoutSsh(q));
      if (err) {
        const why = stderr
          .trim()
          .split('\n')
          .filter((l) => !/Pseudo-terminal/.test(l))
          .join('; ');
        return reject(new SshConfigError(t('inventory.error.sshG', { host: q.name, why: why || err.message })));
      }
      resolve(resolvedFromSshG(stdout, q));
    });
    child.stdin?.end();
  });
}
