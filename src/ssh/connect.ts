// Opening one authenticated SSH connection: host key check (with the operator's
// confirmation for unknown keys), key file and agent authentication, a connect timeout that
// pauses while the operator is being asked something, and errors that say what happened.
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthenticationType, Client, ConnectConfig, NextAuthHandler } from 'ssh2';
import { HostError } from '../exec/types.ts';
import { t } from '../i18n/index.ts';
import type { KeyStore } from './keys.ts';
import { describeKey } from './keys.ts';
import { fingerprintOf, hostKeyAlgorithmsFor, judgeHostKey, keyTypeOf, knownHostsName, lookupKnownHost } from './known-hosts.ts';

export interface UnknownHostKeyInfo {
  host: string;
  address: string;
  port: number;
  keyType: string;
  fingerprint: string;
  /** Key types already known for this host (a server that switched key type shows up here). */
  otherKnownTypes?: string[];
}

/** Where to connect and as whom. */
export interface Endpoint {
  /** The inventory name, used in every message. */
  host: string;
  address: string;
  port: number;
  user: string;
  identityFile?: string;
  agent: boolean;
}

export interface ConnectContext {
  knownHosts: readonly string[];
  keys: KeyStore;
  /**
   * Unknown host key: true to trust it. The caller writes an accepted key to known_hosts
   * (once per address, however many connections asked).
   */
  askUnknownHostKey: (info: UnknownHostKeyInfo, blob: Buffer) => Promise<boolean>;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** An already open stream to the target (ProxyJump). */
  sock?: Duplex;
  /** Text for messages when connecting through a jump host, e.g. ` via bastion`. */
  via?: string;
  /** Aborts the attempt (the pool is closing). */
  signal?: AbortSignal;
}

/** Pausable deadline: time spent waiting for the operator does not count. */
class ConnectDeadline {
  private timer: NodeJS.Timeout | undefined;
  private remaining: number;
  private startedAt = 0;

  constructor(
    ms: number,
    private readonly onExpire: () => void,
  ) {
    this.remaining = ms;
    this.resume();
  }
  pause(): void {
    if (!this.timer) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remaining -= Date.now() - this.startedAt;
  }
  resume(): void {
    if (this.timer) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(this.onExpire, Math.max(0, this.remaining));
  }
  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

interface AuthAttempt {
  label: string;
  auth: Parameters<NextAuthHandler>[0];
}

async function authAttempts(ep: Endpoint, keys: KeyStore): Promise<AuthAttempt[]> {
  const attempts: AuthAttempt[] = [];
  if (ep.identityFile) {
    const key = await keys.load(ep.host, ep.identityFile);
    attempts.push({
      label: `key ${ep.identityFile} (${describeKey(key)})`,
      auth: { type: 'publickey', username: ep.user, key } as Parameters<NextAuthHandler>[0],
    });
  }
  const agentSock = process.env.SSH_AUTH_SOCK;
  if (ep.agent && agentSock) {
    attempts.push({ label: `ssh-agent (${agentSock})`, auth: { type: 'agent', username: ep.user, agent: agentSock } });
  }
  return attempts;
}

function exactNames(names: string[]): RegExp[] {
  return names.map((n) => new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EADDRNOTAVAIL']);

/** Connects and authenticates. Rejects with HostError only. */
export async function openClient(ep: Endpoint, ctx: ConnectContext): Promise<Client> {
  const where = `${ep.address}:${ep.port}${ctx.via ?? ''}`;
  const attempts = await authAttempts(ep, ctx.keys);
  if (attempts.length === 0) {
    throw new HostError(ep.host, 'no-credentials', t(ep.agent ? 'ssh.noCredentials.noAgent' : 'ssh.noCredentials.agentOff', { host: ep.host, user: ep.user, where }));
  }
  const known = await lookupKnownHost(ctx.knownHosts, ep.address, ep.port).catch((err: Error) => {
    throw new HostError(ep.host, 'host-key-unknown', t('ssh.knownHostsUnreadable', { host: ep.host, error: err.message }));
  });
  // Prefer key types we already know for this host, as OpenSSH does.
  const preferred = [...new Set(known.filter((e) => !e.marker).flatMap((e) => hostKeyAlgorithmsFor(e.keyType)))];

  return new Promise<Client>((resolve, reject) => {
    const client = new ssh2.Client();
    let failure: HostError | undefined;
    let settled = false;
    const tried: string[] = [];
    const fail = (err: HostError) => {
      if (settled) return;
      settled = true;
      deadline.clear();
      ctx.signal?.removeEventListener('abort', onAbort);
      client.removeAllListeners('ready');
      client.on('error', () => {});
      // destroy, not end: a peer that accepted TCP but never speaks SSH would keep the socket (and the process) alive for minutes.
      client.destroy();
      ctx.sock?.destroy();
      reject(err);
    };
    const deadline = new ConnectDeadline(ctx.connectTimeoutMs, () =>
      fail(new HostError(ep.host, 'timeout', t('ssh.timeoutWithin', { host: ep.host, where, seconds: Math.round(ctx.connectTimeoutMs / 1000) }))),
    );

    const onAbort = () => fail(new HostError(ep.host, 'disconnected', t('ssh.stopped', { host: ep.host, where })));
    if (ctx.signal?.aborted) return onAbort();
    ctx.signal?.addEventListener('abort', onAbort, { once: true });

    const hostVerifier = (blob: Buffer, verify: (ok: boolean) => void): void => {
      const verdict = judgeHostKey(known, blob);
      const keyType = keyTypeOf(blob);
      const fingerprint = fingerprintOf(blob);
      if (verdict.status === 'known') return verify(true);
      const name = knownHostsName(ep.address, ep.port);
      if (verdict.status === 'revoked') {
        failure = new HostError(ep.host, 'host-key-rejected', t('ssh.hostKeyRevoked', { host: ep.host, keyType, fingerprint, name, file: verdict.entry.file, line: verdict.entry.line }));
        return verify(false);
      }
      if (verdict.status === 'changed') {
        failure = new HostError(
          ep.host,
          'host-key-changed',
          t('ssh.hostKeyChanged', { host: ep.host, name, keyType, fingerprint, file: verdict.entry.file, line: verdict.entry.line, knownType: verdict.entry.keyType }),
        );
        return verify(false);
      }
      deadline.pause();
      ctx
        .askUnknownHostKey({ host: ep.host, address: ep.address, port: ep.port, keyType, fingerprint, otherKnownTypes: verdict.otherTypes }, blob)
        .then((accepted) => {
          deadline.resume();
          if (!accepted) {
            failure = new HostError(ep.host, 'host-key-rejected', t('ssh.hostKeyNotAccepted', { host: ep.host, keyType, fingerprint, where }));
            return verify(false);
          }
          verify(true);
        })
        .catch((err: unknown) => {
          failure = new HostError(ep.host, 'host-key-rejected', t('ssh.hostKeyError', { host: ep.host, error: String(err) }));
          verify(false);
        });
    };

    const queue = [...attempts];
    const authHandler = (_left: AuthenticationType[] | null, _partial: boolean | null, next: NextAuthHandler): void => {
      const a = queue.shift();
      if (!a) return next(false as unknown as Parameters<NextAuthHandler>[0]);
      tried.push(a.label);
      next(a.auth);
    };

    client.on('ready', () => {
      if (settled) return;
      settled = true;
      deadline.clear();
      ctx.signal?.removeEventListener('abort', onAbort);
      resolve(client);
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (failure) return fail(failure);
      if (err.level === 'client-authentication') {
        return fail(new HostError(ep.host, 'auth-refused', t('ssh.authRefused', { host: ep.host, user: ep.user, where, tried: tried.join(', ') || t('ssh.triedNothing') })));
      }
      if (err.code && UNREACHABLE.has(err.code)) {
        const why = err.code === 'ECONNREFUSED' ? t('ssh.why.refused') : err.code === 'ENOTFOUND' ? t('ssh.why.unknownName') : err.code;
        return fail(new HostError(ep.host, 'unreachable', t('ssh.unreachable', { host: ep.host, where, why })));
      }
      if (err.code === 'ETIMEDOUT') {
        return fail(new HostError(ep.host, 'timeout', t('ssh.timedOut', { host: ep.host, where })));
      }
      fail(new HostError(ep.host, 'unreachable', t('ssh.failed', { host: ep.host, where, error: err.message })));
    });
    client.on('close', () => {
      fail(failure ?? new HostError(ep.host, 'unreachable', t('ssh.closedBeforeLogin', { host: ep.host, where })));
    });

    const config: ConnectConfig = {
      host: ep.address,
      port: ep.port,
      username: ep.user,
      sock: ctx.sock as ConnectConfig['sock'],
      readyTimeout: 0, // our own deadline, which pauses during prompts
      keepaliveInterval: ctx.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      hostVerifier: hostVerifier as unknown as ConnectConfig['hostVerifier'],
      authHandler,
      // remove + prepend moves known types to the front (prepend alone skips listed ones);
      // exact regexes, because ssh2 throws on a plain name it does not support.
      algorithms: preferred.length > 0 ? { serverHostKey: { remove: exactNames(preferred), prepend: exactNames(preferred) } as never } : undefined,
    };
    try {
      client.connect(config);
    } catch (err) {
      fail(new HostError(ep.host, 'unreachable', t('ssh.cannotStart', { host: ep.host, where, error: (err as Error).message })));
    }
  });
}
