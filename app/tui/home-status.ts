// The live cluster status of the interactive app: one StatusPoller on the app's cluster
// session (the runner's pooled SSH connections), made on first use. It feeds the runner's
// sidebar, the full status screen and triage, checks steps' `requires=` for the engine, and
// pauses its heavy probe parts on a host while a step runs there.
//
// It polls (a sweep every interval) only while a view that shows it is open: the status
// screen, triage, a run. Each such view holds it (hold() → release); when the last one lets
// go, the ticking stops until the next one holds it. The poller, its snapshot and history
// and the SSH session stay: coming back shows the last state at once, and the engine's gate
// still gets a fresh sweep on demand when no view polls.
import type { JournalRecord } from '../../src/journal/types.ts';
import type { PreconditionGate } from '../../src/engine/types.ts';
import type { StatusPoller, StatusPollerOptions, StatusSource } from '../../src/status/poller.ts';
import { pauseWhileStepsRun, statusGate } from '../../src/status/gate.ts';

export interface AppStatus {
  /** Makes the poller once (it does not tick by itself); rejects when no cluster session can be opened. */
  open(): Promise<StatusPoller>;
  /** The poller once open() made it. */
  store(): StatusPoller | undefined;
  /**
   * A view that shows the live status opened: polling runs while at least one holds it
   * (made and started at the first). Returns the release; calling it twice counts once.
   */
  hold(): () => void;
  /** How many views hold it now, and whether it is polling (for tests and the debug line). */
  holders(): number;
  polling(): boolean;
  gate: PreconditionGate;
  /** For the engine's onRecord: pause/resume per host as steps start and end. */
  onRecord(rec: JournalRecord): void;
  stop(): void;
}

export interface AppStatusOptions {
  poller?: StatusPollerOptions;
  /** Makes the poller (tests give a fake); default: a StatusPoller on the source. */
  makePoller?(source: StatusSource, opts?: StatusPollerOptions): StatusPoller | Promise<StatusPoller>;
}

export function appStatus(session: () => Promise<StatusSource>, opts: AppStatusOptions = {}): AppStatus {
  let poller: StatusPoller | undefined;
  let opening: Promise<StatusPoller> | undefined;
  let users = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const open = (): Promise<StatusPoller> => {
    opening ??= (async () => {
      const s = await session();
      const make = opts.makePoller ?? (async (src: StatusSource, o?: StatusPollerOptions) => new (await import('../../src/status/poller.ts')).StatusPoller(src, o));
      poller = await make(s, opts.poller);
      return poller;
    })();
    // A failed open (no inventory, SSH refused) is tried again next time.
    opening.catch(() => (opening = undefined));
    return opening;
  };

  // The app ticks the poller itself (one sweep per interval, the first at once), so it can
  // stop and start again without losing the poller's state; a sweep skips hosts whose probe
  // from an earlier tick still runs.
  const startTicking = () => {
    if (timer || !poller || stopped || users === 0) return;
    const p = poller;
    void p.sweep();
    timer = setInterval(() => void p.sweep(), p.getState().intervalMs);
  };
  const stopTicking = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };

  return {
    open,
    store: () => poller,
    hold() {
      users++;
      // Makes the poller (opening the session) if needed; a failure is the view's to show
      // (it calls open() too). Polling starts once the poller exists, if still held.
      if (!timer) open().then(startTicking, () => undefined);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        users--;
        if (users === 0) stopTicking();
      };
    },
    holders: () => users,
    polling: () => timer !== undefined,
    gate: statusGate(open),
    onRecord: pauseWhileStepsRun({ pause: (h) => poller?.pause(h), resume: (h) => poller?.resume(h) }),
    stop: () => {
      stopped = true;
      stopTicking();
      poller?.stop();
    },
  };
}
