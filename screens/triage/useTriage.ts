// The live triage: the status poller's snapshot judged by src/triage on every update.
import { useMemo } from 'react';
import type { ClusterStatus } from '../../src/status/model.ts';
import { triage, type TriageReport, type TriageRunbook } from '../../src/triage/index.ts';
import { useClusterStatus, type StatusStore } from '../status/useStatus.ts';

/** Every host answered or failed once, and mfscli did: before that "no findings" would mean nothing. */
export function probedOnce(s: ClusterStatus): boolean {
  return s.hosts.every((h) => h.okAt !== undefined || h.error !== undefined) && (s.mfs.okAt !== undefined || s.mfs.error !== undefined);
}

export function useTriage(store: StatusStore, library: readonly TriageRunbook[]): { ready: boolean; report: TriageReport } {
  const status = useClusterStatus(store);
  const report = useMemo(() => triage(status, library), [status, library]);
  return { ready: probedOnce(status), report };
}
