// A private OpenSSH server on 127.0.0.1 for tests: its own temp dir, ed25519 host key,
// a generated client key in authorized_keys, a random free port. Stopped by its PID.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshdOptions {
  /** Extra sshd_config lines (e.g. `MaxSessions 20`). */
  extraConfig?: string[];
  /** Passphrase for the generated client key (default: none). */
  clientKeyPassphrase?: string;
  /** More environment for every session (sshd's SetEnv: one line, the first one counts), e.g. a PATH with fake commands. */
  env?: Record<string, string>;
}

export interface Sshd {
  port: number;
  host: '127.0.0.1';
  /** Private host key; the public one is `${hostKeyPath}.pub`. */
  hostKeyPath: string;
  /** `ssh-ed25519 AAAA...` */
  hostPubKey: string;
  /** Path of the client's private key (authorized for every user). */
  clientKey: string;
  /** A known_hosts line for this server: `[127.0.0.1]:PORT ssh-ed25519 AAAA...`. */
  knownHostsLine: string;
  /** The user tests log in as (the current user: root here). */
  user: string;
  dir: string;
  pid: number;
  /** Everything sshd logged so far (`-e`: to stderr), e.g. to count `Accepted publickey`. */
  log(): string;
  /** Adds another authorized key (public key text). */
  authorize(pubKey: string): void;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when something accepts TCP connections on the port (and says SSH-). */
async function waitForBanner(port: number, child: ChildProcess, log: () => string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      sock.once('error', () => resolve(false));
      sock.setTimeout(500, () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 30));
  }
  throw new Error(`sshd did not answer on 127.0.0.1:${port}: ${log()}`);
}

export function generateKey(path: string, passphrase = '', type = 'ed25519'): string {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', 'mfs-tui-test', '-f', path], { stdio: 'ignore' });
  return readFileSync(`${path}.pub`, 'utf8').trim();
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  // Privilege separation directory that Debian's sshd insists on when run as root.
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } catch {
    // not root: sshd runs without privilege separation for the current user only
  }
  const dir = mkdtempSync(join(tmpdir(), 'mfs-sshd-'));
  // Readable by other users: sshd reads authorized_keys as the logging-in user.
  chmodSync(dir, 0o755);
  const hostKeyPath = join(dir, 'host_ed25519');
  const hostPubKey = generateKey(hostKeyPath).split(' ').slice(0, 2).join(' ');
  const clientKey = join(dir, 'client_ed25519');
  const clientPub = generateKey(clientKey, opts.clientKeyPassphrase ?? '');
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, clientPub + '\n', { mode: 0o644 });
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyPath}`,
      'PidFile none',
      'StrictModes no',
      'UsePAM no',
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'LogLevel VERBOSE',
      'MaxStartups 100',
      // Debian's bash sources ~/.bashrc for `ssh host cmd` unless SHLVL says it is nested; root's .bashrc on
      // this machine (pyenv init) costs ~1 s per command, which would dominate every test.
      `SetEnv SHLVL=1${Object.entries(opts.env ?? {})
        .map(([k, v]) => ` ${k}=${v}`)
        .join('')}`,
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
  );
  // setpriv --pdeathsig: sshd gets SIGTERM when the test process dies without calling stop(),
  // so a crashed or killed test run leaves no sshd behind. It execs sshd (same PID).
  // The log goes to a file, not a pipe: a test that blocks its event loop (spawnSync of the
  // CLI) would leave a pipe undrained, and sshd stops answering once the pipe is full.
  const logFile = join(dir, 'sshd.log');
  const sshdArgs = ['/usr/sbin/sshd', '-D', '-E', logFile, '-f', config];
  const [cmd, ...args] = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'TERM', ...sshdArgs] : sshdArgs;
  const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await waitForBanner(port, child, log);
  } catch (err) {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    host: '127.0.0.1',
    hostKeyPath,
    hostPubKey,
    clientKey,
    knownHostsLine: `[127.0.0.1]:${port} ${hostPubKey}`,
    user: userInfo().username,
    dir,
    pid: child.pid!,
    log,
    authorize(pubKey) {
      writeFileSync(authorizedKeys, readFileSync(authorizedKeys, 'utf8') + pubKey.trim() + '\n');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(child.pid!, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
