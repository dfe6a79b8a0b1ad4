// Finding the inventory the operator means, and opening a cluster connection for a run.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GlobalOptions } from './main.ts';
import { EXIT, UserError } from './errors.ts';
import type { Inventory } from '../inventory/types.ts';

/** Where the inventory comes from: --inventory, --lab, the remembered one, or the lab when it is up. */
export async function inventoryPathFor(g: GlobalOptions): Promise<{ file?: string; source: string }> {
  if (g.inventory) return { file: resolve(g.inventory), source: '--inventory' };
  const { labInventoryPath } = await import('../lab/paths.ts');
  if (g.lab) {
    const file = labInventoryPath();
    if (!existsSync(file)) throw new UserError('the practice cluster is not up: run `mfs-tui lab up` first', EXIT.usage);
    return { file, source: '--lab' };
  }
  const { rememberedInventory } = await import('../state/config.ts');
  const remembered = rememberedInventory();
  if (remembered && existsSync(remembered)) return { file: remembered, source: 'remembered' };
  const lab = labInventoryPath();
  if (existsSync(lab)) return { file: lab, source: 'practice cluster' };
  return { source: 'none' };
}

export async function loadInventoryFor(g: GlobalOptions, opts: { remember: boolean }): Promise<Inventory> {
  const { file } = await inventoryPathFor(g);
  if (!file) {
    throw new UserError(
      'no inventory: pass --inventory FILE (see README, "Inventory"), or --lab after `mfs-tui lab up`',
      EXIT.usage,
    );
  }
  if (!existsSync(file)) throw new UserError(`${file}: no such inventory file`, EXIT.usage);
  const { loadInventory } = await import('../inventory/load.ts');
  const inv = await loadInventory(file);
  if (opts.remember) {
    const { rememberInventory } = await import('../state/config.ts');
    rememberInventory(file);
  }
  return inv;
}
