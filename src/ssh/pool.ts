// The SSH pool: one connection per inventory host, opened on first use and reused by every
// step and probe; a lost connection is replaced on the next exec. Secrets the operator types
// (key passphrases, sudo passwords) live in this object's memory only, for this session.
import { setMaxListeners } from 'node:events';
import { HostError, type Executor, type ExecRequest, type ExecResult } from '../exec/types.ts';
import type { Inventory, InventoryHost } from '../inventory/types.ts';
import { resolveSshConfig } from '../inventory/ssh-config.ts';
import { openClient, type Endpoint, type UnknownHostKeyInfo } from './connect.ts';
import { HostConnection, type SudoSetting } from './host-connection.ts';
import { KeyStore } from './keys.ts';

export interface SshPrompts {
  /**
   * Unknown host key: show the fingerprint, return true to accept. An accepted key is
   * appended, hashed (`|1|…`, as `ssh-keygen -H` writes), to the first known_hosts file.
   */
  unknownHostKey(info: UnknownHostKeyInfo): Promise<boolean>;
  passphrase(info: { host: string; keyFile: string }): Promise<string | undefined>;
  sudoPassword(info: { host: string; user: string }): Promise<string | undefined>;
}

export interface SshPoolOptions {
  /** TCP connect + SSH handshake + login, not counting time spent in prompts (default 10 s). */
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  /** How long sudo may take to say whether it needs a password, or to check one (default 15 s). */
  sudoCheckTimeoutMs?: number;
}

export class SshPool {
  private readonly connections = new Map<string, HostConnection>();
  private readonly connecting = new Map<string, Promise<HostConnection>>();
  private readonly sudo = new Map<string, Promise<SudoSetting>>();
  private readonly keys: KeyStore;
  private closed = false;
  /** Stops connection attempts still in progress when the pool closes. */
  private readonly closing = new AbortController();
  /** How many SSH connections this pool has opened (jump connections included). */
  connectionsOpened = 0;

  constructor(
    private readonly inv: Inventory,
    private readonly prompts: SshPrompts,
    private readonly opts: SshPoolOptions = {},
  ) {
    this.keys = new KeyStore((info) => prompts.passphrase(info));
    // Every connection attempt listens on it: 24 hosts connecting at once is not a leak.
    setMaxListeners(0, this.closing.signal);
  }

  private get sudoCheckMs(): number {
    return this.opts.sudoCheckTimeoutMs ?? 15_000;
  }

  private hostNamed(name: string): InventoryHost {
    const host = this.inv.hosts.find((h) => h.name === name);
    if (!host) throw new Error(`no host named '${name}' in the inventory ${this.inv.file}`);
    return host;
  }

  executor(hostName: string): Executor {
    const host = this.hostNamed(hostName);
    return {
      target: host.name,
      exec: (req: ExecRequest) => this.exec(host, req),
      spawn: async (script: string) => {
        const conn = await this.connection(host);
        const sudo = host.become ? await this.sudoSetting(host, conn) : { mode: 'none' as const };
        return conn.spawn(script, sudo);
      },
    };
  }

  /** Opens the host's connection now (e.g. to ask host key questions before a run). */
  async connect(hostName: string): Promise<void> {
    await this.connection(this.hostNamed(hostName));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    const pending = [...this.connecting.values()].map((p) => p.then((c) => c.close(), () => undefined));
    await Promise.all([...[...this.connections.values()].map((c) => c.close()), ...pending]);
    this.connections.clear();
    this.sudo.clear();
  }

  private async exec(host: InventoryHost, req: ExecRequest): Promise<ExecResult> {
    const started = performance.now();
    let connected = false;
    const prepare = async () => {
      const conn = await this.connection(host);
      connected = true;
      const sudo = host.become ? await this.sudoSetting(host, conn) : { mode: 'none' as const };
      return { conn, sudo };
    };
    // An abort while still connecting (or asking for sudo) ends the wait at once; nothing ran yet.
    const ready = await abortable(prepare(), req.signal);
    if (ready === 'aborted') {
      const durationMs = Math.round(performance.now() - started);
      return { exitCode: null, timedOut: false, cancelled: true, ...(connected ? {} : { unconnected: true }), durationMs, stdout: '', stderr: '' };
    }
    return ready.conn.exec(req, ready.sudo);
  }

  private connection(host: InventoryHost): Promise<HostConnection> {
    if (this.closed) return Promise.reject(new HostError(host.name, 'disconnected', `${host.name}: the SSH pool is closed`));
    const live = this.connections.get(host.name);
    if (live?.isAlive) return Promise.resolve(live);
    let pending = this.connecting.get(host.name);
    if (!pending) {
      pending = this.open(host).finally(() => this.connecting.delete(host.name));
      this.connecting.set(host.name, pending);
    }
    return pending;
  }

  private async open(host: InventoryHost): Promise<HostConnection> {
    this.sudo.delete(host.name); // a sudo decision belongs to one connection's session
    const ctx = {
      knownHosts: this.inv.knownHosts,
      keys: this.keys,
      askUnknownHostKey: (info: UnknownHostKeyInfo) => this.prompts.unknownHostKey(info),
      connectTimeoutMs: this.opts.connectTimeoutMs ?? 10_000,
      keepaliveIntervalMs: this.opts.keepaliveIntervalMs ?? 5_000,
      signal: this.closing.signal,
    };
    const target: Endpoint = {
      host: host.name,
      address: host.address,
      port: host.port,
      user: host.user,
      identityFile: host.identityFile,
      agent: host.agent,
    };
    const owned: { end(): void }[] = [];
    let sock;
    let via: string | undefined;
    if (host.proxyJump) {
      const jump = await this.jumpEndpoint(host);
      via = ` via ${jump.host}`;
      const jumpClient = await openClient(jump, ctx);
      this.connectionsOpened++;
      owned.push(jumpClient);
      sock = await new Promise<NonNullable<Parameters<typeof openClient>[1]['sock']>>((resolve, reject) =>
        jumpClient.forwardOut('127.0.0.1', 0, host.address, host.port, (err, stream) => {
          if (err) {
            jumpClient.end();
            reject(new HostError(host.name, 'unreachable', `${host.name}: jump host ${jump.host} cannot reach ${host.address}:${host.port}: ${err.message}`));
          } else resolve(stream);
        }),
      );
    }
    let client;
    try {
      client = await openClient(target, { ...ctx, sock, via });
    } catch (err) {
      for (const o of owned) o.end();
      throw err;
    }
    this.connectionsOpened++;
    const conn = new HostConnection(host.name, client, owned);
    if (this.closed) {
      await conn.close();
      throw new HostError(host.name, 'disconnected', `${host.name}: the SSH pool is closed`);
    }
    this.connections.set(host.name, conn);
    return conn;
  }

  /** A ProxyJump target: an inventory host by name, else `[user@]host[:port]` resolved through ssh_config. */
  private async jumpEndpoint(host: InventoryHost): Promise<Endpoint> {
    const spec = host.proxyJump!;
    if (spec.includes(',')) {
      throw new HostError(host.name, 'unreachable', `${host.name}: ProxyJump with several hops (${spec}) is not supported; use one jump host`);
    }
    const known = this.inv.hosts.find((h) => h.name === spec);
    if (known) {
      return { host: known.name, address: known.address, port: known.port, user: known.user, identityFile: known.identityFile, agent: known.agent };
    }
    const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
    if (!m) throw new HostError(host.name, 'unreachable', `${host.name}: cannot read ProxyJump '${spec}'`);
    const name = m[2]!.replace(/^\[|\]$/g, '');
    const r = await resolveSshConfig({
      name,
      user: m[1],
      port: m[3] !== undefined ? Number(m[3]) : undefined,
      configFile: this.inv.sshConfig,
    }).catch((err: Error) => {
      throw new HostError(host.name, 'unreachable', `${host.name}: cannot resolve jump host ${spec}: ${err.message}`);
    });
    return { host: name, address: r.hostname, port: r.port, user: r.user, identityFile: r.identityFiles[0] ?? host.identityFile, agent: true };
  }

  /**
   * How to use sudo on a `become` host, decided once per connection: `sudo -n true` tells
   * whether a password is needed; if so it is asked once and checked with `sudo -k -S true`.
   */
  private sudoSetting(host: InventoryHost, conn: HostConnection): Promise<SudoSetting> {
    let setting = this.sudo.get(host.name);
    if (!setting) {
      setting = this.decideSudo(host, conn);
      this.sudo.set(host.name, setting);
      setting.catch(() => this.sudo.delete(host.name));
    }
    return setting;
  }

  private async decideSudo(host: InventoryHost, conn: HostConnection): Promise<SudoSetting> {
    // sudo can hang on a sick host (a hostname lookup, a blocked log): every exec waits for this.
    const probe = await conn.quick('sudo -n true', undefined, this.sudoCheckMs).catch((err: Error) => {
      if (err instanceof HostError) throw err;
      throw new HostError(host.name, 'sudo-failed', `${host.name}: \`sudo -n true\` gave ${err.message}`);
    });
    if (probe.exitCode === 0) return { mode: 'nopasswd' };
    if (probe.exitCode === 127) {
      throw new HostError(host.name, 'sudo-failed', `${host.name}: become is set but sudo is not installed`);
    }
    if (!/password/i.test(probe.stderr)) {
      throw new HostError(host.name, 'sudo-failed', `${host.name}: sudo refused ${host.user}: ${firstLine(probe.stderr)}`);
    }
    const password = await this.prompts.sudoPassword({ host: host.name, user: host.user });
    if (password === undefined) {
      throw new HostError(host.name, 'sudo-failed', `${host.name}: no sudo password given for ${host.user}`);
    }
    const check = await conn.quick("sudo -k -S -p '' true", `${password}\n`, this.sudoCheckMs).catch((err: Error) => {
      if (err instanceof HostError) throw err;
      throw new HostError(host.name, 'sudo-failed', `${host.name}: sudo with the password gave ${err.message}`);
    });
    if (check.exitCode !== 0) {
      throw new HostError(host.name, 'sudo-failed', `${host.name}: sudo did not accept the password for ${host.user}`);
    }
    return { mode: 'password', password };
  }
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

/** The promise's value, or 'aborted' as soon as the signal fires (the promise keeps running). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T | 'aborted'> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.resolve('aborted');
  }
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined);
      resolve('aborted');
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
