// `mfs-tui clusters`: the named clusters of this laptop (name → inventory file), and
// importing one from an Ansible inventory.
import { spawnSync } from 'node:child_process';
import { readLimitedText } from '../../src/runbook/limits.ts';
import { othersCanChange } from '../../src/util/trusted-path.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { stringify } from 'yaml';
import { EXIT, UserError } from './errors.ts';
import { CLUSTER_ENV } from './context.ts';
import { cells, padCells } from '../../src/util/cells.ts';
import { t } from '../../src/i18n/index.ts';
import { LAB_CLUSTER } from '../../src/lab/layout.ts';
import { labDir } from '../../src/lab/paths.ts';
import { isPracticeName, practiceMixUp } from '../../src/lab/practice-guard.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

function checkName(name: string, what = t('cli.clusters.word.clusterName')): void {
  if (!NAME.test(name)) throw new UserError(t('cli.clusters.error.badName', { what, name }), EXIT.usage);
  // `--cluster lab` is always the practice cluster: a real one by that name would be picked in its place, or the reverse.
  if (isPracticeName(name)) throw new UserError(t('cli.clusters.error.practiceName', { what, name, lab: LAB_CLUSTER }), EXIT.usage);
}

async function registry() {
  return import('../../src/state/config.ts');
}

export async function clustersList(opts: { json?: boolean }): Promise<void> {
  const { namedClusters, rememberedInventory } = await registry();
  const clusters = namedClusters();
  const { parseInventory } = await import('../../src/inventory/load.ts');
  const current = process.env[CLUSTER_ENV]?.trim();
  const remembered = rememberedInventory();
  const rows: { name: string; inventory: string; cluster?: string; hosts?: number; problem?: string; selected: boolean }[] = [];
  for (const [name, file] of clusters) {
    let row: (typeof rows)[number] = { name, inventory: file, selected: name === current };
    try {
      // Parsed and checked, without resolving each host through ssh_config: a list stays fast.
      const { data } = parseInventory(fs.readFileSync(file, 'utf8'), file);
      row = { ...row, cluster: data.cluster, hosts: data.hosts.length };
    } catch (err) {
      row.problem = fs.existsSync(file) ? (err as Error).message.split('\n')[0] : t('cli.clusters.inventoryMissing');
    }
    rows.push(row);
  }
  if (opts.json) {
    process.stdout.write(JSON.stringify({ clusters: rows, env: current ?? null, remembered: remembered ?? null }) + '\n');
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(t('cli.clusters.none') + '\n');
    return;
  }
  const w = Math.max(...rows.map((r) => cells(r.name)), 4);
  for (const r of rows) {
    const mark = r.selected ? `  ← ${CLUSTER_ENV}` : r.inventory === remembered ? t('cli.clusters.usedLast') : '';
    const what = r.problem
      ? t('cli.clusters.problem', { problem: r.problem })
      : r.cluster !== r.name
        ? t('cli.clusters.hostsCalled', { count: r.hosts ?? 0, cluster: r.cluster ?? '' })
        : t('cli.clusters.hosts', { count: r.hosts ?? 0 });
    process.stdout.write(`${padCells(r.name, w)}  ${r.inventory}  ${what}${mark}\n`);
  }
  process.stdout.write('\n' + t('cli.clusters.pick', { env: CLUSTER_ENV }) + '\n');
}

export async function clustersAdd(name: string, file: string, opts: { force?: boolean }): Promise<void> {
  checkName(name);
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UserError(t('cli.clusters.error.noInventory', { file: abs }), EXIT.usage);
  const { loadInventory } = await import('../../src/inventory/load.ts');
  const inv = await loadInventory(abs); // the same checks as every command: a bad field is named here, not at 3 a.m.
  const mixUp = practiceMixUp(name, abs, inv.cluster, labDir());
  if (mixUp) throw new UserError(t('cli.clusters.error.notAdded', { why: mixUp }), EXIT.usage);
  const { namedClusters, saveNamedClusters } = await registry();
  const clusters = namedClusters();
  const before = clusters.get(name);
  if (before && before !== abs && !opts.force) {
    throw new UserError(t('cli.clusters.error.existsForce', { name, file: before }), EXIT.usage);
  }
  for (const [other, f] of clusters) {
    if (other !== name && f === abs) throw new UserError(t('cli.clusters.error.alreadyCluster', { file: abs, name: other }), EXIT.usage);
  }
  clusters.set(name, abs);
  saveNamedClusters(clusters);
  const added =
    inv.cluster !== name ? t('cli.clusters.addedCalled', { name, file: abs, count: inv.hosts.length, cluster: inv.cluster }) : t('cli.clusters.added', { name, file: abs, count: inv.hosts.length });
  process.stdout.write(added + '\n');
}

export async function clustersRename(from: string, to: string): Promise<void> {
  checkName(to, t('cli.clusters.word.newName'));
  const { namedClusters, saveNamedClusters } = await registry();
  const clusters = namedClusters();
  const file = clusters.get(from);
  if (!file) throw new UserError(t('cli.clusters.error.noSuch', { name: from, known: [...clusters.keys()].join(', ') || t('cli.clusters.word.none') }), EXIT.usage);
  if (clusters.has(to)) throw new UserError(t('cli.clusters.error.exists', { name: to }), EXIT.usage);
  clusters.delete(from);
  clusters.set(to, file);
  saveNamedClusters(clusters);
  process.stdout.write(t('cli.clusters.renamed', { from, to, file }) + '\n');
}

export async function clustersRemove(name: string): Promise<void> {
  const { namedClusters, saveNamedClusters } = await registry();
  const clusters = namedClusters();
  const file = clusters.get(name);
  if (!file) throw new UserError(t('cli.clusters.error.noSuch', { name, known: [...clusters.keys()].join(', ') || t('cli.clusters.word.none') }), EXIT.usage);
  clusters.delete(name);
  saveNamedClusters(clusters);
  process.stdout.write(t('cli.clusters.removed', { name, file }) + '\n');
}

export interface ImportCliOptions {
  map: Record<string, string>;
  vip?: string;
  vipInterface?: string;
  output?: string;
  yes?: boolean;
  /** Read the file here even when Ansible is installed. */
  noAnsible?: boolean;
}

export async function clustersImport(name: string, source: string, opts: ImportCliOptions): Promise<void> {
  checkName(name);
  const abs = path.resolve(source);
  if (!fs.existsSync(abs)) throw new UserError(t('cli.clusters.error.noAnsible', { file: abs }), EXIT.usage);
  const ansible = await import('../../src/inventory/ansible.ts');
  const { namedClusters, saveNamedClusters, configPath } = await registry();
  const clusters = namedClusters();
  if (clusters.has(name)) throw new UserError(t('cli.clusters.error.existsImport', { name, file: clusters.get(name)! }), EXIT.usage);
  const { data, byAnsible } = readAnsible(abs, Boolean(opts.noAnsible), ansible);
  const via = byAnsible ? 'ansible-inventory --list' : t(opts.noAnsible ? 'cli.clusters.readHereAsked' : 'cli.clusters.readHere');
  let result;
  try {
    result = ansible.toMfsInventory(data, { cluster: name, map: opts.map, vip: parseVip(opts.vip, opts.vipInterface) });
  } catch (err) {
    if (err instanceof ansible.AnsibleInventoryError) throw new UserError(`${abs}: ${err.message}`, EXIT.usage);
    throw err;
  }
  // The saved file's comment is the same in every language.
  // english: a comment in the saved file, not a message
  const yamlText = `# Imported by mfs-tui from ${abs} (${byAnsible ? 'ansible-inventory --list' : 'read by mfs-tui'}) on ${new Date().toISOString()}.\n${stringify(result.inventory)}`;
  const target = path.resolve(opts.output ?? path.join(path.dirname(configPath()), 'clusters', `${name}.yaml`));
  // Validate exactly the text that would be saved, with the checks every command applies.
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfs-tui-import-'));
  const tmp = path.join(tmpDir, `${name}.yaml`);
  fs.writeFileSync(tmp, yamlText, { mode: 0o600 });
  try {
    const { loadInventory, InventoryError, formatInventoryProblems } = await import('../../src/inventory/load.ts');
    try {
      await loadInventory(tmp);
    } catch (err) {
      if (err instanceof InventoryError) {
        const problems = formatInventoryProblems(err.problems).replaceAll(tmp, t('cli.clusters.imported', { name }));
        throw new UserError(`${t('cli.clusters.error.importInvalid')}\n${problems}\n\n${yamlText}`, EXIT.usage);
      }
      throw err;
    }
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  process.stdout.write(`${t('cli.clusters.importedFrom', { file: abs, via })}\n\n${yamlText}\n`);
  for (const n of result.notes) process.stdout.write(t('cli.clusters.note', { note: n }) + '\n');
  if (fs.existsSync(target)) throw new UserError(t('cli.clusters.error.targetExists', { file: target }), EXIT.usage);
  if (!opts.yes) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      throw new UserError(t('cli.clusters.error.reviewFirst', { file: target, name }), EXIT.usage);
    }
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    // The answer is `yes` in every language (what is typed is what is checked).
    const answer = (await rl.question(t('cli.clusters.saveQuestion', { name, file: target }))).trim();
    rl.close();
    if (answer !== 'yes') {
      process.stdout.write(t('cli.clusters.notSaved') + '\n');
      process.exitCode = EXIT.failed;
      return;
    }
  }
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  fs.writeFileSync(target, yamlText, { mode: 0o600, flag: 'wx' });
  clusters.set(name, target);
  saveNamedClusters(clusters);
  process.stdout.write(t('cli.clusters.saved', { file: target, name }) + '\n');
}

function parseVip(vip: string | undefined, iface: string | undefined): { address: string; prefix: number; interface: string } | undefined {
  if (vip === undefined) {
    if (iface !== undefined) throw new UserError(t('cli.clusters.error.vipInterface'), EXIT.usage);
    return undefined;
  }
  const m = /^([^/]+)\/(\d{1,3})$/.exec(vip);
  if (!m) throw new UserError(t('cli.clusters.error.badVip', { vip }), EXIT.usage);
  return { address: m[1]!, prefix: Number(m[2]), interface: iface ?? 'eth0' };
}

type AnsibleModule = typeof import('../../src/inventory/ansible.ts');

/** `ansible-inventory --list` when Ansible is installed, else the file read here. */
function readAnsible(file: string, noAnsible: boolean, ansible: AnsibleModule): { data: import('../../src/inventory/ansible.ts').AnsibleInventory; byAnsible: boolean } {
  // ansible-inventory runs an executable inventory as a script: what another user could change is not read at all.
  const others = othersCanChange(file);
  if (others) throw new UserError(t('cli.clusters.error.notRead', { file, why: others }), EXIT.usage);
  const have = !noAnsible && spawnSync('ansible-inventory', ['--version'], { stdio: 'ignore' }).status === 0;
  if (have) {
    const r = spawnSync('ansible-inventory', ['-i', file, '--list'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
    if (r.status !== 0) {
      throw new UserError(`${t('cli.clusters.error.ansibleFailed', { file, exit: String(r.status ?? r.signal) })}\n${(r.stderr ?? '').trim().split('\n').slice(-8).join('\n')}`, EXIT.usage);
    }
    // ansible-inventory warns (and prints an empty inventory) when it could not parse the file.
    if (/Unable to parse|No inventory was parsed/.test(r.stderr ?? '')) {
      throw new UserError(`${t('cli.clusters.error.ansibleParse', { file })}\n${(r.stderr ?? '').trim().split('\n').slice(-8).join('\n')}`, EXIT.usage);
    }
    try {
      return { data: ansible.fromAnsibleListJson(r.stdout), byAnsible: true };
    } catch (err) {
      throw new UserError(`${file}: ${(err as Error).message}`, EXIT.usage);
    }
  }
  // A regular file of at most 1 MB that no other user can change, checked before a byte is read (not /dev/zero, not a FIFO).
  const read = readLimitedText(file);
  if ('problem' in read) throw new UserError(`${file}: ${read.problem.message}`, EXIT.usage);
  const text = read.text;
  try {
    return { data: ansible.parseAnsibleInventory(text, file), byAnsible: false };
  } catch (err) {
    if (err instanceof ansible.AnsibleInventoryError) throw new UserError(err.message, EXIT.usage);
    throw err;
  }
}
