# Helpers shared by the benchmark scripts (sourced, not run).

# ratio A B: A / B with two decimals (0 if B is 0)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b ? a / b : 0 }'; }

# wait_ready NAME LOG: wait up to 5 s until the KP NAME logs that it is
# ready; if it does not, print its log and exit
wait_ready() {
	for _ in $(seq 100); do
		grep -q '\[info\] ready' "$2" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "error: KP $1 did not start:" >&2
	cat "$2" >&2
	exit 1
}
