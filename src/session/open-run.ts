// Opening runs on a cluster: the one wiring that `run`, `resume`, the home screen and the
// lab's runbook build share. On one inventory it opens the cluster session (pooled SSH
// connections, host facts, the VIP holder) at first use, with SSH questions answered as the
// caller says; checks steps' `requires=` against a live status made at the first check; and
// starts or resumes runs on that session. The callers keep what differs: who answers the
// questions (a screen, or nobody) and how the events are shown.
import type { ClusterSession } from '../cluster/session.ts';
import { givenSudoPassword } from '../cluster/sudo-password-fd.ts';
import type { EngineController, RunDeps } from '../engine/run.ts';
import type { PreconditionGate } from '../engine/types.ts';
import type { Inventory } from '../inventory/types.ts';
import type { Runbook } from '../runbook/types.ts';
import type { SshPrompts } from '../ssh/pool.ts';
import type { StatusPoller } from '../status/poller.ts';
import { statusGate } from '../status/gate.ts';
import { operatorName } from '../util/operator-name.ts';

export interface RunSessionOptions {
  /** How the SSH layer asks (unknown host key, passphrase, sudo password): a screen's broker, or nobody. */
  prompts: SshPrompts;
  /**
   * A sudo password given outside the prompts, never asked for (the lab operator's);
   * default: the one given on a descriptor (MFS_TUI_SUDO_PASSWORD_FD), if any.
   */
  sudoPassword?: string;
  /** Checks steps' `requires=`; default: a status poller on this session, made at the first check. */
  gate?: PreconditionGate;
}

/** How one run is driven: who answers its questions, where its journal goes, who hears of its records. */
export type RunHow = Pick<RunDeps, 'mode' | 'autoConfirm' | 'decisions' | 'settle' | 'journalDir' | 'onRecord'> & {
  /** Who runs it, for the journal (default: the operator's login name). */
  operator?: string;
};

export interface RunSession {
  readonly inventory: Inventory;
  /** The cluster session, opened at the first call; the runs and the status share it. */
  cluster(): Promise<ClusterSession>;
  /** The live status on the session, made at the first call (it does not tick by itself). */
  status(): Promise<StatusPoller>;
  /** Starts a run of the runbook with these inputs (defaults fill the rest); a RunSetupError names bad inputs. */
  start(runbook: Runbook, inputs: Record<string, string>, how: RunHow): Promise<EngineController>;
  /**
   * Comes back to an unfinished run of the runbook (its journal's inputs are used), read
   * with the run's own inventory when the caller loaded one (the same cluster, maybe another file).
   */
  resume(runbook: Runbook, runId: string, how: RunHow, runInventory?: Inventory): Promise<EngineController>;
  /** A host a run needed could not be connected to, logged into or sudo'ed on: nothing ran (exit 3). */
  hostUnusable(): boolean;
  /** Stops the status and closes the SSH connections. The runs are the caller's to close. */
  close(): Promise<void>;
}

export function openRunSession(inventory: Inventory, opts: RunSessionOptions): RunSession {
  let session: Promise<ClusterSession> | undefined;
  let poller: Promise<StatusPoller> | undefined;
  let made: StatusPoller | undefined;
  let unusable = false;

  const cluster = (): Promise<ClusterSession> => {
    session ??= (async () => {
      const { openClusterSession } = await import('../cluster/session.ts');
      const given = opts.sudoPassword ?? givenSudoPassword();
      return openClusterSession(inventory, given === undefined ? opts.prompts : { ...opts.prompts, sudoPassword: async () => given });
    })();
    return session;
  };
  const status = (): Promise<StatusPoller> => {
    poller ??= (async () => {
      const [s, { StatusPoller }] = await Promise.all([cluster(), import('../status/poller.ts')]);
      made = new StatusPoller(s);
      return made;
    })();
    return poller;
  };
  const gate = opts.gate ?? statusGate(status);

  const deps = async (runbook: Runbook, inputs: Record<string, string>, how: RunHow, runInventory = inventory): Promise<RunDeps> => {
    const s = await cluster();
    const { operator, ...rest } = how;
    return {
      ...rest,
      runbook,
      inventory: runInventory,
      inputs,
      executorFor: s.executorFor,
      factsFor: s.factsFor,
      vipHolder: s.vipHolder,
      preflight: async (hosts) => {
        try {
          await s.preflight?.(hosts);
        } catch (err) {
          unusable = true;
          throw err;
        }
      },
      gate,
      operator: operator ?? operatorName(),
    };
  };

  return {
    inventory,
    cluster,
    status,
    async start(runbook, inputs, how) {
      const [d, { createRun }] = await Promise.all([deps(runbook, inputs, how), import('../engine/run.ts')]);
      return createRun(d);
    },
    async resume(runbook, runId, how, runInventory) {
      const [d, { resumeRun }] = await Promise.all([deps(runbook, {}, how, runInventory), import('../engine/run.ts')]);
      return resumeRun(d, runId);
    },
    hostUnusable: () => unusable,
    async close() {
      made?.stop();
      if (session) await (await session).close();
    },
  };
}
