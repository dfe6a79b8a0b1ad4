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
 * keepalived notify script: one role per VRRP state. Only the VIP holder runs mfsmaster; the
 * other candidate runs a metalogger against the VIP, so it always holds current metadata.
 */
export const ROLE_SCRIPT = String.raw`#!/bin/bash
# mfs-role.sh STATE  (called by keepalived: MASTER, BACKUP, FAULT or STOP)
state=$1
D=/var/lib/mfs
STATE_FILE=/var/lib/mfs/.ha-role
exec 9>/run/mfs-role.lock
flock 9
log() { logger -t mfs-role "$*"; echo "$(date +%FT%T.%3N) $*" >> /var/log/mfs-role.log; }
prev=$(cat "$STATE_FILE" 2>/dev/null || echo NONE)
setstate() { echo "$1" > "$STATE_FILE"; }
lockpid() { local p; p=$(cat "$D/.$1.lock" 2>/dev/null) && [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"; }
# Signal a daemon and wait for it to exit (the daemons' own 'stop' polls once a second).
stop_daemon() {
  local p; p=$(lockpid "$1") || return 0
  kill -TERM "$p" 2>/dev/null
  for _ in $(seq 300); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.05; done
  kill -KILL "$p" 2>/dev/null; return 0
}
seed_back() {
  local m="$D/metadata_ml.mfs.back" f n v0 c="$D/changelog.1.mfs" files=()
  for f in "$D/metadata.mfs" "$D/metadata.mfs.back" "$D"/changelog.[0-9]*.mfs; do [ -e "$f" ] && { log "fast start skipped: $f exists"; return 1; }; done
  [ "$(head -c 8 "$m" 2>/dev/null)" = "MFSM 2.0" ] || return 1
  v0=$(od -An -j8 -N8 -tu1 "$m" | awk '{ for (i = 1; i <= NF; i++) v = v * 256 + $i } END { printf "%.0f", v }')
  for f in "$D/changelog_ml_back.1.mfs" "$D/changelog_ml_back.0.mfs"; do [ -s "$f" ] && files+=("$f"); done
  for n in $(ls "$D" | sed -n 's/^changelog_ml\.\([0-9][0-9]*\)\.mfs$/\1/p' | sort -nr); do [ -s "$D/changelog_ml.$n.mfs" ] && files+=("$D/changelog_ml.$n.mfs"); done
  : > /run/mfs-role.changelog.new
  if [ ${'$'}{#files[@]} -gt 0 ]; then
    awk -F: -v want="$v0" '{ v = $1 + 0 } v < want { next } v > want { gap = 1; exit } { print; want++ } END { exit gap }' "${'$'}{files[@]}" > /run/mfs-role.changelog.new || { log "fast start skipped: a gap after version $v0"; return 1; }
  fi
  ln "$m" "$D/metadata.mfs.back" || return 1
  mv /run/mfs-role.changelog.new "$c"
  log "seeded metadata.mfs.back (version $v0) and changelog.1.mfs ($(wc -l < "$c") changes)"
}
log "$prev -> $state"
case "$state" in
MASTER)
  if mfsmaster test >/dev/null 2>&1; then setstate MASTER; log "mfsmaster already runs"; exit 0; fi
  setstate PROMOTING
  fresh=; [ -f "$D/.mfsmetalogger.lock" ] && [ "$D/metadata_ml.mfs.back" -nt "$D/.mfsmetalogger.lock" ] && fresh=1
  stop_daemon mfsmetalogger
  # This node's own master files older than the metalogger's start are superseded by its
  # fresh download: set aside (never deleted), so the download can seed metadata.mfs.back.
  # Without a fresh download they stay: mfsmaster -a picks the newest metadata and replays
  # every changelog. The head of changelog_ml files too: the metalogger appends to them across its runs,
  # and an earlier run's entries before a jump in versions stop mfsmaster -a at a "hole in
  # change files" (as keepalived-ha's role script, which explains it).
  if [ -n "$fresh" ]; then
    old=$(find "$D" -maxdepth 1 -type f \( -name 'metadata.mfs*' -o -name 'changelog.*.mfs' \) ! -name metadata.mfs.empty ! -newer "$D/.mfsmetalogger.lock")
    if [ -n "$old" ]; then
      s="$D/stale-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$s"; mv $old "$s/"
      log "set aside (older than the metalogger's download): $(echo $old)"
    fi
    for f in "$D"/changelog_ml.[0-9]*.mfs; do
      [ -s "$f" ] || continue
      cut=$(awk -F: '{ v = $1 + 0 } NR > 1 && v != p + 1 { c = NR } { p = v } END { print c + 0 }' "$f")
      [ "$cut" -gt 1 ] || continue
      s="$D/stale-$(date +%Y%m%d-%H%M%S)"; mkdir -p "$s"; cp -p "$f" "$s/"
      tail -n +"$cut" "$f" > "$f.new" && mv "$f.new" "$f"
      log "kept only this metalogger run's entries of $f (from line $cut)"
    done
  fi
  chown -R mfs:mfs "$D"
  # One metadata load: the metalogger's download is seeded as metadata.mfs.back with the
  # changes since it as changelog.1.mfs (so a new standby can download them at once), then
  # mfsmaster -a; as keepalived-ha's role script, which explains it. Otherwise -a restore
  # stores real metadata (a plain -a does not), then start serves it.
  ok=
  if [ -n "$fresh" ] && seed_back; then
    chown mfs:mfs "$D/metadata.mfs.back" "$D/changelog.1.mfs"
    mfsmaster -a start 9>&- >>/var/log/mfs-role.log 2>&1 && ok=1
  else
    mfsmaster -a restore 9>&- >>/var/log/mfs-role.log 2>&1 && mfsmaster start 9>&- >>/var/log/mfs-role.log 2>&1 && ok=1
  fi
  if [ -n "$ok" ]; then
    setstate MASTER; log "promoted: mfsmaster runs"
  else
    setstate FAILED; log "promotion failed"; exit 1
  fi
  ;;
BACKUP|FAULT|STOP)
  if [ "$prev" = NONE ] && mfsmaster test >/dev/null 2>&1; then
    # First notify after the lab started this node's master: keep it, keepalived makes it MASTER.
    setstate "$state"; log "keeping the bootstrap master"; exit 0
  fi
  setstate "$state"
  if mfsmaster test >/dev/null 2>&1; then stop_daemon mfsmaster; log "mfsmaster stopped"; fi
  if [ "$state" != STOP ] && ! mfsmetalogger test >/dev/null 2>&1; then
    mfsmetalogger start 9>&- >/dev/null 2>&1 && log "metalogger started"
  fi
  ;;
esac
exit 0
`;

/**
 * keepalived check: fit to hold or take the VIP. A majority of chunkservers must answer
 * (a node that cannot see the data servers is isolated), and the node must either run
 * mfsmaster or hold metadata through its metalogger.
 */
/** Chunkservers the check probes at most: its cost per second stays flat at 40 or 79 chunkservers. */
export const CHECK_SAMPLE = 9;

/** At most CHECK_SAMPLE addresses, spread evenly over the list (all when there are fewer). */
export function checkSample(addresses: readonly string[], max = CHECK_SAMPLE): string[] {
  if (addresses.length <= max) return [...addresses];
  return Array.from({ length: max }, (_, i) => addresses[Math.floor((i * addresses.length) / max)]!);
}

export function checkScript(allChunkservers: string[]): string {
  // No external commands on the common path: keepalived runs this every second, and on a
  // busy machine a slow check counts as a failed one. At fleet size a spread sample: forty
  // probe subshells a second timed out at load 27 and left m1 in FAULT; a cut-off node
  // still sees none of the sample.
  const chunkserverAddresses = checkSample(allChunkservers);
  return String.raw`#!/bin/bash
# mfs-check.sh master: fails only when this node is the MASTER and its mfsmaster is gone (fall 1).
if [ "$1" = master ]; then
  role=; read -r role < /var/lib/mfs/.ha-role 2>/dev/null
  [ "$role" = MASTER ] || exit 0
  p=; c=; read -r p < /var/lib/mfs/.mfsmaster.lock 2>/dev/null && [ -n "$p" ] && read -r c < "/proc/$p/comm" 2>/dev/null && [ "$c" = mfsmaster ]
  exit $?
fi
cs=(${chunkserverAddresses.join(' ')})
pids=()
for a in "${'$'}{cs[@]}"; do (exec 3<>"/dev/tcp/$a/9422") 2>/dev/null & pids+=($!); done
[ -p /run/mfs-check.fifo ] || mkfifo /run/mfs-check.fifo
# Up to 0.8 s for the probes (a cut-off host never answers), waking as soon as all are done.
for _ in 1 2 3 4 5 6 7 8; do
  left=0; for p in "${'$'}{pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
  [ $left = 0 ] && break
  read -r -t 0.1 _ <>/run/mfs-check.fifo
done
up=0
for p in "${'$'}{pids[@]}"; do
  if kill -0 "$p" 2>/dev/null; then kill -9 "$p" 2>/dev/null; else wait "$p" && up=$((up + 1)); fi
done
[ $((up * 2)) -gt ${'$'}{#cs[@]} ] || exit 1
# Liveness from the daemons' lock files ('mfsmaster test' would log to syslog every second).
runs() { local p c; read -r p < "/var/lib/mfs/.$1.lock" 2>/dev/null && [ -n "$p" ] && read -r c < "/proc/$p/comm" 2>/dev/null && [ "$c" = "$1" ]; }
role=; read -r role < /var/lib/mfs/.ha-role 2>/dev/null
[ "$role" = PROMOTING ] && exit 0
runs mfsmaster && exit 0
[ "$role" = MASTER ] && exit 1
runs mfsmetalogger || exit 1
# Downloaded metadata: a real file, not the 8-byte 'MFSM NEW' placeholder.
h=; [ -s /var/lib/mfs/metadata_ml.mfs.back ] && read -r -N 8 h < /var/lib/mfs/metadata_ml.mfs.back 2>/dev/null
[ -n "$h" ] && [ "$h" != "MFSM NEW" ]
`;
}

/**
 * Bootstrap of the first master (m1): the VIP goes on at once so daemons connect without
 * waiting 3.4 s for keepalived (which adopts it); a fresh metadata file is made real with
 * one start/stop (a metalogger cannot copy 'MFSM NEW') and kept for the next lab.
 */
export function bootstrapMasterScript(vip: string, prefix: number, iface: string): string {
  return String.raw`set -e
D=/var/lib/mfs
ip -4 -o addr show dev ${iface} | grep -q " ${vip}/" || ip addr add ${vip}/${prefix} dev ${iface}
exec 9>/run/mfs-role.lock
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

/** Waits (up to 20 s) until a majority of the check's sample of chunkservers accepts TCP on 9422. */
export function waitForChunkserversScript(all: string[]): string {
  const addresses = checkSample(all);
  return String.raw`for _ in $(seq 200); do
  up=0
  for a in ${addresses.join(' ')}; do (exec 3<>"/dev/tcp/$a/9422") 2>/dev/null && up=$((up + 1)); done
  [ $((up * 2)) -gt ${addresses.length} ] && break
  sleep 0.1
done
`;
}

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
