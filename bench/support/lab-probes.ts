// What the lab benches (failover, partition-heal) share: a child process with its output,
// polling until a probe holds, and the metadata version a master answers with.
import { spawn } from 'node:child_process';
import net from 'node:net';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `cmd` with `input` on stdin; stdout and stderr together. Never rejects. */
export function run(cmd: string, args: string[], input = '', timeoutMs = 20_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.stderr.on('data', (d) => (out += d));
    c.on('close', (code) => resolve({ code, out }));
    c.on('error', () => resolve({ code: -1, out }));
    // A command that ends before reading its input (ssh to a lost host) closes the pipe: not an error here.
    c.stdin.on('error', () => {});
    c.stdin.end(input);
  });
}

/** Polls `probe` until it is true; the wall-clock time (ms) of the first success, or undefined. */
export async function firstTrue(probe: () => Promise<boolean>, ms: number, every = 50): Promise<number | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return Date.now();
    await sleep(every);
  }
  return undefined;
}

/**
 * The metadata version the master at `host` reports, asked as mfscli -SIM asks it (MooseFS
 * 3.0 mfscli.py: CLTOMA_INFO = 510, answer MATOCL_INFO = 511; in its 121-149 byte form the
 * version is the 8 bytes at offset+113, offset 8 for the 137/149 byte forms); undefined when
 * nothing answers within `ms`.
 */
export function masterInfoVersion(host: string, ms = 500): Promise<number | undefined> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port: 9421 });
    let buf = Buffer.alloc(0);
    const done = (v: number | undefined) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(ms, () => done(undefined));
    sock.on('error', () => done(undefined));
    sock.on('connect', () => sock.write(Buffer.from([0, 0, 1, 254, 0, 0, 0, 0])));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 8) return;
      const type = buf.readUInt32BE(0);
      const len = buf.readUInt32BE(4);
      if (type !== 511) return done(undefined);
      if (buf.length < 8 + len) return;
      if (![121, 129, 137, 149].includes(len)) return done(undefined);
      const offset = len === 137 || len === 149 ? 8 : 0;
      done(Number(buf.readBigUInt64BE(8 + offset + 113)));
    });
  });
}
