// What a drill looks at and touches on the practice cluster, from outside the hosts: PIDs
// in the hosts' namespaces, the VIP on each eth0, mfscli through the VIP, and the client's
// mount entered from this machine (host-exec.ts).
import { daemonPids, vipHolders } from '../lab/break.ts';
import { VIP, chunkserverHosts } from '../lab/layout.ts';
import { LabError, isAlive, run } from '../lab/proc.ts';
import { hostScript } from '../lab/host-exec.ts';
import { readState, type LabHostState, type LabState } from '../lab/state.ts';
import { shQuote } from '../ssh/remote-command.ts';
import { lastChangelogVersion, parseMfscli } from '../status/parse-mfscli.ts';
import type { DrillFile } from './types.ts';
import type { FileSeen, HealthObservation, MasterSeen } from './verdict.ts';
import { t } from '../i18n/index.ts';

/** The drill folders on the client, inside its MooseFS mount. */
export const DRILLS_DIR = '/mnt/mfs/drills';

export function labState(): LabState {
  const state = readState();
  if (!state || state.phase !== 'up') throw new LabError(t('practice.probe.notUp'));
  if (state.bare) throw new LabError(t('practice.probe.bare'));
  return state;
}

const candidatesOf = (s: LabState) => s.hosts.filter((h) => h.roles.includes('master-candidate'));
const hostRunning = (h: LabHostState) => !h.lost && h.initPid !== undefined && isAlive(h.initPid);

export async function readMaster(): Promise<MasterSeen> {
  const r = await run('mfscli', ['-ns', '|', '-SIM', '-SIC', '-SCS', '-SMB', '-H', VIP], { timeoutMs: 15_000 });
  const text = r.stdout + r.stderr;
  if (r.timedOut) return { error: t('practice.probe.mfscliTimedOut', { seconds: 15 }), chunkservers: [], disconnected: [], metaloggers: [] };
  const rep = parseMfscli(r.stdout);
  const answering = rep.masters.find((m) => m.answering);
  if (rep.noMaster || !answering) {
    const why = rep.noMaster ? 'Working master servers not found' : text.trim().split('\n')[0] || t('practice.probe.mfscliExit', { code: String(r.code) });
    return { error: why, chunkservers: [], disconnected: [], metaloggers: [] };
  }
  return {
    metadataVersion: answering.metadataVersion,
    chunkservers: rep.chunkservers.map((c) => c.ip),
    disconnected: rep.disconnected.map((c) => c.ip),
    metaloggers: rep.metaloggers.map((m) => m.ip),
    missingChunks: rep.chunkClasses?.missing,
  };
}

/** The metadata version through the VIP, asking for up to `waitMs` (mfscli can miss a master under load). */
export async function masterVersion(waitMs = 10_000): Promise<number | undefined> {
  const end = Date.now() + waitMs;
  for (;;) {
    const m = await readMaster();
    if (m.metadataVersion !== undefined && m.metadataVersion > 0) return m.metadataVersion;
    if (Date.now() >= end) return undefined;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function metaloggerLastChange(host: string): Promise<{ last?: number; error?: string }> {
  const r = await hostScript(host, 'tail -n 1 /var/lib/mfs/changelog_ml.0.mfs 2>/dev/null; exit 0', 20_000);
  if (r.code !== 0) return { error: r.timedOut ? t('practice.probe.sshTimedOut') : t('practice.probe.sshExit', { code: String(r.code), error: r.stderr.trim().split('\n')[0] ?? '' }) };
  return { last: lastChangelogVersion(r.stdout) };
}

/** Reads every drill file back through cl's mount; guarded by timeouts (a mount without master blocks). */
export async function readDrillFiles(dir: string, files: DrillFile[]): Promise<{ files?: FileSeen[]; error?: string }> {
  const script = [
    // english: shell
    `if ! timeout -k 2 15 ls ${shQuote(dir)} >/dev/null 2>&1; then echo "@unreadable"; exit 0; fi`,
    `for f in ${files.map((f) => shQuote(f.name)).join(' ')}; do`,
    // english: shell
    `  if s=$(timeout -k 2 30 sha256sum < ${shQuote(dir)}/"$f" 2>&1); then echo "@ok $f \${s%% *}"; else echo "@err $f $(printf '%s' "$s" | head -n 1)"; fi`,
    'done',
  ].join('\n');
  const r = await hostScript('cl', script, 60_000 + files.length * 35_000);
  if (r.code !== 0) return { error: r.timedOut ? t('practice.probe.readTimedOut') : t('practice.probe.readSshFailed', { code: String(r.code), error: r.stderr.trim().split('\n')[0] ?? '' }) };
  if (r.stdout.includes('@unreadable')) return { error: t('practice.probe.mountSilent', { dir, seconds: 15 }) };
  const seen = new Map<string, { actual?: string; error?: string }>();
  for (const line of r.stdout.split('\n')) {
    const m = /^@(ok|err) (\S+) ?(.*)$/.exec(line);
    if (!m) continue;
    seen.set(m[2]!, m[1] === 'ok' ? { actual: m[3]!.trim() } : { error: m[3]!.trim() || t('practice.probe.readFailed') });
  }
  return { files: files.map((f) => ({ name: f.name, expected: f.sha256, ...(seen.get(f.name) ?? { error: t('practice.probe.notRead') }) })) };
}

/** Everything the verdict needs. Without `files`, the drill files are not read (the check before a drill). */
export async function observeLab(opts: { versionBefore: number; dir?: string; files?: DrillFile[] }): Promise<HealthObservation> {
  const state = labState();
  const cands = candidatesOf(state);
  const holders = (await vipHolders(state)).map((h) => h.name);
  const candidates = await Promise.all(
    cands.map(async (h) => ({
      name: h.name,
      address: h.address,
      lost: !!h.lost,
      running: hostRunning(h),
      master: hostRunning(h) && (await daemonPids(h, 'mfsmaster')).length > 0,
    })),
  );
  const mlHost = state.hosts.find((h) => h.roles.includes('metalogger'));
  if (!mlHost) throw new LabError(t('practice.probe.noMetalogger'));
  const [master, ml, files] = await Promise.all([readMaster(), metaloggerLastChange(mlHost.name), opts.files && opts.dir ? readDrillFiles(opts.dir, opts.files) : Promise.resolve(undefined)]);
  return {
    vip: VIP,
    vipHolders: holders,
    candidates,
    chunkservers: chunkserverHosts(state.hosts).map((h) => ({ name: h.name, address: h.address })),
    metalogger: { name: mlHost.name, address: mlHost.address },
    master,
    metaloggerLastChange: ml.last,
    metaloggerError: ml.error,
    versionBefore: opts.versionBefore,
    files: files?.files,
    filesError: files?.error,
  };
}

/** Writes a fresh set of files with known checksums in `dir` on cl (older drill folders are removed). */
export async function writeDrillFiles(dir: string): Promise<DrillFile[]> {
  const name = dir.split('/').at(-1)!;
  // A shell script; its note.txt line is file content, not a message.
  const script = [
    'set -e',
    `mkdir -p ${DRILLS_DIR}`,
    `find ${DRILLS_DIR} -mindepth 1 -maxdepth 1 ! -name '${name}' -exec rm -rf {} +`,
    `mkdir -p ${dir}`,
    `cd ${dir}`,
    // english: shell
    'for i in 1 2 3 4 5 6 7 8; do head -c $((i * 61331 + 4093)) /dev/urandom > data$i.bin; done',
    // english: file content
    `date -u +"drill ${name} written at %FT%TZ" > note.txt`,
    'sync',
    // english: shell
    `for f in data*.bin note.txt; do echo "$(sha256sum < "$f" | cut -d' ' -f1) $(stat -c %s "$f") $f"; done`,
    '',
  ].join('\n');
  const r = await hostScript('cl', script, 120_000);
  if (r.code !== 0) {
    const how = r.timedOut ? t('practice.probe.timedOut') : t('practice.probe.exit', { code: String(r.code) });
    throw new LabError(t('practice.probe.writeFailed', { how, error: (r.stderr + r.stdout).trim().split('\n').slice(-3).join(' ') }));
  }
  const files: DrillFile[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^([0-9a-f]{64}) (\d+) (\S+)$/.exec(line.trim());
    if (m) files.push({ sha256: m[1]!, size: Number(m[2]), name: m[3]! });
  }
  if (files.length !== 9) throw new LabError(t('practice.probe.writeChecksums', { expected: 9, got: files.length }));
  return files;
}

/**
 * SIGKILL to keepalived on a host, by its pid files: no notify script runs (as if it crashed).
 * All three processes are stopped first, then killed: a VRRP child that outlives its parent
 * for a moment shuts down gracefully and sends priority 0, and the peer (skew 0.01 s at
 * priority 253) takes the VIP and promotes at once.
 */
export async function killKeepalived(host: string): Promise<void> {
  const r = await hostScript(
    host,
    'p=; for f in /run/vrrp.pid /run/checkers.pid /run/keepalived.pid; do [ -s "$f" ] && p="$p $(cat "$f")"; done; [ -n "$p" ] && { kill -STOP $p; kill -9 $p; } 2>/dev/null; rm -f /run/keepalived.pid /run/vrrp.pid /run/checkers.pid; exit 0',
    20_000,
  );
  if (r.code !== 0) throw new LabError(t('practice.probe.killKeepalivedFailed', { host, code: String(r.code), error: r.stderr.trim() }));
}

/** The VIP on a host's eth0 by hand (a cluster without keepalived). */
export async function pinVip(host: string): Promise<void> {
  // english: shell
  const r = await hostScript(host, `ip -o addr show | grep -qF ' ${VIP}/' || ip addr add ${VIP}/24 dev eth0`, 20_000);
  if (r.code !== 0) throw new LabError(t('practice.probe.pinVipFailed', { host, code: String(r.code), error: r.stderr.trim() }));
}

/** keepalived runs on each live master candidate (the standby can take over). */
export async function haInPlace(): Promise<{ ok: boolean; missing: string[] }> {
  const state = labState();
  const missing: string[] = [];
  for (const h of candidatesOf(state).filter(hostRunning)) if ((await daemonPids(h, 'keepalived')).length === 0) missing.push(h.name);
  const live = candidatesOf(state).filter(hostRunning).length;
  return { ok: missing.length === 0 && live >= 2, missing: live < 2 ? [...missing, t('practice.probe.secondCandidate')] : missing };
}

/** The live candidates: the VIP holder and the other one. */
export async function masterPair(): Promise<{ active: LabHostState; standby?: LabHostState }> {
  const state = labState();
  const holders = await vipHolders(state);
  if (holders.length !== 1)
    throw new LabError(holders.length === 0 ? t('practice.probe.nobodyHoldsVip', { vip: VIP }) : t('practice.probe.vipOn', { hosts: holders.map((h) => h.name).join(t('practice.and')) }));
  const active = holders[0]!;
  const standby = candidatesOf(state).find((h) => h.name !== active.name && hostRunning(h));
  return { active, standby };
}

export function hostAddress(name: string): string {
  const h = labState().hosts.find((x) => x.name === name);
  if (!h) throw new LabError(t('practice.probe.noHost', { host: name }));
  return h.address;
}

export function otherCandidate(name: string): LabHostState | undefined {
  return candidatesOf(labState()).find((h) => h.name !== name);
}
