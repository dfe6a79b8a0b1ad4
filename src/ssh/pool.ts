// The SSH pool: one connection per login (user@address:port, via the same jump host),
// opened on first use and reused by every step and probe, whichever inventory names point
// there; a lost connection is replaced on the next exec. Secrets the operator types (key
// passphrases, sudo passwords) live in this object's memory only, for this session.
//
// A host whose key was refused (unknown and declined, changed, revoked), or whose sudo
// password was refused or not given, stays refused for the session: every later exec (the
// status poller's included) fails at once with the same HostError, nothing reconnects or
// asks again, until the operator asks for it (reask()).
import { setMaxListeners } from 'node:events';
import { HostError, type Executor, type ExecRequest, type ExecResult, type JobProbe, type RemoteJob } from '../exec/types.ts';
import type { Inventory, InventoryHost } from '../inventory/types.ts';
import { resolveSshConfig } from '../inventory/ssh-config.ts';
import { openClient, type ConnectContext, type Endpoint, type UnknownHostKeyInfo } from './connect.ts';
import { HostConnection, sudoRefusedPassword, type SudoSetting } from './host-connection.ts';
import { KeyStore } from './keys.ts';
import { appendKnownHost, fingerprintOf } from './known-hosts.ts';
import { followCommand, killCommand, newSudoPrompt, parseProbe, probeCommand, sudoPrefix } from './remote-command.ts';
import { t } from '../i18n/index.ts';

/** A job probe or kill is a few shell builtins and a walk over /proc. */
const PROBE_TIMEOUT_MS = 15_000;

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

/** HostError kinds that stay for the session: the operator said no, or must look first. */
const STICKY_KEY_KINDS = new Set<HostError['kind']>(['host-key-changed', 'host-key-rejected']);

/** The server behind an endpoint: what its host key belongs to. */
function serverKey(address: string, port: number): string {
  return `${address.toLowerCase()}:${port}`;
}

export class SshPool {
  /** Live connections by login key (see loginKey). */
  private readonly connections = new Map<string, HostConnection>();
  private readonly connecting = new Map<string, Promise<HostConnection>>();
  /** The sudo decision of a login, for its current connection. */
  private readonly sudo = new Map<string, Promise<SudoSetting>>();
  /** Servers (address:port) refused for this session, with the error every attempt gets. */
  private readonly refusedServers = new Map<string, HostError>();
  /** Logins whose sudo was refused for this session (wrong password, none given). */
  private readonly refusedSudo = new Map<string, HostError>();
  /** Accepted unknown keys (server + fingerprint): asked once, written once. */
  private readonly keyAnswers = new Map<string, Promise<boolean>>();
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
    if (!host) throw new Error(t('ssh.noHostNamed', { name, file: this.inv.file }));
    return host;
  }

  /** One connection serves every inventory name that logs in as the same user on the same server. */
  private loginKey(host: InventoryHost): string {
    return `${host.user}@${serverKey(host.address, host.port)}${host.proxyJump ? ` via ${host.proxyJump}` : ''}`;
  }

  executor(hostName: string): Executor {
    const host = this.hostNamed(hostName);
    return {
      target: host.name,
      exec: (req: ExecRequest) => this.exec(host, req),
      spawn: async (script: string) => {
        const conn = await this.connection(host);
        const sudo = host.become ? await this.sudoSetting(host, conn) : { mode: 'none' as const };
        return conn.spawn(script, sudo).catch((err: unknown) => {
          throw named(err, host.name);
        });
      },
      jobs: {
        probe: (job, from) => this.probeJob(host, job, from),
        follow: async (job, from, req) => {
          const { conn, sudo } = await this.ready(host);
          return conn.exec({ ...req, script: '' }, sudo, (prompt) => followCommand(job, from, sudo.mode, prompt));
        },
        stop: (job) => this.stopJob(host, job),
      },
    };
  }

  private async ready(host: InventoryHost): Promise<{ conn: HostConnection; sudo: SudoSetting }> {
    const conn = await this.connection(host);
    const sudo = host.become ? await this.sudoSetting(host, conn) : { mode: 'none' as const };
    return { conn, sudo };
  }

  private async probeJob(host: InventoryHost, job: RemoteJob | { id: string }, from: { stdout: number; stderr: number }): Promise<JobProbe> {
    const { conn, sudo } = await this.ready(host);
    const known = 'pgid' in job ? job : undefined;
    const r = await conn.quickAs(sudo, (prompt) => probeCommand(job.id, known?.dir, from, sudo.mode, prompt), PROBE_TIMEOUT_MS);
    if (r.exitCode !== 0)
      throw new HostError(host.name, 'sudo-failed', t('ssh.jobUnreadable', { host: host.name, job: job.id, error: firstLine(r.stderr) || t('ssh.exit', { code: String(r.exitCode) }) }));
    return parseProbe(job.id, known, r.stdout, r.stderr);
  }

  /** TERM to the job's group, then KILL; each time waits (polling) until it no longer runs. */
  private async stopJob(host: InventoryHost, job: RemoteJob): Promise<JobProbe> {
    const none = { stdout: Number.MAX_SAFE_INTEGER, stderr: Number.MAX_SAFE_INTEGER };
    let p = await this.probeJob(host, job, none);
    for (const signal of ['TERM', 'KILL'] as const) {
      if (p.state !== 'running') return p;
      const { conn, sudo } = await this.ready(host);
      await conn.quickAs(sudo, (prompt) => killCommand(job.pgid, signal, sudo.mode, prompt), PROBE_TIMEOUT_MS);
      const until = Date.now() + 3000;
      do {
        await new Promise((r) => setTimeout(r, 100));
        p = await this.probeJob(host, job, none);
      } while (p.state === 'running' && Date.now() < until);
    }
    return p;
  }

  /** Opens the host's connection now (e.g. to ask host key questions before a run). */
  async connect(hostName: string): Promise<void> {
    await this.connection(this.hostNamed(hostName));
  }

  /**
   * Before a run: connects to each host (asking about unknown keys), logs in, and on a
   * `become` host settles sudo (asking for the password when sudo wants one). Returns the
   * failures, one per host, in the order given; nothing runs on any host.
   */
  async preflight(hostNames: readonly string[]): Promise<HostError[]> {
    const results = await Promise.all(
      [...new Set(hostNames)].map(async (name) => {
        const host = this.hostNamed(name);
        try {
          const conn = await this.connection(host);
          if (host.become) await this.sudoSetting(host, conn);
          return undefined;
        } catch (err) {
          if (err instanceof HostError) return err.host === host.name ? err : new HostError(host.name, err.kind, `${host.name}: ${err.message}`);
          return new HostError(host.name, 'unreachable', `${host.name}: ${(err as Error).message}`);
        }
      }),
    );
    return results.filter((e): e is HostError => e !== undefined);
  }

  /** Hosts refused for this session (key or sudo), with why. */
  refused(): { host: string; error: HostError }[] {
    return this.inv.hosts.flatMap((h) => {
      const error = this.refusedServers.get(serverKey(h.address, h.port)) ?? this.refusedSudo.get(this.loginKey(h));
      return error ? [{ host: h.name, error }] : [];
    });
  }

  /**
   * The operator asks again: the host's refusal (its key, its sudo password) is forgotten,
   * so the next use connects and asks anew. Without a name, every refusal is forgotten.
   */
  reask(hostName?: string): void {
    const hosts = hostName === undefined ? this.inv.hosts : [this.hostNamed(hostName)];
    for (const h of hosts) {
      const server = serverKey(h.address, h.port);
      this.refusedServers.delete(server);
      this.refusedSudo.delete(this.loginKey(h));
      for (const k of [...this.keyAnswers.keys()]) if (k.startsWith(`${server} `)) this.keyAnswers.delete(k);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    const pending = [...this.connecting.values()].map((p) =>
      p.then(
        (c) => c.close(),
        () => undefined,
      ),
    );
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
    try {
      return await ready.conn.exec(req, ready.sudo);
    } catch (err) {
      // sudo no longer takes the password (changed meanwhile): decided again, asked again, never retried with it.
      if (err instanceof HostError && err.kind === 'sudo-failed') this.sudo.delete(this.loginKey(host));
      throw named(err, host.name);
    }
  }

  /** The error a refused host gets at once, named for the inventory name asked for. */
  private refusal(host: InventoryHost): HostError | undefined {
    const err = this.refusedServers.get(serverKey(host.address, host.port));
    if (!err) return undefined;
    return err.host === host.name ? err : new HostError(host.name, err.kind, `${host.name} (${host.address}:${host.port}, as ${err.host}): ${err.message}`);
  }

  private connection(host: InventoryHost): Promise<HostConnection> {
    if (this.closed) return Promise.reject(new HostError(host.name, 'disconnected', t('ssh.poolClosed', { host: host.name })));
    const refused = this.refusal(host);
    if (refused) return Promise.reject(refused);
    const key = this.loginKey(host);
    const live = this.connections.get(key);
    if (live?.isAlive) return Promise.resolve(live);
    let pending = this.connecting.get(key);
    if (!pending) {
      pending = this.open(host, key).finally(() => this.connecting.delete(key));
      this.connecting.set(key, pending);
    }
    return pending;
  }

  /** Connects to one endpoint; a refused key marks its server refused for the session. */
  private async openEndpoint(ep: Endpoint, ctx: ConnectContext): Promise<Awaited<ReturnType<typeof openClient>>> {
    const server = serverKey(ep.address, ep.port);
    const refused = this.refusedServers.get(server);
    if (refused) throw refused;
    try {
      return await openClient(ep, ctx);
    } catch (err) {
      if (err instanceof HostError && STICKY_KEY_KINDS.has(err.kind) && !this.closed) this.refusedServers.set(server, err);
      throw err;
    }
  }

  /** Asks about an unknown key once per server and key, and writes an accepted one once. */
  private askUnknownHostKey(info: UnknownHostKeyInfo, blob: Buffer): Promise<boolean> {
    const id = `${serverKey(info.address, info.port)} ${fingerprintOf(blob)}`;
    let answer = this.keyAnswers.get(id);
    if (!answer) {
      answer = this.prompts.unknownHostKey(info).then((accepted) => {
        const file = this.inv.knownHosts[0];
        if (accepted && file) appendKnownHost(file, info.address, info.port, blob);
        return accepted;
      });
      this.keyAnswers.set(id, answer);
      // Only an acceptance is remembered here; a refusal is remembered as the server's refusal.
      answer.then(
        (accepted) => {
          if (!accepted) this.keyAnswers.delete(id);
        },
        () => this.keyAnswers.delete(id),
      );
    }
    return answer;
  }

  private async open(host: InventoryHost, key: string): Promise<HostConnection> {
    this.sudo.delete(key); // a sudo decision belongs to one connection's session
    const ctx: ConnectContext = {
      knownHosts: this.inv.knownHosts,
      keys: this.keys,
      askUnknownHostKey: (info, blob) => this.askUnknownHostKey(info, blob),
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
      const jumpClient = await this.openEndpoint(jump, ctx);
      this.connectionsOpened++;
      owned.push(jumpClient);
      sock = await new Promise<NonNullable<ConnectContext['sock']>>((resolve, reject) =>
        jumpClient.forwardOut('127.0.0.1', 0, host.address, host.port, (err, stream) => {
          if (err) {
            jumpClient.end();
            reject(new HostError(host.name, 'unreachable', t('ssh.jumpCannotReach', { host: host.name, jump: jump.host, address: host.address, port: host.port, error: err.message })));
          } else resolve(stream);
        }),
      );
    }
    let client;
    try {
      client = await this.openEndpoint(target, { ...ctx, sock, via });
    } catch (err) {
      for (const o of owned) o.end();
      throw err;
    }
    this.connectionsOpened++;
    const conn = new HostConnection(host.name, client, owned);
    if (this.closed) {
      await conn.close();
      throw new HostError(host.name, 'disconnected', t('ssh.poolClosed', { host: host.name }));
    }
    this.connections.set(key, conn);
    return conn;
  }

  /** A ProxyJump target: an inventory host by name, else `[user@]host[:port]` resolved through ssh_config. */
  private async jumpEndpoint(host: InventoryHost): Promise<Endpoint> {
    const spec = host.proxyJump!;
    if (spec.includes(',')) {
      throw new HostError(host.name, 'unreachable', t('ssh.proxyJumpHops', { host: host.name, spec }));
    }
    const known = this.inv.hosts.find((h) => h.name === spec);
    if (known) {
      return { host: known.name, address: known.address, port: known.port, user: known.user, identityFile: known.identityFile, agent: known.agent };
    }
    const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec);
    if (!m) throw new HostError(host.name, 'unreachable', t('ssh.proxyJumpUnreadable', { host: host.name, spec }));
    const name = m[2]!.replace(/^\[|\]$/g, '');
    const r = await resolveSshConfig({
      name,
      user: m[1],
      port: m[3] !== undefined ? Number(m[3]) : undefined,
      configFile: this.inv.sshConfig,
    }).catch((err: Error) => {
      throw new HostError(host.name, 'unreachable', t('ssh.jumpUnresolved', { host: host.name, spec, error: err.message }));
    });
    return { host: name, address: r.hostname, port: r.port, user: r.user, identityFile: r.identityFiles[0] ?? host.identityFile, agent: true };
  }

  /**
   * How to use sudo on a `become` host, decided once per connection: `sudo -n` with the
   * command shape every script uses tells whether a password is needed (a NOPASSWD rule for
   * /bin/sh counts); if so it is asked once and checked with one sudo prompt.
   */
  private sudoSetting(host: InventoryHost, conn: HostConnection): Promise<SudoSetting> {
    const key = this.loginKey(host);
    const refused = this.refusedSudo.get(key);
    if (refused) return Promise.reject(refused.host === host.name ? refused : new HostError(host.name, refused.kind, `${host.name}: ${refused.message}`));
    let setting = this.sudo.get(key);
    if (!setting) {
      setting = this.decideSudo(host, conn);
      this.sudo.set(key, setting);
      setting.catch((err: unknown) => {
        if (this.sudo.get(key) === setting) this.sudo.delete(key);
        // A password refused or not given stays so: no loop of attempts that could lock the account.
        if (err instanceof HostError && err.kind === 'sudo-failed' && /password/.test(err.message) && !this.closed) this.refusedSudo.set(key, err);
      });
    }
    return setting;
  }

  private async decideSudo(host: InventoryHost, conn: HostConnection): Promise<SudoSetting> {
    // sudo can hang on a sick host (a hostname lookup, a blocked log): every exec waits for this.
    const probeCommand = `${sudoPrefix('nopasswd')}/bin/sh -c 'exit 0'`;
    const probe = await conn.quick(probeCommand, { timeoutMs: this.sudoCheckMs }).catch((err: Error) => {
      if (err instanceof HostError) throw err;
      throw new HostError(host.name, 'sudo-failed', `${host.name}: \`sudo -n\` gave ${err.message}`);
    });
    if (probe.exitCode === 0) return { mode: 'nopasswd', user: host.user };
    if (probe.exitCode === 127) {
      throw new HostError(host.name, 'sudo-failed', t('ssh.sudoMissing', { host: host.name }));
    }
    if (!/password/i.test(probe.stderr)) {
      // E.g. `Defaults requiretty`: "sorry, you must have a tty to run sudo".
      throw new HostError(host.name, 'sudo-failed', t('ssh.sudoRefusedUser', { host: host.name, user: host.user, why: firstLine(probe.stderr) }));
    }
    const password = await this.prompts.sudoPassword({ host: host.name, user: host.user });
    if (password === undefined) {
      throw new HostError(host.name, 'sudo-failed', t('ssh.noSudoPassword', { host: host.name, user: host.user }));
    }
    const setting: SudoSetting = { mode: 'password', password, user: host.user };
    // -k: this one check must ask, so a wrong password shows now; it is written once, only when sudo asks.
    const prompt = newSudoPrompt();
    const check = await conn
      .quick(`sudo -k ${sudoPrefix('password', prompt).slice('sudo '.length)}/bin/sh -c 'exit 0'`, { timeoutMs: this.sudoCheckMs, sudo: { prompt, password } })
      .catch((err: Error) => {
        if (err instanceof HostError) throw err;
        throw new HostError(host.name, 'sudo-failed', t('ssh.sudoGave', { host: host.name, error: err.message }));
      });
    if (check.exitCode !== 0) throw sudoRefusedPassword(host.name, setting, check.stderr);
    return setting;
  }
}

/** A shared connection's error, told for the inventory name it was used under. */
function named(err: unknown, name: string): unknown {
  if (!(err instanceof HostError) || err.host === name) return err;
  return new HostError(name, err.kind, `${name}: ${err.message}`);
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
