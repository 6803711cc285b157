#!/usr/bin/env bash
# A real single-node SLURM on this machine, loopback only, for the workflow's SLURM test.
#   cluster.sh start DIR   writes DIR/slurm.conf, starts munged, slurmctld and slurmd, waits for the node
#   cluster.sh stop DIR    stops them by the PIDs recorded in DIR
# Needs Debian's slurm-wlm and munge (cluster.sh install installs them). No accounting daemon:
# clients must query job status with squeue (MinJobAge keeps finished jobs visible for 10 min).
set -euo pipefail
command=$1
dir=${2:-}

install() {
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
  fi
}

start() {
  mkdir -p "$dir"/{state,spool,log}
  dir=$(cd "$dir" && pwd)
  local node cpus mem
  node=$(hostname -s)
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))
  dd if=/dev/urandom of="$dir/munge.key" bs=1024 count=1 status=none
  chmod 600 "$dir/munge.key"
  munged --force --key-file="$dir/munge.key" --socket="$dir/munge.sock" \
    --pid-file="$dir/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge.seed"
  cat > "$dir/slurm.conf" <<CONF
ClusterName=binembed-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$dir/munge.sock
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
ReturnToService=2
MinJobAge=600
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
CONF
  # Job steps (srun inside a job) read the default path, whatever the environment says: link it,
  # unless a real configuration is there.
  if [ -e /etc/slurm/slurm.conf ] && ! grep -q '^ClusterName=binembed-test' /etc/slurm/slurm.conf; then
    echo "/etc/slurm/slurm.conf belongs to another cluster; not starting a test cluster here" >&2
    return 1
  fi
  mkdir -p /etc/slurm
  ln -sfn "$dir/slurm.conf" /etc/slurm/slurm.conf
  export SLURM_CONF="$dir/slurm.conf"
  slurmctld -f "$dir/slurm.conf" -i
  slurmd -f "$dir/slurm.conf"
  for _ in $(seq 60); do
    if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then
      echo "SLURM up: export SLURM_CONF=$dir/slurm.conf"
      return 0
    fi
    sleep 1
  done
  echo "SLURM did not come up; logs in $dir/log" >&2
  tail -n 20 "$dir"/log/*.log >&2
  return 1
}

stop() {
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      kill "$(cat "$dir/$name.pid")" 2>/dev/null || true
    fi
  done
  for name in slurmd slurmctld munged; do
    for _ in $(seq 20); do
      [ -f "$dir/$name.pid" ] && kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || break
      sleep 0.5
    done
  done
  if [ "$(readlink /etc/slurm/slurm.conf 2>/dev/null)" = "$dir/slurm.conf" ]; then
    rm -f /etc/slurm/slurm.conf
  fi
}

case $command in
  install) install ;;
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 install|start DIR|stop DIR" >&2; exit 2 ;;
esac
