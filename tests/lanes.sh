#!/bin/bash
# tests/lanes.sh LOGDIR LANE... - make check's suites in lanes run side by
# side (tests/check.mk says which and why). Each LANE is a list of words
# run one after another:
#   TARGET        `$MAKE TARGET`, its output to LOGDIR/TARGET.log;
#   nice:TARGET   the same at nice 19 (CPU-bound work that times nothing,
#                 so that the suites that judge rates keep their CPU);
#   niceN:TARGET  the same at nice N;
#   wait:TARGET   wait until TARGET (in another lane) has passed.
# A target that passes prints "== TARGET: N s"; one that fails prints its
# whole log between "== TARGET: FAILED" and "== end of TARGET". After a
# failure no lane starts another target (those running finish) unless
# KEEP_GOING=1 (`make -k check`): then only the failed lane stops, and a
# "wait:" on a failed target ends its lane. At the end every target is
# listed with its time, and the exit status is 1 if any failed or was not
# run. MAKE is the make to call (make).
set -u
LOGDIR=$1
shift
MAKE=${MAKE:-make}
KEEP_GOING=${KEEP_GOING:-}
mkdir -p "$LOGDIR"
rm -f "$LOGDIR"/*.log "$LOGDIR"/*.passed "$LOGDIR"/*.failed \
	"$LOGDIR"/*.time "$LOGDIR"/*.pgid "$LOGDIR"/*.notrun "$LOGDIR"/failed
T0=$(date +%s)

run_one() {	# TARGET NICENESS
	local t=$1 n=$2 s rc
	s=$(date +%s)
	# In its own process group (setsid: not a group leader, so no fork,
	# and $! is the group), which an interrupt is passed on to; SIGINT and
	# SIGQUIT back to their defaults (bash ignores them in a background
	# lane, and the suites' daemons would inherit that: the restart test
	# sends SIGINT).
	local nice=
	[ "$n" != 0 ] && nice="nice -n $n"
	# shellcheck disable=SC2086 # $nice and $MAKE are commands
	setsid env --default-signal=INT,QUIT $nice $MAKE --no-print-directory \
		"$t" >"$LOGDIR/$t.log" 2>&1 </dev/null &
	echo $! >"$LOGDIR/$t.pgid"
	wait $!
	rc=$?
	rm -f "$LOGDIR/$t.pgid"
	s=$(($(date +%s) - s))
	echo "$s" >"$LOGDIR/$t.time"
	if [ "$rc" -eq 0 ]; then
		touch "$LOGDIR/$t.passed"
		echo "== $t: $s s (at $(($(date +%s) - T0)) s)"
	else
		touch "$LOGDIR/$t.failed"
		[ -n "$KEEP_GOING" ] || touch "$LOGDIR/failed"
		# one write of the whole block, so that lanes do not interleave
		{ echo "== $t: FAILED (exit $rc) after $s s; its log, $LOGDIR/$t.log:"
		  cat "$LOGDIR/$t.log"
		  echo "== end of $t"; } | cat
	fi
	return "$rc"
}

lane() {	# WORD...
	local w n
	while [ $# -gt 0 ]; do
		w=$1
		shift
		[ -e "$LOGDIR/failed" ] && break
		case $w in
		wait:*)
			w=${w#wait:}
			until [ -e "$LOGDIR/$w.passed" ]; do
				[ -e "$LOGDIR/failed" ] && break 2
				[ -e "$LOGDIR/$w.failed" ] && break 2
				[ -e "$LOGDIR/$w.notrun" ] && break 2
				sleep 1
			done
			continue ;;
		nice:*) run_one "${w#nice:}" 19 && continue ;;
		nice[0-9]*:*)
			n=${w%%:*}
			run_one "${w#*:}" "${n#nice}" && continue ;;
		*) run_one "$w" 0 && continue ;;
		esac
		break
	done
	# what this lane will not run: a wait on it ends
	for w in "$@"; do
		case $w in wait:*) ;; *) touch "$LOGDIR/${w#nice*:}.notrun" ;; esac
	done
	return 0
}

all=()
for l in "$@"; do
	# shellcheck disable=SC2086 # a lane is a list of words
	lane $l &
	for w in $l; do
		case $w in wait:*) ;; *) all+=("${w#nice*:}") ;; esac
	done
done
# An interrupt (or make's timeout) stops every lane: the running targets
# get SIGINT, as from a terminal's Ctrl-C, which every suite's cleanup
# handles (its daemons stopped); the lanes then start nothing more.
stop() {
	touch "$LOGDIR/failed"
	for f in "$LOGDIR"/*.pgid; do
		[ -e "$f" ] && kill -INT -- "-$(cat "$f")" 2>/dev/null
	done
}
trap stop INT TERM HUP
# (a trap ends a wait early: wait again until every lane has ended)
while [ -n "$(jobs -pr)" ]; do wait; done

bad=0
line="== make check, $(($(date +%s) - T0)) s wall:"
for t in "${all[@]}"; do
	if [ -e "$LOGDIR/$t.passed" ]; then
		line="$line $t $(cat "$LOGDIR/$t.time")"
	elif [ -e "$LOGDIR/$t.failed" ]; then
		line="$line $t FAILED"; bad=1
	else
		line="$line $t not-run"; bad=1
	fi
done
echo "$line"
exit "$bad"
