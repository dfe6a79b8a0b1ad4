// One cluster session: the pooled SSH connections, host facts (asked once per host) and
// who holds the VIP. The engine, the status poller and the CLI share one of these.
import type { Executor } from '../exec/types.ts';
import type { Inventory } from '../inventory/types.ts';
import type { HostFacts } from '../runbook/facts.ts';
import type { SshPrompts } from '../ssh/pool.ts';

export interface ClusterSession {
  readonly inventory: Inventory;
  executorFor(host: string): Executor;
  factsFor(host: string): Promise<HostFacts>;
  /** The master candidate that holds the VIP now; throws when none or two do. */
  vipHolder(): Promise<string | undefined>;
  close(): Promise<void>;
}

/** The shell probe run on each master candidate: prints the VIP line when the host holds it. */
export function vipProbe(vip: string): string {
  return `ip -o -4 addr show | grep -F ' ${vip}/' || true`;
}

export async function openClusterSession(inventory: Inventory, prompts: SshPrompts): Promise<ClusterSession> {
  const [{ SshPool }, { LocalExecutor }, facts] = await Promise.all([
    import('../ssh/pool.ts'),
    import('../exec/local.ts'),
    import('../runbook/facts.ts'),
  ]);
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
      throw new Error(`split brain: ${holders.join(' and ')} both hold the VIP ${inventory.vip.address}`);
    }
    return holders[0];
  };

  return { inventory, executorFor, factsFor, vipHolder, close: () => pool.close() };
}
