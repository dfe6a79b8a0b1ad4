// The live cluster status of the interactive app: one StatusPoller on the app's cluster
// session (the runner's pooled SSH connections), made and started on first use (a run
// starts, or the status screen opens). It feeds the runner's sidebar and the full status
// screen, checks steps' `requires=` for the engine, and pauses its heavy probe parts on a
// host while a step runs there.
import type { ClusterSession } from '../cluster/session.ts';
import type { JournalRecord } from '../journal/types.ts';
import type { PreconditionGate } from '../engine/types.ts';
import type { StatusPoller } from '../status/poller.ts';
import { pauseWhileStepsRun, statusGate } from '../status/gate.ts';

export interface AppStatus {
  /** Makes (once) and starts the poller; rejects when no cluster session can be opened. */
  open(): Promise<StatusPoller>;
  /** The poller once open() made it. */
  store(): StatusPoller | undefined;
  gate: PreconditionGate;
  /** For the engine's onRecord: pause/resume per host as steps start and end. */
  onRecord(rec: JournalRecord): void;
  stop(): void;
}

export function appStatus(session: () => Promise<ClusterSession>): AppStatus {
  let poller: StatusPoller | undefined;
  let opening: Promise<StatusPoller> | undefined;
  const open = (): Promise<StatusPoller> => {
    opening ??= (async () => {
      const s = await session();
      const { StatusPoller } = await import('../status/poller.ts');
      poller = new StatusPoller(s);
      poller.start();
      return poller;
    })();
    // A failed open (no inventory, SSH refused) is tried again next time.
    opening.catch(() => (opening = undefined));
    return opening;
  };
  return {
    open,
    store: () => poller,
    gate: statusGate(open),
    onRecord: pauseWhileStepsRun({ pause: (h) => poller?.pause(h), resume: (h) => poller?.resume(h) }),
    stop: () => poller?.stop(),
  };
}
