// Is the practice cluster recovered? Pure: what the probes saw in, a verdict with every
// problem named out. A drill ends only when this says healthy.

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
  if (o.vipHolders.length === 0) problems.push(`nobody holds the VIP ${o.vip}`);
  else if (o.vipHolders.length > 1) problems.push(`split brain: the VIP ${o.vip} is on ${o.vipHolders.join(' and ')}`);
  const holder = o.candidates.find((c) => c.name === holderName);
  if (holderName && !holder?.master) problems.push(`${holderName} holds the VIP but runs no mfsmaster`);
  if (holder?.master) verified.push(`one VIP holder, ${holder.name}, running the master`);
  const live = o.candidates.filter((c) => !c.lost && c.running);
  for (const c of live) {
    if (c.master && !o.vipHolders.includes(c.name)) problems.push(`${c.name} runs mfsmaster without the VIP (a second, stale master)`);
  }
  const m = o.master;
  if (m.error !== undefined) {
    problems.push(`no master answers at the VIP ${o.vip}: ${m.error}`);
  } else {
    if (m.metadataVersion === undefined) problems.push('the master at the VIP reports no metadata version');
    else {
      let full = true;
      if (o.versionBefore > 0 && m.metadataVersion < o.versionBefore) {
        full = false;
        problems.push(`metadata version ${m.metadataVersion} is behind the ${o.versionBefore} the master had before the fault: changes were lost`);
      }
      if (o.metaloggerLastChange !== undefined && m.metadataVersion <= o.metaloggerLastChange) {
        full = false;
        problems.push(`metadata version ${m.metadataVersion} is behind the metalogger ${o.metalogger.name}, which logged change ${o.metaloggerLastChange}`);
      }
      if (o.metaloggerError) {
        full = false;
        problems.push(`could not compare with the metalogger ${o.metalogger.name}: ${o.metaloggerError}`);
      }
      if (full)
        verified.push(
          `full metadata: version ${m.metadataVersion} (${o.versionBefore > 0 ? `${o.versionBefore} before the fault` : 'no version recorded before'}${o.metaloggerLastChange !== undefined ? `, metalogger at ${o.metaloggerLastChange}` : ''})`,
        );
    }
    const missingCs = o.chunkservers.filter((c) => !m.chunkservers.includes(c.address));
    for (const c of missingCs) problems.push(`chunkserver ${c.name} (${c.address}) is not connected to the master`);
    const stray = m.disconnected.filter((a) => !missingCs.some((c) => c.address === a));
    if (stray.length > 0) problems.push(`the master lists disconnected chunkservers: ${stray.join(', ')}`);
    if (missingCs.length === 0 && stray.length === 0) verified.push(`all ${o.chunkservers.length} chunkservers connected`);
    // The dedicated metalogger must be back; a standby candidate's own metalogger is reported, not required.
    if (m.metaloggers.includes(o.metalogger.address)) verified.push(`the metalogger ${o.metalogger.name} connected`);
    else problems.push(`the metalogger ${o.metalogger.name} (${o.metalogger.address}) is not connected to the master`);
    for (const c of live.filter((x) => !o.vipHolders.includes(x.name) && !x.master)) {
      if (m.metaloggers.includes(c.address)) verified.push(`the standby ${c.name} follows the master (its metalogger is connected)`);
      else warnings.push(`the standby ${c.name} has no metalogger connected to the master: it holds no current metadata to take over with`);
    }
    if (m.missingChunks === undefined) problems.push('the master did not report its chunk counts');
    else if (m.missingChunks > 0) problems.push(`${m.missingChunks} chunk${m.missingChunks === 1 ? ' is' : 's are'} missing`);
    else verified.push('no missing chunks');
  }
  if (o.filesError) problems.push(`drill files not readable: ${o.filesError}`);
  else if (o.files) {
    const bad = o.files.filter((f) => f.actual !== f.expected);
    for (const f of bad) {
      problems.push(
        f.actual === undefined
          ? `file ${f.name} could not be read${f.error ? `: ${f.error}` : ''}`
          : `file ${f.name} reads back with another checksum (${f.actual.slice(0, 12)}…, expected ${f.expected.slice(0, 12)}…)`,
      );
    }
    if (bad.length === 0) verified.push(`all ${o.files.length} drill files read back with their checksums`);
  }
  return { healthy: problems.length === 0, problems, verified, warnings };
}
