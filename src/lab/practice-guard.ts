// The practice cluster and a real cluster are never taken for each other: the name `lab` is
// the practice cluster's (`--cluster lab`, its journals, its metrics), and the practice
// cluster's files (the lab folder) are never a real cluster's inventory. Pure: callers pass
// the lab folder and the inventory's own name.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { LAB_CLUSTER } from './layout.ts';
import { t } from '../i18n/index.ts';

/** The practice cluster's name, in any letter case (`Lab` read aloud is `lab`). */
export function isPracticeName(name: string): boolean {
  return name.toLowerCase() === LAB_CLUSTER;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** True for a file inside the practice cluster's folder (its inventory, the tests' inventories beside it). */
export function isPracticeFile(file: string, labFolder: string): boolean {
  const rel = path.relative(real(labFolder), real(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * Why a registry name cannot stand for this inventory, or undefined when it can: `lab` only
 * for the practice cluster's own files; any other name never for them, nor for an inventory
 * that calls itself `lab`.
 */
export function practiceMixUp(registryName: string, file: string, inventoryCluster: string, labFolder: string): string | undefined {
  const practiceFile = isPracticeFile(file, labFolder);
  if (isPracticeName(registryName)) {
    return practiceFile ? undefined : t('lab.guard.nameIsPractice', { name: registryName, lab: LAB_CLUSTER, file });
  }
  if (practiceFile) return t('lab.guard.fileIsPractice', { file, lab: LAB_CLUSTER, name: registryName });
  if (isPracticeName(inventoryCluster)) return t('lab.guard.inventoryCalledLab', { file, cluster: inventoryCluster });
  return undefined;
}
