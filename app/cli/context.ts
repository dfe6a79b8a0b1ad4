// Finding the inventory the operator means, and opening a cluster connection for a run.
import { t } from '../../src/i18n/index.ts';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GlobalOptions } from './options.ts';
import { EXIT, UserError } from './errors.ts';
import type { Inventory } from '../../src/inventory/types.ts';

/** The environment variable that names a cluster like `--cluster` does. */
export const CLUSTER_ENV = 'MFS_TUI_CLUSTER';

export interface InventoryChoice {
  file?: string;
  /** How it was chosen: '--inventory', '--lab', '--cluster', 'MFS_TUI_CLUSTER', 'remembered', 'practice cluster', 'none'. */
  source: string;
  /**
   * True when the operator named the cluster for this very command (command line or
   * environment); false when it was remembered from an earlier session or fell back to the
   * practice cluster. Dangerous work is refused on a cluster nobody named.
   */
  named: boolean;
  /** The registry name, when chosen by name. */
  clusterName?: string;
  /**
   * The inventory's own `cluster:` when it differs from the name the operator gave (a file
   * copied from another cluster and not edited, an entry added under another name). Such a
   * choice counts as not named: the operator asked for one cluster and the file says another.
   */
  calledInFile?: string;
}

/**
 * Where the inventory comes from, first match wins: --inventory, --lab, --cluster,
 * $MFS_TUI_CLUSTER, the remembered one, the practice cluster when it is up.
 */
export async function inventoryPathFor(g: GlobalOptions): Promise<InventoryChoice> {
  const picked = [g.inventory && '--inventory', g.lab && '--lab', g.cluster && '--cluster'].filter(Boolean);
  if (picked.length > 1) throw new UserError(t('cli.error.twoClusterChoices', { options: picked.join(t('cli.error.and')) }), EXIT.usage);
  if (g.inventory) return { file: resolve(g.inventory), source: '--inventory', named: true };
  const { labInventoryPath } = await import('../../src/lab/paths.ts');
  if (g.lab) {
    const file = labInventoryPath();
    if (!existsSync(file)) throw new UserError(t('cli.error.labNotUp'), EXIT.usage);
    return { file, source: '--lab', named: true };
  }
  const envName = process.env[CLUSTER_ENV]?.trim();
  const name = g.cluster ?? (envName ? envName : undefined);
  if (name !== undefined) {
    const source = g.cluster !== undefined ? '--cluster' : CLUSTER_ENV;
    return { file: await namedClusterFile(name, source), source, named: true, clusterName: name };
  }
  const { rememberedInventory } = await import('../../src/state/config.ts');
  const remembered = rememberedInventory();
  if (remembered && existsSync(remembered)) return { file: remembered, source: 'remembered', named: false };
  const lab = labInventoryPath();
  if (existsSync(lab)) return { file: lab, source: 'practice cluster', named: false };
  return { source: 'none', named: false };
}

/** The inventory file of a named cluster; `lab` is always the practice cluster (never a registry entry of that name). */
async function namedClusterFile(name: string, source: string): Promise<string> {
  const [{ namedClusters }, { labInventoryPath }, { isPracticeName }] = await Promise.all([
    import('../../src/state/config.ts'),
    import('../../src/lab/paths.ts'),
    import('../../src/lab/practice-guard.ts'),
  ]);
  if (isPracticeName(name)) {
    if (existsSync(labInventoryPath())) return labInventoryPath();
    throw new UserError(t('cli.error.labNotUp'), EXIT.usage);
  }
  const clusters = namedClusters();
  const file = clusters.get(name);
  if (file) return file;
  const known = [...clusters.keys()];
  throw new UserError(known.length > 0 ? t('cli.error.noSuchClusterKnown', { source, name, known: known.join(', ') }) : t('cli.error.noSuchClusterNone', { source, name }), EXIT.usage);
}

export async function loadInventoryFor(g: GlobalOptions, opts: { remember: boolean }): Promise<Inventory> {
  return (await loadChosenInventory(g, opts)).inventory;
}

/** The inventory with how it was chosen (run and the screen refuse dangerous work on one nobody named). */
export async function loadChosenInventory(g: GlobalOptions, opts: { remember: boolean }): Promise<{ inventory: Inventory; choice: InventoryChoice }> {
  const choice = await inventoryPathFor(g);
  const { file } = choice;
  if (!file) {
    throw new UserError(t('cli.error.noInventory'), EXIT.usage);
  }
  if (!existsSync(file)) {
    throw new UserError(
      choice.clusterName ? t('cli.error.noInventoryFileOfCluster', { file, cluster: choice.clusterName, source: choice.source }) : t('cli.error.noInventoryFile', { file }),
      EXIT.usage,
    );
  }
  const { loadInventory } = await import('../../src/inventory/load.ts');
  const inventory = await loadInventory(file);
  let chosen = choice;
  if (choice.clusterName !== undefined) {
    // A registry entry (or a file edited since it was added) never makes a real name the practice cluster or the reverse.
    const [{ practiceMixUp, isPracticeName }, { labDir }] = await Promise.all([import('../../src/lab/practice-guard.ts'), import('../../src/lab/paths.ts')]);
    const why = practiceMixUp(choice.clusterName, file, inventory.cluster, labDir());
    if (why) throw new UserError(t('cli.error.practiceMixUp', { source: choice.source, name: choice.clusterName, why }), EXIT.usage);
    if (!isPracticeName(choice.clusterName) && inventory.cluster !== choice.clusterName) chosen = { ...choice, named: false, calledInFile: inventory.cluster };
  }
  if (opts.remember) {
    const { rememberInventory } = await import('../../src/state/config.ts');
    rememberInventory(file);
  }
  return { inventory, choice: chosen };
}

/** Why dangerous work is refused on this choice under --yes: nobody named it, or the name given is not the inventory's own. */
export function whyNotNamed(choice: InventoryChoice, inv: Inventory): string {
  if (choice.calledInFile !== undefined) return t('cli.error.nameMismatch', { source: choice.source, name: choice.clusterName ?? '', file: choice.file ?? '', cluster: choice.calledInFile });
  return t('cli.error.notNamed', { source: choice.source, how: howToNameCluster(inv) });
}

/** How to name a cluster for a command, for refusals. */
export function howToNameCluster(inv: Inventory): string {
  return t('cli.error.nameTheCluster', { env: CLUSTER_ENV, cluster: inv.cluster });
}
