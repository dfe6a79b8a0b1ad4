// Content hashes: runbooks, steps and inventories are identified by the sha256 of their text.
import { createHash } from 'node:crypto';

/** Hex sha256 of a string (UTF-8). */
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
