// Host facts that `when=` conditions test: OS family, init system, MooseFS version.
// FACTS_SCRIPT runs on the host (over SSH); parseFacts reads what it printed.

export interface HostFacts {
  /** OS family: debian | rhel | suse | arch | alpine | unknown. */
  os: string;
  /** ID from os-release, e.g. debian, ubuntu, rocky. */
  osId: string;
  /** VERSION_ID from os-release, e.g. 12. */
  osVersion: string;
  init: 'systemd' | 'none';
  /** MooseFS version, e.g. 3.0.117; undefined when no MooseFS program or package was found. */
  mfs?: string;
  hostname: string;
}

/**
 * A POSIX sh snippet that prints `key=value` lines: os_id, os_like, os_version, init,
 * mfs (the raw version line of the first MooseFS program or package found), hostname.
 * It never fails: a missing file or program gives an empty value. sbin folders are
 * added to PATH because a non-root SSH login often lacks them.
 */
export const FACTS_SCRIPT = [
  'PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"',
  'osr=/etc/os-release; [ -r "$osr" ] || osr=/usr/lib/os-release',
  'if [ -r "$osr" ]; then',
  '  ( . "$osr"; printf \'os_id=%s\\nos_like=%s\\nos_version=%s\\n\' "$ID" "$ID_LIKE" "$VERSION_ID" )',
  'elif [ -r /etc/redhat-release ]; then',
  "  printf 'os_id=rhel\\nos_like=rhel\\nos_version=\\n'",
  'elif [ -r /etc/debian_version ]; then',
  '  printf \'os_id=debian\\nos_like=debian\\nos_version=%s\\n\' "$(cat /etc/debian_version)"',
  'fi',
  'if [ -d /run/systemd/system ]; then echo init=systemd; else echo init=none; fi',
  'v=',
  'for p in mfsmaster mfschunkserver mfsmetalogger; do',
  '  if [ -z "$v" ] && command -v "$p" >/dev/null 2>&1; then v=$("$p" -v 2>&1 | sed -n 1p); fi',
  'done',
  'if [ -z "$v" ] && command -v mfsmount >/dev/null 2>&1; then v=$(mfsmount -V 2>&1 | sed -n 1p); fi',
  'if [ -z "$v" ] && command -v dpkg-query >/dev/null 2>&1; then',
  "  v=$(dpkg-query -W -f='${Version}\\n' moosefs-master moosefs-chunkserver moosefs-metalogger moosefs-client moosefs-cli 2>/dev/null | grep -m 1 '^[0-9]')",
  'fi',
  'if [ -z "$v" ] && command -v rpm >/dev/null 2>&1; then',
  "  v=$(rpm -q --qf '%{VERSION}\\n' moosefs-master moosefs-chunkserver moosefs-metalogger moosefs-client moosefs-cli 2>/dev/null | grep -m 1 '^[0-9]')",
  'fi',
  'echo "mfs=$v"',
  'echo "hostname=$(uname -n 2>/dev/null || cat /proc/sys/kernel/hostname)"',
  'exit 0',
].join('\n');

// ID / ID_LIKE words that name an OS family.
const FAMILY_OF: Record<string, string> = {
  debian: 'debian',
  ubuntu: 'debian',
  raspbian: 'debian',
  linuxmint: 'debian',
  devuan: 'debian',
  rhel: 'rhel',
  centos: 'rhel',
  fedora: 'rhel',
  rocky: 'rhel',
  almalinux: 'rhel',
  ol: 'rhel',
  amzn: 'rhel',
  suse: 'suse',
  opensuse: 'suse',
  sles: 'suse',
  'opensuse-leap': 'suse',
  'opensuse-tumbleweed': 'suse',
  arch: 'arch',
  alpine: 'alpine',
};

/** OS family names a `when="os=..."` condition may use (an os-release ID works too). */
export const OS_FAMILIES = ['debian', 'rhel', 'suse', 'arch', 'alpine', 'unknown'] as const;

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && (t[0] === '"' || t[0] === "'") && t.at(-1) === t[0]) return t.slice(1, -1);
  return t;
}

/** The x.y.z version in a line like `version: 3.0.117-1 ; build: 1341` or `MFS version: 3.0.117-1`. */
export function extractMfsVersion(raw: string): string | undefined {
  return /(\d+\.\d+(?:\.\d+)*)/.exec(raw)?.[1];
}

/** Reads FACTS_SCRIPT's output. Unknown keys and junk lines (e.g. a login banner) are ignored. */
export function parseFacts(stdout: string): HostFacts {
  const kv = new Map<string, string>();
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^(os_id|os_like|os_version|init|mfs|hostname)=(.*)$/.exec(line);
    if (m && !kv.has(m[1] as string)) kv.set(m[1] as string, unquote(m[2] as string));
  }
  const osId = (kv.get('os_id') ?? '').toLowerCase();
  const words = [osId, ...(kv.get('os_like') ?? '').toLowerCase().split(/\s+/)].filter(Boolean);
  const os = words.map((w) => FAMILY_OF[w]).find((f) => f !== undefined) ?? 'unknown';
  const mfsRaw = kv.get('mfs') ?? '';
  return {
    os,
    osId: osId || 'unknown',
    osVersion: kv.get('os_version') ?? '',
    init: kv.get('init') === 'systemd' ? 'systemd' : 'none',
    mfs: mfsRaw ? extractMfsVersion(mfsRaw) : undefined,
    hostname: kv.get('hostname') ?? '',
  };
}
