// What the master says about the cluster, read with mfscli through the VIP from the root
// namespace (over the lab bridge). mfscli exits 0 even when it reaches no master: read its output.
import { run } from './proc.ts';
import { t } from '../i18n/index.ts';

export interface ClusterView {
  /** Chunkserver addresses connected to the master (ip:port rows of -SCS). */
  chunkservers: string[];
  /** Metalogger addresses connected to the master (-SMB). */
  metaloggers: string[];
  /** Chunkservers the master knows but which are not connected. */
  disconnected: string[];
  /** Set when no master answered. */
  error?: string;
}

export async function readClusterView(master: string): Promise<ClusterView> {
  const [cs, mb] = await Promise.all([run('mfscli', ['-H', master, '-n', '-SCS'], { timeoutMs: 10_000 }), run('mfscli', ['-H', master, '-n', '-SMB'], { timeoutMs: 10_000 })]);
  const text = cs.stdout + cs.stderr;
  if (cs.code !== 0 || /not found|can't connect|connection refused|timed out/i.test(text)) {
    return { chunkservers: [], metaloggers: [], disconnected: [], error: firstLine(text) || (cs.timedOut ? t('lab.view.mfscliTimedOut') : t('lab.view.mfscliExit', { code: String(cs.code) })) };
  }
  const lines = cs.stdout.split('\n');
  return {
    chunkservers: addressRows(lines.filter((l) => !/^disconnected/i.test(l)).join('\n')),
    disconnected: addressRows(lines.filter((l) => /^disconnected/i.test(l)).join('\n')),
    metaloggers: addressRows(mb.stdout),
  };
}

/** The address of each data row (`chunk servers:\t10.77.0.21\t9422\t...`); headers have none. */
export function addressRows(out: string): string[] {
  const rows: string[] = [];
  for (const line of out.split('\n')) {
    const cells = line.split('\t').map((c) => c.trim());
    const ip = cells.find((c) => /^\d+\.\d+\.\d+\.\d+$/.test(c));
    if (ip) rows.push(ip);
  }
  return rows;
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.trim() ?? '';
}
