// Files that say what runs or whom to trust (runbooks, inventories, known_hosts, ssh_config)
// are used only when no other user on this machine can change them, as OpenSSH's StrictModes
// and sudo check theirs: the file and every folder above it (the path as given and, through
// symlinks, the file it resolves to) must be owned by the operator, root or the owner of
// mfs-tui's own files, and not writable by every user. A folder writable by every user lets
// anyone replace or add files in it, unless it has the sticky bit (/tmp), where only the
// owner of an entry may rename or remove it, so its entries' owners are checked instead.
// Group-writable files are left alone (user private groups make them common).
import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { t } from '../i18n/index.ts';

const S_ISVTX = 0o1000;

function mode(st: Stats): string {
  return (st.mode & 0o7777).toString(8).padStart(4, '0');
}

let trusted: Set<number> | undefined;

/** Root, the operator, and whoever owns mfs-tui's own code (who could change what runs anyway). */
function trustedOwners(): Set<number> {
  if (trusted) return trusted;
  trusted = new Set([0]);
  if (typeof process.getuid === 'function') trusted.add(process.getuid());
  try {
    trusted.add(statSync(fileURLToPath(import.meta.url)).uid);
  } catch {
    // A bundle without a file URL: root and the operator only.
  }
  return trusted;
}

function componentProblem(path: string, st: Stats, what: 'file' | 'folder'): string | undefined {
  if (typeof process.getuid === 'function' && !trustedOwners().has(st.uid)) {
    return what === 'file' ? t('trust.fileOwner', { uid: st.uid }) : t('trust.folderOwner', { path, uid: st.uid });
  }
  if (what === 'folder' && st.isDirectory() && st.mode & 0o002 && !(st.mode & S_ISVTX)) {
    return t('trust.folderWritable', { path, mode: mode(st) });
  }
  if (what === 'file' && st.isFile() && st.mode & 0o002) {
    return t('trust.fileWritable', { mode: mode(st) });
  }
  return undefined;
}

/** The problem of one chain: the path (when it exists) and each folder above it, up to /. */
function chainProblem(path: string): string | undefined {
  let p = resolve(path);
  let first = true;
  for (;;) {
    let st: Stats | undefined;
    try {
      st = lstatSync(p);
    } catch {
      // Not there (yet): a known_hosts file written later; its folder is what counts now.
    }
    if (st) {
      const problem = componentProblem(p, st, first ? 'file' : 'folder');
      if (problem) return problem;
    }
    first = false;
    const up = dirname(p);
    if (up === p) return undefined;
    p = up;
  }
}

/**
 * Why another user could change the file at `path` (or plant it, when it does not exist
 * yet), or undefined when only the operator, root or mfs-tui's owner can. The message names
 * the file or folder at fault and how to fix it.
 */
export function othersCanChange(path: string): string | undefined {
  const given = chainProblem(path);
  if (given) return given;
  // Through symlinks: the nearest part of the path that exists, resolved, and the rest of the path.
  const abs = resolve(path);
  let existing = abs;
  let rest = '';
  for (;;) {
    try {
      const real = realpathSync(existing);
      const target = rest ? resolve(real, rest) : real;
      return target === abs ? undefined : chainProblem(target);
    } catch {
      const up = dirname(existing);
      if (up === existing) return undefined;
      rest = rest ? `${existing.slice(up.length + (up.endsWith('/') ? 0 : 1))}/${rest}` : existing.slice(up.length + (up.endsWith('/') ? 0 : 1));
      existing = up;
    }
  }
}
