#!/usr/bin/env bash
# Installs the Debian packages the practice cluster and the SSH tests need, when missing.
set -euo pipefail
pkgs=(moosefs-master moosefs-metalogger moosefs-chunkserver moosefs-client moosefs-cli moosefs-cgi moosefs-cgiserv
      keepalived openssh-server openssh-client unison inotify-tools arping rsyslog
      fuse3 iproute2 procps psmisc tmux util-linux sudo
      iptables  # install-cluster's firewall step on systemd practice hosts (each host's own rules)
      firewalld  # `lab up --firewalld`: the same step's firewalld path in the hosts (disabled on this machine, below)
      ansible-core  # `clusters import` is checked against ansible-inventory itself
      prometheus  # promtool checks the output of `mfs-tui metrics` (about 45 s to install)
      prometheus-node-exporter)  # `lab up --monitoring`: the textfile collector on the master candidates
# A policy-rc.d left by an install of ours that was killed would keep every later package's
# daemons from starting on this machine: remove it first, whatever else happens.
[ "$(id -u)" = 0 ] && bash "$(dirname "$0")/no-daemon-start.sh" --cleanup
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "mfs-tui: these Debian packages are missing and I cannot install them (need root on Debian): ${missing[*]}" >&2
  exit 1
fi
echo "mfs-tui: installing ${#missing[@]} Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Package scripts must not start daemons here, and the machine must behave as before afterwards:
# the wrapper keeps a policy-rc.d only while apt-get runs (and removes one a killed install left).
bash "$(dirname "$0")/no-daemon-start.sh" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# firewalld's package enables its unit: this machine must not start a firewall at its next boot
# (the practice hosts enable it in their own roots with `lab up --firewalld`).
if [[ " ${missing[*]} " == *" firewalld "* ]] && command -v systemctl >/dev/null; then systemctl --root=/ --quiet disable firewalld.service; fi
echo "mfs-tui: packages installed"
