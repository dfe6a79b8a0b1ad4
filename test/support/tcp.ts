// A TCP probe from this machine (outside every practice host): does the port answer?
import net from 'node:net';

/** A TCP connection from this machine (outside every host) opens within `ms`. */
export function tcpOpen(host: string, port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: ms });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.once('connect', () => done(true));
    s.once('timeout', () => done(false));
    s.once('error', () => done(false));
  });
}
