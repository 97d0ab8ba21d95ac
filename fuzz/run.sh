#!/usr/bin/env bash
# Run every fuzz target one after another, each for SECONDS (default 600)
# under `nice -n 19`, logging to fuzz/logs/TARGET.log; print each target's
# final libFuzzer figures. With PREBUILT=1 the binaries `cargo fuzz build`
# left in fuzz/target are run as they are (the same flags `cargo fuzz run`
# passes), so that editing the sources during a long run rebuilds nothing.
# EXTRA adds libFuzzer flags, such as "-fork=1 -ignore_crashes=1" to keep
# going after a crash.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
targets=(document_parse unified_diff config suppressions check_page)
[ -d corpus ] || ./seed.sh
mkdir -p logs
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    # shellcheck disable=SC2206 # EXTRA is a list of libFuzzer flags
    flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${EXTRA:-})
    if [ "${PREBUILT:-0}" = 1 ]; then
        nice -n 19 "target/x86_64-unknown-linux-gnu/release/$t" \
            -artifact_prefix="artifacts/$t/" "${flags[@]}" "corpus/$t" >"logs/$t.log" 2>&1
    else
        nice -n 19 cargo +nightly fuzz run "$t" -- "${flags[@]}" >"logs/$t.log" 2>&1
    fi
    echo "$t: exit $?; $(grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "logs/$t.log" | tr '\n' ' ')$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "logs/$t.log" | tail -1); artifacts: $(ls "artifacts/$t" | wc -l)"
done
