#!/bin/sh
# run.sh - the collectd plugin (build/smaps.so) inside a real collectd
# (Debian collectd-core 5.12), driven by pytest: the test_*.py files here,
# their daemons and workloads started by conftest.py.
#
#   BUILD=build sh tests/integration/collectd/run.sh [PYTEST OPTIONS]
#   (KEEP_TMP=1 keeps the temp dir: configs, logs, csv of every instance;
#   PYTEST OPTIONS e.g. -k stores: every instance still starts)
#
# Everything runs in one temp dir ($CD_TMP to pytest). The driver stops
# what it started (conftest.py's session fixture, also on a failure); in
# case it cannot (killed, hung), as root its pid namespace ends with it
# (below); otherwise every daemon and workload it started is in $TMP/pids
# as "PID STARTTIME" and is killed here, but only while that pid still has
# that start time (never a reused pid). Only 127.0.0.1 is bound. The
# driver is bounded (conftest.py's 150 s alarm, then timeout's 170 s).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${BUILD:-build}
PYTHON=${PYTHON:-/usr/bin/python3}
TMP=$(mktemp -d /tmp/smapwatch-collectd.XXXXXX) || exit 1
# Readable by the collectd instance that runs as nobody (EACCES test).
chmod 0755 "$TMP"
: > "$TMP/pids"
DRIVER=

# Field 22 of /proc/PID/stat (start time), read after the last ')'; the
# process name before it may hold a newline (the hostile-name workload).
starttime() {
	{ tr '\n' ' ' < "/proc/$1/stat"; } 2>/dev/null | sed 's/.*) //' | cut -d' ' -f20
}

kill_recorded() {
	while read -r pid start; do
		[ "$(starttime "$pid")" = "$start" ] && kill "-$1" "$pid" 2>/dev/null
	done < "$TMP/pids"
}

cleanup() {
	if [ -n "${RECORDED_PIDS_OK:-1}" ] && [ -s "$TMP/pids" ]; then
		kill_recorded TERM
		sleep 0.5
		kill_recorded KILL
	fi
	# The cgroup the Unit test made, empty once its member is gone.
	if [ -s "$TMP/cgroups" ]; then
		while read -r cg; do
			i=0
			while ! rmdir "$cg" 2>/dev/null && [ -d "$cg" ] && [ $i -lt 20 ]; do
				sleep 0.1; i=$((i + 1))
			done
		done < "$TMP/cgroups"
	fi
	if [ -n "${KEEP_TMP:-}" ]; then
		echo "collectd-test: kept $TMP"
	else
		rm -rf "$TMP"
	fi
}

# On a signal, let the driver stop its children first (it has a handler),
# then cleanup (the EXIT trap) catches whatever is left.
on_signal() {
	trap - INT TERM HUP
	[ -n "$DRIVER" ] && kill -TERM "$DRIVER" 2>/dev/null && wait "$DRIVER"
	exit "$1"
}
trap cleanup EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM HUP

# As root, in a pid namespace of its own (and its own /proc): the workloads
# have fixed names, and another run of this test on the machine (another
# worktree's) would otherwise put its processes in this run's groups. When
# the driver, the namespace's first process, ends, the kernel kills every
# process left in it; the pids recorded are then the namespace's, not to
# be killed from here.
NS=
if [ "$(id -u)" = 0 ] && unshare --pid --fork --mount-proc true 2>/dev/null
then
	NS="unshare --pid --fork --mount-proc --kill-child"
	RECORDED_PIDS_OK=
else
	RECORDED_PIDS_OK=1
fi

# In the background so that a signal reaches the traps at once. -rfEs:
# the failed assertions, errors and skips with their reasons in the log.
BUILD=$BUILD CD_TMP=$TMP PYTHONDONTWRITEBYTECODE=1 \
	timeout -k 5 170 $NS "$PYTHON" -m pytest -q -rfEs -p no:cacheprovider \
	--rootdir "$HERE" "$@" "$HERE" &
DRIVER=$!
wait "$DRIVER"
