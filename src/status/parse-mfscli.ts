// Parsers for `mfscli -ns '|'` (MooseFS 3.0.117) plain output. Layouts were read from
// mfscli.py and checked against captured output (test/fixtures/status/). mfscli exits 0
// even when no master answers, so the text itself says whether it worked.

export const MFSCLI_SEPARATOR = '|';

/** One row of -SIM (`metadata servers:`). */
export interface MasterRow {
  ip: string;
  version: string;
  /** `-` for a working 3.0 master, `DEAD` when it did not answer, `BUSY`, or a Pro state. */
  state: string;
  /** True when the master answered (state is not DEAD/BUSY and the version is not 0.0.0). */
  answering: boolean;
  metadataVersion?: number;
  ramUsed?: number;
  cpu?: { all: number; sys: number; user: number };
  lastSuccessfulStore?: number;
  lastSaveDuration?: number;
  lastSaveStatus?: string;
  exportsChecksum?: string;
}

export type Maintenance = 'off' | 'on' | 'temp' | 'unknown';

/** One row of -SCS `chunk servers:`. */
export interface ChunkserverRow {
  ip: string;
  port: number;
  id: number;
  labels: string;
  version: string;
  load: number;
  /** How mfscli decorated the load: `[N]` grace time, `(N)`/`<N>` the high grace bits. */
  loadMark?: '[]' | '()' | '<>';
  maintenance: Maintenance;
  chunks: number;
  used: number;
  total: number;
  /** `-`, `NOT READY`, `READY` or `PENDING` (disks marked for removal). */
  removalStatus: string;
  removal: { chunks: number; used: number; total: number };
}

/** One row of -SCS `Disconnected chunk servers:`. */
export interface DisconnectedChunkserver {
  ip: string;
  port: number;
  id: number;
  maintenance: Maintenance;
}

export const CHUNK_CLASSES = ['missing', 'endangered', 'undergoal', 'stable', 'overgoal', 'pendingDeletion', 'toBeRemoved'] as const;
export type ChunkClass = (typeof CHUNK_CLASSES)[number];
export type ChunkClasses = Record<ChunkClass, number>;

export interface MetaloggerRow {
  ip: string;
  version: string;
}

export interface MfscliReport {
  /** mfscli printed `Working master servers not found`. */
  noMaster: boolean;
  masters: MasterRow[];
  /** -SIG `master info:` keys as printed (`total space`, `CPU used (user)`, ...). */
  info: Record<string, string>;
  chunkClasses?: ChunkClasses;
  /** `goal/copies/chunks:` rows of the all-chunks matrix. */
  goalMatrix: { goal: number; copies: number; chunks: number }[];
  chunkservers: ChunkserverRow[];
  disconnected: DisconnectedChunkserver[];
  metaloggers: MetaloggerRow[];
  /** Which sections had at least one row (a section can be legitimately empty). */
  sections: Set<'IM' | 'IG' | 'IC' | 'CS' | 'MB'>;
  /** Rows that looked like a known section but did not parse: `line N: why`. */
  problems: string[];
}

/** `1 511` → 1511 (mfscli's decimal_number puts spaces between thousands). */
export function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.replace(/[ \u00a0]/g, '');
  if (!/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

function maintenanceOf(text: string | undefined): Maintenance {
  switch (text) {
    case 'maintenance_off':
      return 'off';
    case 'maintenance_on':
      return 'on';
    // Connected rows print `tmp`, disconnected rows `temp` (both in mfscli 3.0.117).
    case 'maintenance_tmp_on':
    case 'maintenance_temp_on':
      return 'temp';
    default:
      return 'unknown';
  }
}

/** `7`, `[7]`, `(7)`, `<7>` → value and mark. */
export function parseLoad(text: string): { load: number; mark?: '[]' | '()' | '<>' } | undefined {
  const m = /^([[(<]?)(\d+)([\])>]?)$/.exec(text.trim());
  if (!m) return undefined;
  const open = m[1]!;
  const close = m[3]!;
  const load = Number(m[2]);
  if (!open && !close) return { load };
  const mark = `${open}${close}`;
  if (mark === '[]' || mark === '()' || mark === '<>') return { load, mark };
  return undefined;
}

function parseCpu(text: string | undefined): MasterRow['cpu'] {
  const m = /^all:([\d.]+)% sys:([\d.]+)% user:([\d.]+)%$/.exec(text ?? '');
  return m ? { all: Number(m[1]), sys: Number(m[2]), user: Number(m[3]) } : undefined;
}

const dashless = (s: string | undefined) => (s === undefined || s === '-' || s === 'not available' ? undefined : s);

const CLASS_KEYS: Record<string, ChunkClass> = {
  missing: 'missing',
  endangered: 'endangered',
  undergoal: 'undergoal',
  stable: 'stable',
  overgoal: 'overgoal',
  'pending deletion': 'pendingDeletion',
  'to be removed': 'toBeRemoved',
};

export function emptyChunkClasses(): ChunkClasses {
  return { missing: 0, endangered: 0, undergoal: 0, stable: 0, overgoal: 0, pendingDeletion: 0, toBeRemoved: 0 };
}

/** Parses any mix of -SIM -SIG -SIC -SCS -SMB sections printed with `-ns SEP`. */
export function parseMfscli(text: string, sep: string = MFSCLI_SEPARATOR): MfscliReport {
  const report: MfscliReport = {
    noMaster: false,
    masters: [],
    info: {},
    goalMatrix: [],
    chunkservers: [],
    disconnected: [],
    metaloggers: [],
    sections: new Set(),
    problems: [],
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!line) return;
    if (line.startsWith('Working master servers not found')) {
      report.noMaster = true;
      return;
    }
    const cut = line.indexOf(`:${sep}`);
    if (cut < 0) return;
    const title = line.slice(0, cut);
    const cols = line.slice(cut + 1 + sep.length).split(sep);
    const bad = (why: string) => report.problems.push(`line ${index + 1}: ${why}: ${line}`);
    switch (title) {
      case 'metadata servers': {
        if (cols.length < 12) return bad('a metadata servers row has fewer than 12 columns');
        const [ip, version, state, , metaversion, , ram, cpu, lastStore, lastDuration, lastStatus, checksum] = cols;
        const answering = state !== 'DEAD' && state !== 'BUSY' && version !== '0.0.0';
        report.sections.add('IM');
        report.masters.push({
          ip: ip!,
          version: version!,
          state: state!,
          answering,
          metadataVersion: answering ? parseNumber(metaversion) : undefined,
          ramUsed: parseNumber(ram),
          cpu: parseCpu(cpu),
          lastSuccessfulStore: parseNumber(dashless(lastStore)),
          lastSaveDuration: parseNumber(dashless(lastDuration)),
          lastSaveStatus: dashless(lastStatus),
          exportsChecksum: dashless(checksum),
        });
        return;
      }
      case 'master info': {
        if (cols.length < 2) return bad('a master info row has no value');
        report.sections.add('IG');
        report.info[cols[0]!] = cols.slice(1).join(sep);
        return;
      }
      case 'all chunks matrix': {
        const key = cols[0] ?? '';
        const cls = /^chunkclass (.+):$/.exec(key);
        if (cls) {
          const name = CLASS_KEYS[cls[1]!];
          const value = parseNumber(cols[1]);
          if (!name || value === undefined) return bad(`unknown chunk class or count`);
          report.sections.add('IC');
          report.chunkClasses ??= emptyChunkClasses();
          report.chunkClasses[name] = value;
        } else if (key === 'goal/copies/chunks:') {
          const [goal, copies, chunks] = cols.slice(1).map(parseNumber);
          if (goal === undefined || copies === undefined || chunks === undefined) return bad('goal/copies/chunks needs three numbers');
          report.goalMatrix.push({ goal, copies, chunks });
        }
        return;
      }
      case 'chunk servers': {
        if (cols.length < 14) return bad('a chunk servers row has fewer than 14 columns');
        const [ip, port, id, labels, version, loadText, maint, chunks, used, total, removalStatus, tdChunks, tdUsed, tdTotal] = cols;
        const load = parseLoad(loadText!);
        const nums = [port, id, chunks, used, total, tdChunks, tdUsed, tdTotal].map(parseNumber);
        if (!load || nums.some((n) => n === undefined)) return bad('a chunk servers row has a non-numeric column');
        const [p, i, c, u, t, rc, ru, rt] = nums as number[];
        report.sections.add('CS');
        report.chunkservers.push({
          ip: ip!,
          port: p!,
          id: i!,
          labels: labels!,
          version: version!,
          load: load.load,
          ...(load.mark ? { loadMark: load.mark } : {}),
          maintenance: maintenanceOf(maint),
          chunks: c!,
          used: u!,
          total: t!,
          removalStatus: removalStatus!,
          removal: { chunks: rc!, used: ru!, total: rt! },
        });
        return;
      }
      case 'Disconnected chunk servers': {
        const [ip, port, id, maint] = cols;
        const p = parseNumber(port);
        if (!ip || p === undefined) return bad('a disconnected chunk server row needs ip and port');
        report.sections.add('CS');
        report.disconnected.push({ ip, port: p, id: parseNumber(id) ?? 0, maintenance: maintenanceOf(maint) });
        return;
      }
      case 'metadata backup loggers': {
        if (cols.length < 2) return bad('a metadata backup loggers row needs ip and version');
        report.sections.add('MB');
        report.metaloggers.push({ ip: cols[0]!, version: cols[1]! });
        return;
      }
      default:
        return;
    }
  });
  return report;
}

/** A numeric `master info:` value (`total space`, `trash files`, ...), undefined when `-`. */
export function infoNumber(report: MfscliReport, key: string): number | undefined {
  return parseNumber(report.info[key]);
}

/** The first field of the last `<version>: <op>` line of a changelog (`changelog_ml.0.mfs`). */
export function lastChangelogVersion(text: string): number | undefined {
  const lines = text.split('\n').filter((l) => l.trim());
  const last = lines.at(-1);
  const m = last ? /^(\d+):/.exec(last) : null;
  return m ? Number(m[1]) : undefined;
}
