// One cluster session: the pooled SSH connections, host facts (asked once per host) and
// who holds the VIP. The engine, the status poller and the CLI share one of these.
import { HostError, type Executor } from '../exec/types.ts';
import type { Inventory } from '../inventory/types.ts';
import type { HostFacts } from '../runbook/facts.ts';
import type { SshPrompts } from '../ssh/pool.ts';
import { t } from '../i18n/index.ts';

export interface ClusterSession {
  readonly inventory: Inventory;
  executorFor(host: string): Executor;
  factsFor(host: string): Promise<HostFacts>;
  /** The master candidate that holds the VIP now; throws when none or two do. */
  vipHolder(): Promise<string | undefined>;
  /**
   * Before a run's first step: connects to every host, trusts its key (asking when unknown),
   * logs in and settles sudo. Throws PreflightError naming every host that failed.
   */
  preflight?(hosts: readonly string[]): Promise<void>;
  /** Forgets that a host's key or sudo password was refused, so the next use asks again (every host without a name). */
  reask?(host?: string): void;
  close(): Promise<void>;
}

/** Some hosts of a run cannot be used: nothing was run. Its message names each host and why. */
export class PreflightError extends Error {
  constructor(readonly failures: HostError[]) {
    super(`${t('ssh.preflight', { count: failures.length })}\n` + failures.map((f) => `  ${f.message}`).join('\n'));
    this.name = 'PreflightError';
  }
}

/** The shell probe run on each master candidate: prints the VIP line when the host holds it. */
export function vipProbe(vip: string): string {
  return `ip -o -4 addr show | grep -F ' ${vip}/' || true`;
}

export async function openClusterSession(inventory: Inventory, prompts: SshPrompts): Promise<ClusterSession> {
  const [{ SshPool }, { LocalExecutor }, facts] = await Promise.all([import('../ssh/pool.ts'), import('../exec/local.ts'), import('../runbook/facts.ts')]);
  const pool = new SshPool(inventory, prompts);
  const local = new LocalExecutor();
  const factsCache = new Map<string, Promise<HostFacts>>();

  const executorFor = (host: string): Executor => (host === 'local' ? local : pool.executor(host));

  const factsFor = (host: string): Promise<HostFacts> => {
    let cached = factsCache.get(host);
    if (!cached) {
      cached = executorFor(host)
        .exec({ script: facts.FACTS_SCRIPT, timeoutMs: 15_000 })
        .then((r) => facts.parseFacts(r.stdout));
      // A failed probe is asked again next time rather than remembered.
      cached.catch(() => factsCache.delete(host));
      factsCache.set(host, cached);
    }
    return cached;
  };

  const vipHolder = async (): Promise<string | undefined> => {
    const candidates = inventory.hosts.filter((h) => h.roles.includes('master-candidate'));
    const answers = await Promise.allSettled(
      candidates.map(async (h) => {
        const r = await executorFor(h.name).exec({ script: vipProbe(inventory.vip.address), timeoutMs: 10_000 });
        return r.stdout.trim() ? h.name : undefined;
      }),
    );
    const holders = answers.flatMap((a) => (a.status === 'fulfilled' && a.value ? [a.value] : []));
    if (holders.length > 1) {
      throw new Error(t('engine.splitBrain', { hosts: holders.join(t('needs.and')), vip: inventory.vip.address }));
    }
    return holders[0];
  };

  const preflight = async (hosts: readonly string[]): Promise<void> => {
    const failures = await pool.preflight(hosts.filter((h) => h !== 'local'));
    if (failures.length > 0) throw new PreflightError(failures);
  };

  return { inventory, executorFor, factsFor, vipHolder, preflight, reask: (host) => pool.reask(host), close: () => pool.close() };
}
