# Sourced by the bench scripts (with `src` and `work` set): `log`, and the
# build they time: BENCH_BUILD names an existing build folder, else one is
# configured with -O2 in $work/build.  Sets build, R (the binary) and
# RETORT_PLUGIN_PATH.
log() { printf 'bench: %s\n' "$*" >&2; }

build=${BENCH_BUILD:-$work/build}
if [ -z "${BENCH_BUILD:-}" ]; then
	log "building with -O2 in $build"
	mkdir -p "$build"
	(cd "$build" && "$src/configure" -q CFLAGS="-O2 -g" >/dev/null && make -j"$(nproc)" >make.log 2>&1) ||
		{ echo "bench: build failed, see $build/make.log" >&2; exit 1; }
fi
R=$build/retort
export RETORT_PLUGIN_PATH=$build/plugins:$build/hooks
