// The SSH execution layer: a pool of one connection per inventory host.
export { SshPool, type SshPrompts, type SshPoolOptions } from './pool.ts';
export type { UnknownHostKeyInfo } from './connect.ts';
