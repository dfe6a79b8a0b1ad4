// Shell that runs inside the lab's hosts. Embedded (not separate files) so the bundled app
// carries it. Pure text builders: no side effects here.

/**
 * PID 1 of a host: makes the private mounts, starts rsyslogd and sshd, then reaps orphans
 * forever. `$1` is the host's folder in the lab dir, `$2` its name, `$3` the /dev template
 * (see DEV_TEMPLATE). Run by
 * `ip netns exec NS unshare --pid --fork --mount --uts --ipc --propagation private --mount-proc`.
 */
export const HOST_INIT = String.raw`set -e
# Handles on the host folder and the /dev template first: later mounts may hide their paths.
exec 3<"$1" 4<"$3"
# Every private mount in one exec (see hostFstab): fork+exec is what costs on a busy machine.
mount -a -T "$1/fstab"
exec 3<&-
R=/run/host
echo "$2" > /proc/sys/kernel/hostname
cp -a /proc/self/fd/4/. /dev/
exec 4<&-
mkdir -p /run/sshd /mnt/mfs
rsyslogd -f "$R/rsyslog.conf" -i /run/rsyslogd.pid
/usr/sbin/sshd -f "$R/sshd_config"
echo "$$" > "$R/ready"
exec 0</dev/null 1>/dev/null 2>&1
set +e
trap '' TERM INT HUP
# PID 1 reaps every orphan: bash's SIGCHLD handler collects any child, known or not.
while :; do sleep 3600 & wait $!; done
`;

/**
 * The host's private mounts, in order, for one `mount -a -T`. Pseudo file systems get
 * lab-unique sources: `mount -a` skips an entry whose source and target are already mounted
 * (the machine's own /run, /dev/pts), which would leave the host on the shared ones.
 */
export function hostFstab(chunkFolders: readonly string[] = []): string {
  const bind = (p: string) => `/run/host/${p} /${p} none bind 0 0`;
  return [
    'mfslab-run /run tmpfs mode=755,nosuid,nodev 0 0',
    '/proc/self/fd/3 /run/host none bind,X-mount.mkdir 0 0',
    // /etc/fstab and /etc/sysctl.d too: the runbooks write them (mount entries, overcommit),
    // and the machine's own must stay untouched.
    ...['etc/mfs', 'etc/keepalived', 'etc/sysctl.d', 'var/lib/mfs', 'root', 'tmp', 'var/log', 'etc/hosts', 'etc/hostname', 'etc/fstab'].map(bind),
    // The lab operator `ops` (operator.ts): accounts, sudo rule and home of the host's own.
    ...['etc/passwd', 'etc/group', 'etc/shadow', 'etc/gshadow', 'etc/sudoers.d', 'home'].map(bind),
    'mfslab-mnt /mnt tmpfs mode=755 0 0',
    // A chunkserver's data folders: each a mount of its own (from the host's folder, on disk).
    ...chunkFolders.map((f) => `/run/host${f} ${f} none bind,X-mount.mkdir 0 0`),
    // A private /dev: its own /dev/log (rsyslogd), ptys (devpts newinstance) and /dev/fuse.
    'mfslab-dev /dev tmpfs mode=755,nosuid 0 0',
    'mfslab-devpts /dev/pts devpts newinstance,ptmxmode=0666,mode=620,gid=5,X-mount.mkdir 0 0',
    'mfslab-shm /dev/shm tmpfs mode=1777,nosuid,nodev,X-mount.mkdir 0 0',
    '',
  ].join('\n');
}

/**
 * Bootstrap of the first master (m1): the VIP goes on at once so daemons connect without
 * waiting for keepalived (which adopts it: keepalived-ha's role script keeps a master that
 * runs at its first notify); a fresh metadata file is made real with one start/stop (a
 * metalogger cannot copy 'MFSM NEW') and kept for the next lab. Under the role script's lock.
 */
export function bootstrapMasterScript(vip: string, prefix: number, iface: string): string {
  return String.raw`set -e
D=/var/lib/mfs
ip -4 -o addr show dev ${iface} | grep -q " ${vip}/" || ip addr add ${vip}/${prefix} dev ${iface}
exec 9>/run/mfs-ha.lock
flock 9
if [ "$(head -c 8 $D/metadata.mfs)" = "MFSM NEW" ]; then
  mfsmaster start 9>&- >/dev/null 2>&1
  p=$(cat $D/.mfsmaster.lock)
  kill -TERM "$p"
  while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
  cp $D/metadata.mfs /run/host/seed-metadata.mfs
fi
mfsmaster start 9>&- >/dev/null 2>&1 || { echo "mfsmaster did not start:"; tail -n 20 /var/log/syslog; exit 1; }
`;
}

/**
 * Waits (up to about 20 s) until keepalived-ha's check would pass on this candidate (a
 * majority of its sample of chunkservers listens, and the master runs): keepalived starts
 * the moment its first check can pass.
 */
export const WAIT_FOR_CHECK_SCRIPT = String.raw`for _ in $(seq 200); do
  /etc/keepalived/mfs-check.sh && break
  sleep 0.1
done
`;

/** The client: mount through the VIP (mfsmaster resolves to it in /etc/hosts), goal 2. */
export const CLIENT_MOUNT_SCRIPT = String.raw`set -e
mountpoint -q /mnt/mfs || mfsmount /mnt/mfs -H mfsmaster >/dev/null 2>&1 || { echo "mfsmount failed:"; tail -n 20 /var/log/syslog; exit 1; }
mfssetgoal -r 2 /mnt/mfs >/dev/null
`;

/** Test files on the client with their checksums, kept on cl in /root and in the mount. */
export const CLIENT_FILES_SCRIPT = String.raw`set -e
mkdir -p /mnt/mfs/lab
cd /mnt/mfs/lab
for i in 1 2 3 4 5; do head -c $((i * 64 * 1024 + i)) /dev/urandom > file$i.bin; done
echo "the MooseFS practice cluster" > hello.txt
sync
sha256sum file*.bin hello.txt > /root/lab-files.sha256
cp /root/lab-files.sha256 SHA256SUMS
`;

export const LAB_FILES_SUMS = '/root/lab-files.sha256';

/** Makes the /dev template (`$1`) every host copies into its private /dev. */
export const DEV_TEMPLATE = String.raw`set -e
rm -rf "$1"; mkdir -p "$1"; cd "$1"
mknod -m 666 null c 1 3; mknod -m 666 zero c 1 5; mknod -m 666 full c 1 7
mknod -m 666 random c 1 8; mknod -m 666 urandom c 1 9; mknod -m 666 tty c 5 0
mknod -m 666 fuse c 10 229
ln -s pts/ptmx ptmx; ln -s /proc/self/fd fd
ln -s /proc/self/fd/0 stdin; ln -s /proc/self/fd/1 stdout; ln -s /proc/self/fd/2 stderr
`;
