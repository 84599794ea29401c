#!/bin/sh
# run.sh SECONDS - the four soak configurations in turn, one at a time
# (a lock refuses a second soak on the machine), each bounded by timeout;
# prints "N passed, N failed" over all and exits 1 on a failure.
# BUILD, ASAN_BUILD, CHURN, SOAK_TMP as for soak.py.
set -u
S=${1:-180}
CONFIGS=${SOAK_CONFIGS:-"netdata-valgrind netdata-asan netdata-massif collectd-valgrind collectd-asan collectd-massif collectd-plain"}
DIR=$(dirname "$0")
LOCK=${TMPDIR:-/tmp}/smapwatch-soak.lock
exec 9>"$LOCK"
if ! flock -n 9; then
	echo "run.sh: another soak is running ($LOCK)"
	echo "0 passed, 1 failed"
	exit 1
fi
child=
cleanup() {
	# timeout(1) passes the signal on to soak.py, whose finally kills
	# everything it started (process groups).
	[ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child"
	echo "run.sh: interrupted"
	echo "$P passed, $((F + 1)) failed"
	exit 1
}
P=0 F=0
trap cleanup INT TERM HUP
OUT=$(mktemp)
for c in $CONFIGS; do
	echo "== soak $c ($S s)"
	# Valgrind's shutdown and leak check take a while after the run.
	timeout -k 15 $((S + 300)) python3 "$DIR/soak.py" "$c" "$S" >"$OUT" 2>&1 &
	child=$!
	wait "$child"
	rc=$?
	child=
	cat "$OUT"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$OUT" | tail -n 1)
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		echo "FAIL - soak $c ended without a result (exit $rc)"
		p=0 f=1
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	P=$((P + p)) F=$((F + f))
done
rm -f "$OUT"
echo "$P passed, $F failed"
[ "$F" -eq 0 ]
