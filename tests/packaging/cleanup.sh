#!/bin/sh
# cleanup.sh - after `make packaging-test`, whatever happened to it:
# purges the smapwatch packages if they are still installed (the test
# purges them itself; this is for a test killed on timeout) and kills the
# packaged smaps.plugin if it still runs. Quiet when there is nothing to do;
# what it does goes to stderr, so the test's last line stays its summary.
PLUGIN=/usr/lib/netdata/plugins.d/smaps.plugin
for dir in /proc/[0-9]*; do
	pid=${dir#/proc/}
	exe=$(readlink "$dir/exe" 2>/dev/null) || continue
	case "$exe" in
	"$PLUGIN"|"$PLUGIN (deleted)")
		echo "packaging cleanup: killing smaps.plugin $pid" >&2
		kill -KILL "$pid" 2>/dev/null ;;
	esac
done
left=
for p in smapwatch collectd-plugin-smaps netdata-plugin-smaps; do
	s=$(dpkg-query -W -f '${db:Status-Abbrev}' "$p" 2>/dev/null) || continue
	case "$s" in pn*|"") ;; *) left="$left $p" ;; esac
done
if [ -n "$left" ]; then
	echo "packaging cleanup: purging$left" >&2
	# shellcheck disable=SC2086 # $left: several package names
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q \
		-o DPkg::Lock::Timeout=60 $left >&2
fi
exit 0
