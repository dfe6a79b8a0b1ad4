// Is the practice cluster recovered? Pure: what the probes saw in, a verdict with every
// problem named out. A drill ends only when this says healthy.

import { t } from '../i18n/index.ts';
export interface CandidateSeen {
  name: string;
  address: string;
  /** Taken away by `lab break lose-master`: it does not count (a lost host is not a standby). */
  lost: boolean;
  /** Its PID 1 is alive. */
  running: boolean;
  /** mfsmaster runs on it. */
  master: boolean;
}

export interface MasterSeen {
  /** Why nothing usable answered at the VIP (mfscli's words). */
  error?: string;
  /** The master's metadata version (mfscli prints the number of the next change). */
  metadataVersion?: number;
  /** Addresses of connected chunkservers. */
  chunkservers: string[];
  /** Addresses the master lists as disconnected chunkservers. */
  disconnected: string[];
  /** Addresses of connected metaloggers. */
  metaloggers: string[];
  /** Missing chunks (undefined: the chunk matrix was not printed). */
  missingChunks?: number;
}

export interface FileSeen {
  name: string;
  expected: string;
  /** sha256 read back through the client's mount; undefined when it could not be read. */
  actual?: string;
  error?: string;
}

export interface HealthObservation {
  vip: string;
  /** Candidates holding the VIP (alive, not lost). */
  vipHolders: string[];
  candidates: CandidateSeen[];
  chunkservers: { name: string; address: string }[];
  metalogger: { name: string; address: string };
  master: MasterSeen;
  /** The last change in the metalogger host's changelog_ml.0.mfs (undefined: nothing logged since its last download). */
  metaloggerLastChange?: number;
  /** Why the metalogger host's changelog could not be read. */
  metaloggerError?: string;
  /** The master's metadata version just before the fault (0: unknown). */
  versionBefore: number;
  /** Undefined: files not checked (the check before a drill starts). */
  files?: FileSeen[];
  /** Why no file could be read (e.g. the mount does not answer). */
  filesError?: string;
}

export interface Verdict {
  healthy: boolean;
  /** Every reason it is not healthy, in words, most basic first. */
  problems: string[];
  /** What was verified (for the debrief). */
  verified: string[];
  /** Worth knowing, but not part of "recovered" (the standby's metalogger). */
  warnings: string[];
}

export function judgeHealth(o: HealthObservation): Verdict {
  const problems: string[] = [];
  const verified: string[] = [];
  const warnings: string[] = [];
  const holderName = o.vipHolders.length === 1 ? o.vipHolders[0] : undefined;
  if (o.vipHolders.length === 0) problems.push(t('drill.verdict.nobodyHoldsVip', { vip: o.vip }));
  else if (o.vipHolders.length > 1) problems.push(t('drill.verdict.splitBrain', { vip: o.vip, hosts: o.vipHolders.join(t('drill.verdict.and')) }));
  const holder = o.candidates.find((c) => c.name === holderName);
  if (holderName && !holder?.master) problems.push(t('drill.verdict.holderNoMaster', { host: holderName }));
  if (holder?.master) verified.push(t('drill.verdict.oneHolder', { host: holder.name }));
  const live = o.candidates.filter((c) => !c.lost && c.running);
  for (const c of live) {
    if (c.master && !o.vipHolders.includes(c.name)) problems.push(t('drill.verdict.staleMaster', { host: c.name }));
  }
  const m = o.master;
  if (m.error !== undefined) {
    problems.push(t('drill.verdict.noMaster', { vip: o.vip, error: m.error }));
  } else {
    if (m.metadataVersion === undefined) problems.push(t('drill.verdict.noVersion'));
    else {
      let full = true;
      if (o.versionBefore > 0 && m.metadataVersion < o.versionBefore) {
        full = false;
        problems.push(t('drill.verdict.behindBefore', { version: m.metadataVersion, before: o.versionBefore }));
      }
      if (o.metaloggerLastChange !== undefined && m.metadataVersion <= o.metaloggerLastChange) {
        full = false;
        problems.push(t('drill.verdict.behindMetalogger', { version: m.metadataVersion, metalogger: o.metalogger.name, change: o.metaloggerLastChange }));
      }
      if (o.metaloggerError) {
        full = false;
        problems.push(t('drill.verdict.metaloggerError', { metalogger: o.metalogger.name, error: o.metaloggerError }));
      }
      if (full)
        verified.push(
          t('drill.verdict.fullMetadata', {
            version: m.metadataVersion,
            before: o.versionBefore > 0 ? t('drill.verdict.before', { version: o.versionBefore }) : t('drill.verdict.noBefore'),
            metalogger: o.metaloggerLastChange !== undefined ? t('drill.verdict.metaloggerAt', { change: o.metaloggerLastChange }) : '',
          }),
        );
    }
    const missingCs = o.chunkservers.filter((c) => !m.chunkservers.includes(c.address));
    for (const c of missingCs) problems.push(t('drill.verdict.chunkserverMissing', { host: c.name, address: c.address }));
    const stray = m.disconnected.filter((a) => !missingCs.some((c) => c.address === a));
    if (stray.length > 0) problems.push(t('drill.verdict.disconnected', { addresses: stray.join(', ') }));
    if (missingCs.length === 0 && stray.length === 0) verified.push(t('drill.verdict.allChunkservers', { count: o.chunkservers.length }));
    // The dedicated metalogger must be back; a standby candidate's own metalogger is reported, not required.
    if (m.metaloggers.includes(o.metalogger.address)) verified.push(t('drill.verdict.metaloggerConnected', { host: o.metalogger.name }));
    else problems.push(t('drill.verdict.metaloggerMissing', { host: o.metalogger.name, address: o.metalogger.address }));
    for (const c of live.filter((x) => !o.vipHolders.includes(x.name) && !x.master)) {
      if (m.metaloggers.includes(c.address)) verified.push(t('drill.verdict.standbyFollows', { host: c.name }));
      else warnings.push(t('drill.verdict.standbyBehind', { host: c.name }));
    }
    if (m.missingChunks === undefined) problems.push(t('drill.verdict.noChunkCounts'));
    else if (m.missingChunks > 0) problems.push(t('drill.verdict.missingChunks', { count: m.missingChunks }));
    else verified.push(t('drill.verdict.noMissingChunks'));
  }
  if (o.filesError) problems.push(t('drill.verdict.filesUnreadable', { error: o.filesError }));
  else if (o.files) {
    const bad = o.files.filter((f) => f.actual !== f.expected);
    for (const f of bad) {
      problems.push(
        f.actual === undefined
          ? `${t('drill.verdict.fileUnreadable', { name: f.name })}${f.error ? `: ${f.error}` : ''}`
          : t('drill.verdict.fileChecksum', { name: f.name, actual: f.actual.slice(0, 12), expected: f.expected.slice(0, 12) }),
      );
    }
    if (bad.length === 0) verified.push(t('drill.verdict.allFiles', { count: o.files.length }));
  }
  return { healthy: problems.length === 0, problems, verified, warnings };
}
