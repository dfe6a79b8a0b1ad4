// Execution targets: the local machine (zx) here; SSH hosts come from src/ssh (SshPool).
export { LocalExecutor } from './local.ts';
export { HostError, type Executor, type ExecRequest, type ExecResult } from './types.ts';
