#!/bin/sh
# test_cli.sh - the smapwatch command against live processes and a proc
# tree built here. Each check compares with an independent reading (awk
# over the same /proc files), so a wrong figure fails.
set -u
BIN=${BUILD:-build}/smapwatch
TMP=$(mktemp -d)
pass=0 failn=0
ok() { pass=$((pass + 1)); }
bad() { failn=$((failn + 1)); echo "FAIL: $*"; }
check() { if eval "$2"; then ok; else bad "$1"; fi; }
cleanup() { kill $SLEEPER $ODD $HOSTILE 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"; }

sleep 300 & SLEEPER=$!
cp "$(command -v sleep)" "$TMP/we ird"
"$TMP/we ird" 300 & ODD=$!
# A process that names itself a\nb"| (prctl PR_SET_NAME = 15).
python3 -c 'import ctypes,time; ctypes.CDLL(None).prctl(15, b"a\nb\"|", 0, 0, 0); time.sleep(300)' & HOSTILE=$!
trap cleanup EXIT
sleep 0.3

# Rss of every mapping summed, in kB, read straight from the kernel.
awk_sum() { awk -v k="$2:" '$1 == k { t += $2 } END { print t + 0 }' "$1"; }

ver=$(sed -n 's/.*SW_VERSION "\(.*\)"/\1/p' include/smapwatch/version.h)
check "--version" '[ "$($BIN --version)" = "smapwatch $ver" ]'
check "--help lists --maps" '$BIN --help | grep -q -- "--maps"'
$BIN --bogus >/dev/null 2>&1; check "bad option exits 2" '[ $? -eq 2 ]'
$BIN -c nosuch $SLEEPER >/dev/null 2>&1; check "bad category exits 2" '[ $? -eq 2 ]'

out=$($BIN $SLEEPER)
check "table exit 0" '[ $? -eq 0 ]'
rss=$(awk_sum /proc/$SLEEPER/smaps Rss)
size=$(awk_sum /proc/$SLEEPER/smaps Size)
check "total Rss = kernel's ($rss kB)" \
	'[ "$(echo "$out" | awk "\$1==\"total\"{print \$2}")" = "$rss" ]'
check "total Size = kernel's ($size kB)" \
	'[ "$(echo "$out" | awk "\$1==\"total\"{print \$7}")" = "$size" ]'
check "eight category rows" \
	'[ "$(echo "$out" | grep -cE "^(heap|stack|anon|shmem|binary|libs|files|kernel) ")" = 8 ]'
cat_sum=$(echo "$out" | awk '$1 ~ /^(heap|stack|anon|shmem|binary|libs|files|kernel)$/ { t += $2 } END { print t }')
check "categories sum to the total" '[ "$cat_sum" = "$rss" ]'

json=$($BIN -j -l $SLEEPER)
check "JSON parses" 'echo "$json" | python3 -m json.tool >/dev/null'
jrss=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["total"]["Rss"])')
check "JSON total Rss in bytes" '[ "$jrss" = "$((rss * 1024))" ]'

heap=$($BIN -m -c heap,stack $SLEEPER | awk '/^[0-9a-f]+-[0-9a-f]+ /{print $3}' | sort -u | tr '\n' ' ')
check "--maps -c heap,stack lists only those ($heap)" '[ "$heap" = "heap stack " ] || [ "$heap" = "stack " ]'
nmaps=$($BIN -m $SLEEPER | grep -cE '^[0-9a-f]+-[0-9a-f]+ ')
check "--maps lists every mapping" '[ "$nmaps" = "$(grep -c VmFlags /proc/$SLEEPER/smaps)" ]'
big=$($BIN -m -s 1M $SLEEPER | awk '/^[0-9a-f]+-[0-9a-f]+ / && $9 < 1024' | wc -l)
check "--min-size 1M drops smaller mappings" '[ "$big" = 0 ]'

check "by name with a space" '$BIN "we ird" | grep -q "^$ODD: we ird "'
check "newline in comm escaped" '[ "$($BIN $HOSTILE | head -1)" = "$HOSTILE: a\\x0ab\"|  threads 1" ]'
check "newline in comm in JSON" '$BIN -j $HOSTILE | python3 -c "import json,sys; assert json.load(sys.stdin)[0][\"comm\"]==\"a\\nb\\\"|\""'

$BIN 4194000 >/dev/null 2>"$TMP/err"
check "missing pid exits 1" '[ $? -eq 1 ]'
check "missing pid says why" 'grep -q "^smapwatch: 4194000: No such file or directory" "$TMP/err"'
check "overview lists the sleeper" '$BIN -n 65536 2>/dev/null | grep -qE "^ *$SLEEPER .* sleep$"'

# A proc tree made here: one process, one mapping of each kind of name.
root=$TMP/proc; mkdir -p $root/42
printf '42 (fake) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 0 777 0 0\n' > $root/42/stat
ln -s /opt/fake/bin/fake $root/42/exe
cat > $root/42/smaps <<'SMAPS'
55d0c0000000-55d0c0004000 r-xp 00000000 fe:00 1234                       /opt/fake/bin/fake
Size:                 16 kB
Rss:                  12 kB
Private_Clean:        12 kB
Private_Dirty:         0 kB
VmFlags: rd ex mr mw me
55d0c1000000-55d0c1100000 rw-p 00000000 00:00 0                          [heap]
Size:               1024 kB
Rss:                 800 kB
Private_Clean:         0 kB
Private_Dirty:       800 kB
VmFlags: rd wr mr mw me ac
7f0000000000-7f0000200000 rw-s 00000000 00:01 77                         /memfd:cache (deleted)
Size:               2048 kB
Rss:                2048 kB
Private_Clean:         0 kB
Private_Dirty:         0 kB
VmFlags: rd wr sh mr mw me ms
SMAPS
fake=$($BIN --proc-root $root 42)
check "proc-root: binary row" 'echo "$fake" | grep -qE "^binary +12 +0 +12 +0 +0 +16 +1$"'
check "proc-root: heap row" 'echo "$fake" | grep -qE "^heap +800 +0 +800 +800 +0 +1024 +1$"'
check "proc-root: shmem row" 'echo "$fake" | grep -qE "^shmem +2048 +0 +0 +0 +0 +2048 +1$"'
check "proc-root: by name" '$BIN --proc-root $root fake | grep -q "^42: fake "'
printf 'Size: 4 kB\n' > $root/42/smaps
$BIN --proc-root $root 42 >/dev/null 2>"$TMP/err"
check "malformed smaps exits 1" '[ $? -eq 1 ]'
check "malformed smaps names the line" 'grep -q "line 1: field before the first mapping header" "$TMP/err"'

# Least privilege: as nobody, with no capability, on a normal /proc and on
# a proc mounted with hidepid=2. Needs root to switch user and mount.
if [ "$(id -u)" = 0 ] && command -v su >/dev/null; then
	chmod 755 "$TMP"
	cp "$BIN" "$TMP/smapwatch"; chmod 755 "$TMP/smapwatch"
	as_nobody() { su nobody -s /bin/sh -c "$1"; }
	as_nobody "'$TMP/smapwatch' $SLEEPER" >/dev/null 2>"$TMP/err"
	check "nobody on root's process exits 1" '[ $? -eq 1 ]'
	check "nobody gets one clear line" \
		'[ "$(cat "$TMP/err")" = "smapwatch: $SLEEPER: Permission denied (needs root or CAP_SYS_PTRACE)" ]'
	mkdir -p "$TMP/nb"; chown nobody "$TMP/nb"
	cat > "$TMP/nb/own.sh" <<OWN
sleep 30 & p=\$!
"$TMP/smapwatch" \$p > "$TMP/nb/own.out"; echo \$? > "$TMP/nb/own.rc"
kill \$p
OWN
	as_nobody "sh '$TMP/nb/own.sh'"
	check "nobody reads its own process" '[ "$(cat "$TMP/nb/own.rc")" = 0 ] && grep -q "^total " "$TMP/nb/own.out"'
	mkdir -p "$TMP/hp"
	if mount -t proc -o hidepid=2 proc "$TMP/hp" 2>/dev/null; then
		as_nobody "'$TMP/smapwatch' -r '$TMP/hp' -n 65536" >"$TMP/hp.out" 2>"$TMP/hp.err"
		rc=$?
		check "hidepid=2: overview exits 0" '[ $rc -eq 0 ]'
		check "hidepid=2: no complaint about hidden processes" '[ ! -s "$TMP/hp.err" ]'
		check "hidepid=2: root's processes are simply not there" \
			'! grep -qE "^ *$SLEEPER " "$TMP/hp.out"'
		as_nobody "'$TMP/smapwatch' -r '$TMP/hp' $SLEEPER" >/dev/null 2>"$TMP/hp.err"
		check "hidepid=2: a hidden pid is no such process" \
			'grep -q "^smapwatch: $SLEEPER: No such file or directory" "$TMP/hp.err"'
		umount "$TMP/hp"
	else
		echo "skipped: hidepid checks (cannot mount proc here)"
	fi
else
	echo "skipped: least-privilege checks (need root and su)"
fi

echo "$pass passed, $failn failed"
[ $failn -eq 0 ]
