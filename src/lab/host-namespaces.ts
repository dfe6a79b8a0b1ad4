// The command that starts a practice host's first process in the host's own namespaces: its
// network namespace (made by `ip netns add`), new PID, mount, UTS and IPC namespaces with
// private mount propagation, and a cgroup namespace for a systemd host.
export function hostNamespaceCommand(netns: string, opts: { cgroup?: boolean; mountProc?: boolean } = {}): [string, ...string[]] {
  return [
    'ip',
    'netns',
    'exec',
    netns,
    'unshare',
    '--pid',
    '--fork',
    '--mount',
    '--uts',
    '--ipc',
    ...(opts.cgroup ? ['--cgroup'] : []),
    '--propagation',
    'private',
    ...(opts.mountProc ? ['--mount-proc'] : []),
  ];
}
