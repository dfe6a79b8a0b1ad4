// Screens read the status poller (a plain store in src/) through useSyncExternalStore.
import { useSyncExternalStore } from 'react';
import type { ClusterStatus, HistoryPoint } from '../../src/status/model.ts';

/** The part of StatusPoller the screens need (tests pass a tiny fake store). */
export interface StatusStore {
  getState(): ClusterStatus;
  getHistory(): readonly HistoryPoint[];
  subscribe(listener: () => void): () => void;
  /** Ask for the chunkservers' disks (mfscli -SHD) while they are shown; absent: never asked. */
  showDisks?(on: boolean): void;
}

export function useClusterStatus(store: StatusStore): ClusterStatus {
  return useSyncExternalStore(store.subscribe, store.getState);
}

export function useStatusHistory(store: StatusStore): readonly HistoryPoint[] {
  return useSyncExternalStore(store.subscribe, store.getHistory);
}
