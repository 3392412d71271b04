# url_split: one URL parser for the shell scripts (tests/lib/common.sh,
# bench/run.sh).  Sourced; defines a function only.
# url_split URL: U_USER U_PASS U_HOST U_PORT U_DB of URL, without a fork
# (dbq runs hundreds of times a script; U_OF remembers which URL they are of)
url_split() {
	local rest auth="" hostport d
	rest=${1#*://}
	case "$rest" in *@*) auth=${rest%%@*}; rest=${rest#*@} ;; esac
	hostport=${rest%%/*}
	U_USER=${auth%%:*}
	U_PASS=""
	case "$auth" in *:*) U_PASS=${auth#*:} ;; esac
	U_HOST=${hostport%%:*}
	U_PORT=""
	case "$hostport" in *:*) U_PORT=${hostport##*:} ;; esac
	d=${rest#*/}
	U_DB=${d%%\?*}
	U_OF=$1
}
