#!/bin/bash
# collectd_scenarios.sh - leaking and non-leaking processes under a real
# collectd with the smaps plugin and the shipped threshold alarms
# (packaging/collectd/smaps-threshold.conf), with a 10 s growth window.
# Each leak must show in the right category at about its rate and raise
# the alarm; no non-leaker may cross a shipped threshold, ever.
set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/smapwatch-scenarios.XXXXXX)
PIDS=()
cleanup() {
	[ -f "$T/collectd.pid" ] && kill "$(cat "$T/collectd.pid")" 2>/dev/null
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

mkdir -p "$T/plugins"
for p in csv logfile threshold; do cp "/usr/lib/collectd/$p.so" "$T/plugins/"; done
cp "$TOP/$BUILD/smaps.so" "$T/plugins/"

# Names unique to this run (comm: 15 bytes at most), so two runs on one
# machine never count each other's processes.
S=$(( $$ % 10000 ))
W="$TOP/$BUILD/workloads"
start() { "$@" --seconds 60 >/dev/null & PIDS+=($!); }
start "$W/grow_heap" --comm sc_heap_$S --rate 1024
start "$W/grow_mmap" --comm sc_anon_$S --rate 1024
start "$W/scenario" memfd --comm sc_memfd_$S --rate 1280
start "$W/scenario" threads --comm sc_threads_$S
start "$W/scenario" fds --comm sc_fds_$S
start "$W/scenario" stable --comm sc_stable_$S
start "$W/scenario" sawtooth --comm sc_saw_$S --rate 2048
start "$W/scenario" warmup --comm sc_warm_$S --rate 2048

cat > "$T/collectd.conf" <<CONF
Hostname "scen"
BaseDir "$T"
PIDFile "$T/collectd.pid"
PluginDir "$T/plugins"
TypesDB "/usr/share/collectd/types.db"
Interval 1
LoadPlugin logfile
<Plugin logfile>
  LogLevel info
  File "$T/log"
</Plugin>
LoadPlugin csv
<Plugin csv>
  DataDir "$T/csv"
</Plugin>
LoadPlugin smaps
<Plugin smaps>
  Process "sc_heap_$S"
  Process "sc_anon_$S"
  Process "sc_memfd_$S"
  Process "sc_threads_$S"
  Process "sc_fds_$S"
  Process "sc_stable_$S"
  Process "sc_saw_$S"
  Process "sc_warm_$S"
  GrowthWindow 10
  FullInterval 0
  SteadyPercent 90
  # the workloads' start-up (the sawtooth's block table fills for 5 s)
  # is more than the default sixth of this 10 s window
  WarmUp 5
</Plugin>
CONF
cat "$TOP/packaging/collectd/smaps-threshold.conf" >> "$T/collectd.conf"

timeout 40 collectd -f -C "$T/collectd.conf" &
CD=$!
sleep 24
kill "$CD" 2>/dev/null
wait "$CD" 2>/dev/null

python3 "$TOP/tests/scenarios/check_scenarios.py" "$T/csv/scen" "$T/log" "_$S"
