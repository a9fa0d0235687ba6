#!/bin/sh
# Every setting the plugin reads is in conf/skip.opt and every option there
# is read; every option of skip-client --help and skip-kp --help is in its
# man page, and every skip-kp option is a key in skip-kp.conf(5); the same
# for skip-hub --help and skip-hub(8).
top=${srcdir:-.}
status=0
fail() {
	echo "FAIL: $*"
	status=1
}

# --- the plugin's settings ---------------------------------------------------
opt_names=$(sed -n 's/^\(charon\.[^ =:{]*\).*/\1/p' "$top/conf/skip.opt")
code=$(cd "$top/src/plugin" && cat skip_kp.c skip_kp_set.c skip_plugin.c skip_control.c)
# per-profile lookups through the helpers, and full setting names
read=$( (printf '%s\n' "$code" |
		grep -oE '(setting|setting_ms|load_list)\(this, "[a-z0-9_]+"' |
		sed 's/.*"\(.*\)"/kp.<name>.\1/'
	printf '%s\n' "$code" |
		grep -oE '"%s\.plugins\.skip\.[a-z0-9_.%]+"' |
		sed -e 's/^"%s\.plugins\.skip\.//' -e 's/"$//' \
			-e 's/\.%s\.%s$//' -e 's/\.%s\./.<name>./g') | sort -u)
[ -n "$read" ] || fail "found no settings in the plugin's code"
for name in $read; do
	printf '%s\n' "$opt_names" | grep -qxF "charon.plugins.skip.$name" ||
		fail "the plugin reads charon.plugins.skip.$name, conf/skip.opt does not document it"
done
for name in $(sed -n 's/^charon\.plugins\.skip\.\([^ ={]*\) *:\{0,1\}=.*/\1/p' \
		"$top/conf/skip.opt"); do
	[ "$name" = load ] && continue	# read by strongSwan's plugin loader
	printf '%s\n' "$read" | grep -qxF "$name" ||
		fail "conf/skip.opt documents charon.plugins.skip.$name, the plugin does not read it"
done

# --- options of the programs in their man pages ------------------------------
# options in --help: -x and --name at the start of a word
help_options() {
	"$1" --help | grep -oE '(^|[ ,])--?[a-z][a-z0-9-]*' | sed 's/^[ ,]*//' |
		sort -u
}
# whether a man page's source names an option (\- unescaped)
in_page() {
	sed 's/\\-/-/g' "$2" | grep -qE "(^|[^a-z0-9-])$1(\$|[^a-z0-9-])"
}
check_program() {
	prog=$1 page=$2
	options=$(help_options "$prog") || { fail "$prog --help failed"; return; }
	[ -n "$options" ] || { fail "no options in $prog --help"; return; }
	for o in $options; do
		in_page "$o" "$page" ||
			fail "$(basename "$prog") option $o is not in $(basename "$page")"
	done
}
if [ -x src/tools/skip-client ]; then
	check_program src/tools/skip-client "$top/man/skip-client.8"
else
	fail "src/tools/skip-client not built (run make check in the build directory)"
fi
if [ -x testing/kp/skip-kp ]; then
	check_program testing/kp/skip-kp "$top/man/skip-kp.8"
	# config file keys: the long options, but --config and --help
	for o in $(help_options testing/kp/skip-kp | sed -n 's/^--//p'); do
		case $o in config|help) continue ;; esac
		sed 's/\\-/-/g' "$top/man/skip-kp.conf.5" |
			grep -qE "^\.BI? $o( |\$)" ||
			fail "skip-kp option --$o is not a key in skip-kp.conf.5"
	done
fi
if [ -x testing/hub/skip-hub ]; then
	check_program testing/hub/skip-hub "$top/man/skip-hub.8"
fi
exit $status
