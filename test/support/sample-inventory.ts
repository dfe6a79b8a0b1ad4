// Shared fakes for the runbook tests: a small inventory (pure data, no hosts behind it).
import type { Inventory, InventoryHost } from '../../src/inventory/types.ts';

function host(name: string, address: string, roles: InventoryHost['roles'], extra: Partial<InventoryHost> = {}): InventoryHost {
  return { name, address, port: 22, user: 'root', agent: true, become: false, roles, ...extra };
}

export function sampleInventory(): Inventory {
  return {
    cluster: 'lab',
    vip: { address: '10.99.0.100', interface: 'eth0', prefix: 24 },
    paths: { data: '/var/lib/mfs', config: '/etc/mfs', mount: '/mnt/mfs' },
    hosts: [
      host('cs1', '10.99.0.21', ['chunkserver']),
      host('m1', '10.99.0.11', ['master-candidate'], { port: 2222, user: 'ops' }),
      host('m2', '10.99.0.12', ['master-candidate', 'metalogger']),
      host('cs2', '10.99.0.22', ['chunkserver']),
      host('ml', '10.99.0.13', ['metalogger']),
    ],
    knownHosts: [],
    file: '/etc/mfs-tui/lab.yaml',
  };
}
