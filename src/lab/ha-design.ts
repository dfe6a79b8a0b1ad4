// The keepalived files of the practice cluster's quick build (`lab up --fast`): taken from
// runbooks/keepalived-ha.md and filled in for the lab's hosts, so the quick lab runs the
// HA design the runbook installs (drills and triage see the same cluster either way), and
// the two cannot drift apart. Pure: the runbook's text in, file contents out.
import fs from 'node:fs';
import path from 'node:path';
import type { Inventory } from '../inventory/types.ts';
import { builtinRunbookDir } from '../runbook/catalog.ts';
import { parseRunbook } from '../runbook/parse.ts';
import { buildVariables, renderScript } from '../runbook/template.ts';
import type { Runbook } from '../runbook/types.ts';
import { LAB_CHUNK_FOLDERS, LAB_CLUSTER, PREFIX_LEN, VIP, VIP_INTERFACE, type LabHostPlan } from './layout.ts';
import { runbookInputs } from './runbook-build.ts';

/** What keepalived-ha writes into /etc/keepalived on a master candidate, by file name. */
export interface HaFiles {
  'keepalived.conf': string;
  'mfs-role.sh': string;
  'mfs-check.sh': string;
  'mfs-chunkservers': string;
}

let cached: Runbook | undefined;

function keepalivedHa(): Runbook {
  if (cached) return cached;
  const file = path.join(builtinRunbookDir(), 'keepalived-ha.md');
  const { runbook, problems } = parseRunbook(fs.readFileSync(file, 'utf8'), file);
  // english: the shipped runbook is broken: a developer's error, never an operator's
  if (!runbook) throw new Error(`${file} does not parse: ${problems.map((p) => p.message).join('; ')}`);
  cached = runbook;
  return runbook;
}

/** The lab's inventory as the runbooks see it (what `inventoryYaml` writes, logged in as root). */
export function labInventory(hosts: LabHostPlan[]): Inventory {
  return {
    cluster: LAB_CLUSTER,
    vip: { address: VIP, interface: VIP_INTERFACE, prefix: PREFIX_LEN },
    paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' },
    hosts: hosts.map((h) => ({
      name: h.name,
      address: h.address,
      port: 22,
      user: 'root',
      agent: false,
      become: false,
      roles: h.roles,
      ...(h.roles.includes('chunkserver') ? { chunkFolders: [...LAB_CHUNK_FOLDERS] } : {}),
    })),
    knownHosts: [],
    file: 'inventory.yaml',
  };
}

/** The body of the heredoc that starts with `opener` in a script. */
function heredocBody(script: string, opener: string, where: string): string {
  const start = script.indexOf(opener);
  if (start < 0) throw new Error(`keepalived-ha#${where}: no \`${opener.trim()}\``);
  const body = script.slice(start + opener.length);
  const end = body.indexOf('\nEOF\n');
  // english: the shipped runbook changed: a developer's error
  if (end < 0) throw new Error(`keepalived-ha#${where}: the heredoc has no EOF line`);
  return body.slice(0, end + 1);
}

/** keepalived-ha's files for master candidate `host`, as its steps write them with the lab's inputs. */
export function keepalivedHaFiles(host: LabHostPlan, all: LabHostPlan[]): HaFiles {
  const rb = keepalivedHa();
  const inv = labInventory(all);
  const me = inv.hosts.find((h) => h.name === host.name)!;
  const inputs = runbookInputs(all)['keepalived-ha']!;
  const vars = buildVariables(inv, inputs, me);
  const script = (stepId: string) => {
    const block = rb.steps.find((s) => s.id === stepId)?.commands[0];
    // english: the shipped runbook changed: a developer's error
    if (!block) throw new Error(`keepalived-ha has no step ${stepId}`);
    const { text, missing, unsafe } = renderScript(block.script, vars);
    // english: the lab's inputs and the shipped runbook disagree: a developer's error
    if (missing.length || unsafe.length) throw new Error(`keepalived-ha#${stepId}: no usable value for ${[...missing, ...unsafe].join(', ')}`);
    return { raw: block.script, text };
  };

  const role = heredocBody(script('role-script').text, "cat > /etc/keepalived/mfs-role.sh.new <<'EOF'\n", 'role-script');
  const check = heredocBody(script('check-script').text, "cat > /etc/keepalived/mfs-check.sh.new <<'EOF'\n", 'check-script');

  // keepalived.conf is an unquoted heredoc: the shell fills in $prio, $src and $peers. They
  // are computed here by the step's own rules, read from its text.
  const conf = script('keepalived-conf');
  const prio = /prio=(\d+); \[ "\{\{\{host\.name\}\}\}" = "\{\{\{inputs\.first\}\}\}" \] && prio=(\d+)/.exec(conf.raw);
  const peerLine = /peers="\$peers( *)\$p([^\n"]*)\n"/.exec(conf.raw);
  // english: the shipped runbook changed: a developer's error
  if (!prio || !peerLine) throw new Error('keepalived-ha#keepalived-conf: its priority or unicast_peer rule changed: update src/lab/ha-design.ts');
  const priority = host.name === inputs.first ? prio[2]! : prio[1]!;
  const peers = all
    .filter((h) => h.roles.includes('master-candidate') && h.address !== host.address)
    .map((h) => `${peerLine[1]}${h.address}${peerLine[2]}\n`)
    .join('');
  const confText = heredocBody(conf.text, '<<EOF\n', 'keepalived-conf').replaceAll('$prio', priority).replaceAll('$src', host.address).replaceAll('$peers', peers);
  // Anything else the shell would expand would differ from what the runbook writes.
  // english: the shipped runbook changed: a developer's error
  if (/[$`\\]/.test(confText)) throw new Error('keepalived-ha#keepalived-conf: its heredoc expands more than $prio, $src and $peers: update src/lab/ha-design.ts');

  // The chunkserver-list step with a given list: one address a line, sorted, each once.
  const list = [...new Set(inputs.chunkservers!.split(' ').filter(Boolean))].sort();
  return { 'keepalived.conf': confText, 'mfs-role.sh': role, 'mfs-check.sh': check, 'mfs-chunkservers': list.join('\n') + '\n' };
}
