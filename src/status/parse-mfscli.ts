// Parsers for `mfscli -ns '|'` (MooseFS 3.0.117) plain output. Layouts were read from
// mfscli.py and checked against captured output (test/fixtures/status/). mfscli exits 0
// even when no master answers, so the text itself says whether it worked.
import { t, type MessageKey } from '../i18n/index.ts';

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

/** One row of -SSC `storage classes:` (22 columns in 3.0.117). */
export interface StorageClassRow {
  id: number;
  name: string;
  adminOnly: boolean;
  /** LOOSE, STD or STRICT. */
  mode: string;
  files: number;
  dirs: number;
  /** Chunk copies under, exactly at and over the class's goal; undefined where mfscli prints `-` for the whole triple. */
  standard?: { under: number; exact: number; over: number };
  archived?: { under: number; exact: number; over: number };
  /** Per stage: `YES`, `OVERLOADED`, `NO SPACE` or `NO`, the number of copies and the label expressions. */
  create: StorageClassStage;
  keep: StorageClassStage;
  archive: StorageClassStage;
  /** Days before keep turns into archive (undefined: `-`). */
  archiveDelayDays?: number;
}

export interface StorageClassStage {
  canBeFulfilled: string;
  goal: number;
  /** `* , *` as printed: the label expression of each copy. */
  labels: string;
}

/** One row of -SQU `active quotas:` (16 columns). Limits not set are undefined (mfscli prints `-`). */
export interface QuotaRow {
  path: string;
  exceeded: boolean;
  /** Seconds, or undefined for `default`. */
  gracePeriodS?: number;
  /** Seconds until the soft limit blocks writes; 0 expired; undefined when not counting. */
  timeToBlockS?: number;
  soft: QuotaValues;
  hard: QuotaValues;
  current: Required<QuotaValues>;
}

export interface QuotaValues {
  inodes?: number;
  length?: number;
  size?: number;
  real?: number;
}

/** One row of -SHD `disks:` (14 columns: ip:port:path, chunks, last error, status, 8 I/O stats, used, total). */
export interface DiskRow {
  ip: string;
  port: number;
  path: string;
  chunks: number;
  /** Epoch seconds of the last I/O error, undefined for `no errors`. */
  lastErrorTime?: number;
  /** `ok`, or a list such as `damaged`, `marked for removal (ready)`, `scanning`, `invalid`. */
  status: string;
  /** Undefined while the disk is being scanned (mfscli prints the scan progress instead). */
  used?: number;
  total?: number;
  /** Percent scanned, while scanning. */
  scanProgress?: number;
}

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
  /** -SSC, -SQU and -SHD rows: present only when those sections were asked for. */
  storageClasses?: StorageClassRow[];
  quotas?: QuotaRow[];
  disks?: DiskRow[];
  /** Which sections had at least one row (a section can be legitimately empty). */
  sections: Set<'IM' | 'IG' | 'IC' | 'CS' | 'MB' | 'SC' | 'QU' | 'HD'>;
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

// english: mfscli's own words
const dashless = (s: string | undefined) => (s === undefined || s === '-' || s === 'not available' ? undefined : s);

const CLASS_KEYS: Record<string, ChunkClass> = {
  missing: 'missing',
  endangered: 'endangered',
  undergoal: 'undergoal',
  stable: 'stable',
  overgoal: 'overgoal',
  'pending deletion': 'pendingDeletion',
  // english: mfscli's own words
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
    const bad = (why: MessageKey) => report.problems.push(t('mfscli.parse.line', { line: index + 1, why: (t as (k: MessageKey) => string)(why), text: line }));
    switch (title) {
      case 'metadata servers': {
        if (cols.length < 12) return bad('mfscli.parse.metadataServers');
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
        if (cols.length < 2) return bad('mfscli.parse.masterInfo');
        report.sections.add('IG');
        report.info[cols[0]!] = cols.slice(1).join(sep);
        return;
      }
      // english: mfscli's own section title
      case 'all chunks matrix': {
        const key = cols[0] ?? '';
        const cls = /^chunkclass (.+):$/.exec(key);
        if (cls) {
          const name = CLASS_KEYS[cls[1]!];
          const value = parseNumber(cols[1]);
          if (!name || value === undefined) return bad('mfscli.parse.chunkClass');
          report.sections.add('IC');
          report.chunkClasses ??= emptyChunkClasses();
          report.chunkClasses[name] = value;
        } else if (key === 'goal/copies/chunks:') {
          const [goal, copies, chunks] = cols.slice(1).map(parseNumber);
          if (goal === undefined || copies === undefined || chunks === undefined) return bad('mfscli.parse.goalMatrix');
          report.goalMatrix.push({ goal, copies, chunks });
        }
        return;
      }
      case 'chunk servers': {
        if (cols.length < 14) return bad('mfscli.parse.chunkServersShort');
        const [ip, port, id, labels, version, loadText, maint, chunks, used, total, removalStatus, tdChunks, tdUsed, tdTotal] = cols;
        const load = parseLoad(loadText!);
        const nums = [port, id, chunks, used, total, tdChunks, tdUsed, tdTotal].map(parseNumber);
        if (!load || nums.some((n) => n === undefined)) return bad('mfscli.parse.chunkServersNumber');
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
      // english: mfscli's own section title
      case 'Disconnected chunk servers': {
        const [ip, port, id, maint] = cols;
        const p = parseNumber(port);
        if (!ip || p === undefined) return bad('mfscli.parse.disconnected');
        report.sections.add('CS');
        report.disconnected.push({ ip, port: p, id: parseNumber(id) ?? 0, maintenance: maintenanceOf(maint) });
        return;
      }
      case 'storage classes': {
        const row = parseStorageClass(cols);
        if (!row) return bad('mfscli.parse.storageClasses');
        report.sections.add('SC');
        (report.storageClasses ??= []).push(row);
        return;
      }
      case 'active quotas': {
        const row = parseQuota(cols);
        if (!row) return bad('mfscli.parse.quotas');
        report.sections.add('QU');
        (report.quotas ??= []).push(row);
        return;
      }
      case 'disks': {
        const row = parseDisk(cols);
        if (!row) return bad('mfscli.parse.disks');
        report.sections.add('HD');
        (report.disks ??= []).push(row);
        return;
      }
      // english: mfscli's own section title
      case 'metadata backup loggers': {
        if (cols.length < 2) return bad('mfscli.parse.metaloggers');
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

/** `-` → undefined; a number → the number; anything else → NaN (the caller rejects the row). */
function optionalNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === '-') return undefined;
  return parseNumber(text) ?? Number.NaN;
}

/** mfscli prints a zero count of under/over-goal copies as `-` and a missing triple as `- - -`. */
function copyTriple(under: string | undefined, exact: string | undefined, over: string | undefined): StorageClassRow['standard'] | undefined {
  const e = parseNumber(exact);
  if (e === undefined) return undefined;
  return { under: parseNumber(under) ?? 0, exact: e, over: parseNumber(over) ?? 0 };
}

function parseStorageClass(cols: string[]): StorageClassRow | undefined {
  if (cols.length < 22) return undefined;
  const [id, name, admin, mode, files, dirs, su, se, so, au, ae, ao, cc, cg, cl, kc, kg, kl, ac, ag, al, delay] = cols;
  const nums = [id, files, dirs, cg, kg, ag].map(parseNumber);
  if (nums.some((n) => n === undefined)) return undefined;
  const stage = (can: string, goal: number, labels: string): StorageClassStage => ({ canBeFulfilled: can, goal, labels });
  const d = /^(\d+)d$/.exec(delay ?? '');
  return {
    id: nums[0]!,
    name: name!,
    adminOnly: admin === 'YES',
    mode: mode!,
    files: nums[1]!,
    dirs: nums[2]!,
    standard: copyTriple(su, se, so),
    archived: copyTriple(au, ae, ao),
    create: stage(cc!, nums[3]!, cl!),
    keep: stage(kc!, nums[4]!, kl!),
    archive: stage(ac!, nums[5]!, al!),
    ...(d ? { archiveDelayDays: Number(d[1]) } : {}),
  };
}

function parseQuota(cols: string[]): QuotaRow | undefined {
  if (cols.length < 16) return undefined;
  const [path, exceeded, grace, ttb] = cols;
  const limits = cols.slice(4, 12).map(optionalNumber);
  const current = cols.slice(12, 16).map(parseNumber);
  if (limits.some((n) => Number.isNaN(n)) || current.some((n) => n === undefined)) return undefined;
  const values = (v: (number | undefined)[]): QuotaValues => ({ inodes: v[0], length: v[1], size: v[2], real: v[3] });
  return {
    path: path!,
    exceeded: exceeded === 'yes',
    gracePeriodS: parseNumber(grace),
    timeToBlockS: ttb === 'expired' ? 0 : parseNumber(ttb),
    soft: values(limits.slice(0, 4)),
    hard: values(limits.slice(4, 8)),
    current: values(current) as Required<QuotaValues>,
  };
}

function parseDisk(cols: string[]): DiskRow | undefined {
  if (cols.length < 6) return undefined;
  // `ip:port:path`: the path itself may hold colons.
  const m = /^([^:]+):(\d+):(.*)$/.exec(cols[0]!);
  const chunks = parseNumber(cols[1]);
  if (!m || chunks === undefined) return undefined;
  const row: DiskRow = { ip: m[1]!, port: Number(m[2]), path: m[3]!, chunks, status: cols[3] ?? '' };
  // english: mfscli's own words
  const err = cols[2] === 'no errors' ? undefined : parseNumber(cols[2]);
  if (err !== undefined) row.lastErrorTime = err;
  if (cols[12] === 'progress:') {
    row.scanProgress = parseNumber(cols[13]);
    return row;
  }
  if (cols.length < 14) return undefined;
  row.used = parseNumber(cols[12]);
  row.total = parseNumber(cols[13]);
  return row.used === undefined || row.total === undefined ? undefined : row;
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
