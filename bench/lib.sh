# Sourced by the bench scripts (bash): spotting other people's heavy
# processes, and a monitor that samples them every 2 s while we measure, so
# each result can say how much of it ran on a shared machine.

MYPGID=$(ps -o pgid= -p $$ | tr -d ' ')

heavy_procs() { # "pid comm" of heavy processes not ours
	ps -eo pid=,pgid=,pcpu=,stat=,comm= | awk -v pg="$MYPGID" '
		$2 != pg && ($5 ~ /^fuzz_/ || $5 ~ /^(cc1|cc1plus|clang|ld|afl-)/ ||
		             $5 ~ /^(hyperfine|git-annex|node|sha256sum|openssl|prov)$/ ||
		             ($3 >= 40 && $4 ~ /^R/)) { print $1 " " $5 }'
}

start_monitor() { # LOGFILE: samples until the script exits
	MON=$1
	: >"$MON"
	(
		while :; do
			echo "$(date +%s) $(heavy_procs | tr '\n' ' ')"
			sleep 2
		done
	) >>"$MON" 2>/dev/null &
	MONPID=$!
	trap 'kill "$MONPID" 2>/dev/null || true' EXIT
}

contention() { # FROM-EPOCH TO-EPOCH -> percentage of samples with others' heavy processes
	awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { n++; if (NF > 1) h++ }
		END { printf "%d\n", n ? 100 * h / n : 0 }' "$MON"
}

wait_quiet() { # up to 5 minutes for a load average under 1.5, unless BENCH_NO_WAIT=1; uses the caller's say
	[ "${BENCH_NO_WAIT:-0}" = 1 ] && return 0
	for _ in $(seq 30); do
		awk '{ exit !($1 < 1.5) }' /proc/loadavg && return 0
		say "waiting for a quiet machine (load $(cut -d' ' -f1 /proc/loadavg))"
		sleep 10
	done
}

# Reading what a timed run left: a one-line JSON object's fields, and
# /usr/bin/time -v's peak RSS and wall time; the best and median of a
# list; one run timed into $OUT (bench/merkle.sh, bench/royalties.sh).
field() { # file name -> a number or string field of a one-line JSON object
	sed -n "s/.*\"$2\": *\"\{0,1\}\([0-9a-fx.]*\).*/\1/p" "$1"
}
rss_mb() { # /usr/bin/time -v output -> peak RSS in MiB
	awk -F': ' '/Maximum resident set size/ { printf "%.0f\n", $2 / 1024 }' "$1"
}
wall() { # /usr/bin/time -v output -> wall seconds
	awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$1"
}
stats() { # [decimals] < numbers -> "best median"
	sort -g | awk -v d="${1:-1}" '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.*f %.*f\n", d, v[1], d, m }'
}

run() { # tag i command...: one timed run
	local tag=$1 i=$2
	shift 2
	/usr/bin/time -v -o "$OUT/$tag-$i.time" "$@" >"$OUT/$tag-$i.json"
}

# The large registry of bench/trace.sh and bench/royalties-registry.sh:
# N files of 32 random bytes in NDIRS folders (d0000/f0000000, ...), and a
# model trained on three datasets of a third of the folders each. They use
# the caller's $PROV, $BENCH_DIR, say and die.
bench_data() { # DATA N NDIRS -> prints DATA when it has its .done mark, else $BENCH_DIR/data, written once
	local data=$1
	if [ ! -f "$data.done" ]; then
		data=$BENCH_DIR/data
		if [ ! -f "$data.done" ]; then
			say "bench: writing $2 files of 32 bytes to $data"
			rm -rf "$data"
			python3 - "$data" "$2" "$3" <<'PY'
import os, sys
d, n, ndirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for k in range(ndirs):
    os.makedirs(f"{d}/d{k:04d}", exist_ok=True)
for i in range(n):
    with open(f"{d}/d{i % ndirs:04d}/f{i:07d}", "wb") as f:
        f.write(os.urandom(32))
PY
			touch "$data.done"
		fi
	fi
	printf '%s\n' "$data"
}

bench_model() { # NDIRS: in the registry, whose data/ holds the folders; identities curator, provider, owner
	local part k dir run
	for part in 0 1 2; do
		for ((k = part * $1 / 3; k < (part + 1) * $1 / 3; k++)); do
			printf 'data/d%04d\n' "$k"
		done >"dirs$part"
		while read -r dir; do
			find "$dir" -type f
		done <"dirs$part" >"list$part"
		say "bench: building part$part ($(wc -l <"list$part") items)"
		/usr/bin/time -f "manifest part$part: %e s, %M KiB max RSS" \
			"$PROV" manifest build "part$part" --version 1 \
			--list "list$part" --purpose commercial --use ai_training \
			--as curator >/dev/null
	done
	head -c $((64 << 20)) /dev/urandom >checkpoint.bin
	run=$("$PROV" run record --dataset part0@1 --dataset part1@1 \
		--dataset part2@1 --checkpoint checkpoint.bin --as provider --json |
		sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' | head -n 1)
	[ -n "$run" ] || die "no run id"
	"$PROV" model register big --weights checkpoint.bin --run "$run" \
		--license Apache-2.0 --as owner >/dev/null
}
