// The parts of a deployed keepalived.conf that set how fast a failover happens: every
// vrrp_script (interval, fall, rise, timeout, weight) and every vrrp_instance (priority,
// advert_int, which scripts it tracks, its notify_master). Pure; defaults as keepalived's
// own (keepalived.conf(5)). The probe strips auth_pass on the host before the text leaves it.

export interface VrrpScriptConf {
  name: string;
  script?: string;
  /** Seconds between runs (default 1). */
  interval: number;
  /** Failures in a row before the instance goes FAULT (default 1). */
  fall: number;
  rise: number;
  /** Seconds before a run counts as failed (default: the interval). */
  timeout: number;
  /** 0: failing means FAULT (the VIP is released); otherwise a priority change. */
  weight: number;
}

export interface VrrpInstanceConf {
  name: string;
  state?: string;
  priority: number;
  /** The VRRP version it runs: its `version`, else global_defs' `vrrp_version`, else 2 (3 for an IPv6 VIP). */
  version: 2 | 3;
  /**
   * Seconds between adverts as keepalived runs them: VRRPv2 rounds `advert_int` to whole
   * seconds (at least 1; 0.5 becomes 1), VRRPv3 to centiseconds (default 1).
   */
  advertInt: number;
  /** Unicast peers (`unicast_peer`): adverts go only to them; empty means multicast. */
  unicastPeers: string[];
  nopreempt: boolean;
  trackScripts: { name: string; weight?: number }[];
  notifyMaster?: string;
  notify?: string;
}

export interface KeepalivedConf {
  scripts: VrrpScriptConf[];
  instances: VrrpInstanceConf[];
}

type Node = { key: string; args: string[]; children?: Node[] };

/** keepalived's syntax: words and "quoted strings", `{ }` blocks, `#` and `!` comments. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const raw of text.split('\n')) {
    const re = /"([^"]*)"|'([^']*)'|([{}])|([^\s{}"']+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(raw))) {
      const word = m[4];
      if (word !== undefined && (word.startsWith('#') || word.startsWith('!'))) break;
      tokens.push(m[1] ?? m[2] ?? m[3] ?? word!);
    }
    tokens.push('\n');
  }
  return tokens;
}

function parseNodes(tokens: string[], at: { i: number }): Node[] {
  const nodes: Node[] = [];
  let line: string[] = [];
  const flush = (children?: Node[]) => {
    if (line.length) nodes.push({ key: line[0]!, args: line.slice(1), ...(children ? { children } : {}) });
    else if (children) nodes.push({ key: '', args: [], children });
    line = [];
  };
  while (at.i < tokens.length) {
    const t = tokens[at.i++]!;
    if (t === '\n') flush();
    else if (t === '{') {
      const children = parseNodes(tokens, at);
      flush(children);
    } else if (t === '}') {
      flush();
      return nodes;
    } else line.push(t);
  }
  flush();
  return nodes;
}

const num = (v: string | undefined, dflt: number): number => {
  const n = v === undefined ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : dflt;
};

/** advert_int as keepalived 2.2 runs it (vrrp.c, vrrp_complete_instance): v2 whole seconds 1-255, v3 centiseconds up to 40.95. */
export function effectiveAdvertInt(configured: number, version: 2 | 3): number {
  if (version === 2) return Math.min(255, Math.max(1, Math.floor(configured + 0.5)));
  return Math.min(40.95, Math.max(0.01, Math.round(configured * 100) / 100));
}

const versionOf = (v: string | undefined): 2 | 3 | undefined => (v === '2' ? 2 : v === '3' ? 3 : undefined);

export function parseKeepalivedConf(text: string): KeepalivedConf {
  const nodes = parseNodes(tokenize(text), { i: 0 });
  const scripts: VrrpScriptConf[] = [];
  const instances: VrrpInstanceConf[] = [];
  const globalVersion = versionOf(nodes.find((n) => n.key === 'global_defs')?.children?.find((c) => c.key === 'vrrp_version')?.args[0]);
  for (const n of nodes) {
    const kids = n.children ?? [];
    const val = (k: string) => kids.find((c) => c.key === k)?.args[0];
    if (n.key === 'vrrp_script' && n.args[0]) {
      const interval = num(val('interval'), 1);
      scripts.push({
        name: n.args[0],
        script: kids.find((c) => c.key === 'script')?.args.join(' '),
        interval,
        fall: Math.max(1, num(val('fall'), 1)),
        rise: Math.max(1, num(val('rise'), 1)),
        timeout: num(val('timeout'), interval),
        weight: num(val('weight'), 0),
      });
    } else if (n.key === 'vrrp_instance' && n.args[0]) {
      const track = kids.find((c) => c.key === 'track_script')?.children ?? [];
      const vips = (kids.find((c) => c.key === 'virtual_ipaddress')?.children ?? []).map((c) => c.key);
      const version = versionOf(val('version')) ?? globalVersion ?? (vips.some((a) => a.includes(':')) ? 3 : 2);
      instances.push({
        name: n.args[0],
        state: val('state'),
        priority: num(val('priority'), 100),
        version,
        advertInt: effectiveAdvertInt(num(val('advert_int'), 1), version),
        unicastPeers: (kids.find((c) => c.key === 'unicast_peer')?.children ?? []).filter((c) => c.key).map((c) => c.key),
        nopreempt: kids.some((c) => c.key === 'nopreempt'),
        trackScripts: track
          .filter((t) => t.key)
          .map((t) => {
            const w = t.args.indexOf('weight');
            return { name: t.key, ...(w >= 0 ? { weight: num(t.args[w + 1], 0) } : {}) };
          }),
        notifyMaster: kids.find((c) => c.key === 'notify_master')?.args.join(' '),
        notify: kids.find((c) => c.key === 'notify')?.args.join(' '),
      });
    }
  }
  return { scripts, instances };
}

/** The checks of an instance whose failure sends it to FAULT (weight 0), with their settings. */
export function faultChecks(conf: KeepalivedConf, inst: VrrpInstanceConf): VrrpScriptConf[] {
  return inst.trackScripts.flatMap((t) => {
    const s = conf.scripts.find((x) => x.name === t.name);
    return s && (t.weight ?? s.weight) === 0 ? [s] : [];
  });
}

/**
 * How long a BACKUP waits without adverts before it takes over: 3 × advert_int plus the
 * skew time ((256 − priority) / 256 × advert_int), as RFC 5798 and keepalived compute it.
 */
export function masterDownIntervalS(inst: VrrpInstanceConf): number {
  return 3 * inst.advertInt + ((256 - inst.priority) / 256) * inst.advertInt;
}
