#!/usr/bin/env bash
# The libFuzzer harnesses in Fuzz/ (issue 14): built with AddressSanitizer; every input that once broke a
# harness (Fuzz/Regressions/HARNESS/) replayed first; then each harness fuzzed for a while from a corpus seeded
# with the tests' own kinds of files (Fuzz/Seeds/HARNESS/ and the demo bundles).
#
#   scripts/fuzz.sh [--seconds N] [--seed N] [HARNESS...]
#       make test: 20 s each from seed 1, so a run explores the same way each time; make fuzz: FUZZ_SECONDS
#       (300) each from a fresh random seed.
#
# Prints a Markdown table, one row per harness (executions, coverage reached), also kept in
# .build/fuzz/report.md. A crash or a broken property keeps its input in .build/fuzz/crashes/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=20
seed=0  # libFuzzer's "pick one"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds=$2; shift 2 ;;
        --seed) seed=$2; shift 2 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) break ;;
    esac
done

work=.build/fuzz
mkdir -p "$work/logs" "$work/crashes" "$work/corpus"
# gold warns once per AddressSanitizer helper symbol; the warnings say nothing about the harnesses.
set +e
swift build --package-path Fuzz --scratch-path "$work" -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    > "$work/logs/build.log" 2>&1
built=$?
set -e
grep -v "Cannot export local symbol" "$work/logs/build.log" | grep -E "error|warning: [^p]" || true
if [[ $built -ne 0 ]]; then echo "fuzz.sh: the harnesses did not build (see $work/logs/build.log)" >&2; exit 1; fi
bin=$work/debug/TermPlayerFuzz

harnesses=("$@")
if [[ ${#harnesses[@]} -eq 0 ]]; then mapfile -t harnesses < <("$bin" list | cut -f1); fi

# libFuzzer and AddressSanitizer report a crash themselves; Swift's backtracer would hold the process.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# Leaks found in the toolchain's own libraries, not in TermPlayer: each one is named and explained there.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/Fuzz/leak-suppressions.txt:print_suppressions=0}

seed_corpus() {
    local harness=$1 corpus=$2
    if [[ -d Fuzz/Seeds/$harness ]]; then cp -n Fuzz/Seeds/"$harness"/* "$corpus"/; fi
    case $harness in
        bundle-json) cp -n demo/*.json "$corpus"/ ;;
        cover) cp -n demo/*.jpg "$corpus"/ ;;
        mp3-decode | mp3-probe)
            # The first 64 KiB: the ID3 tag (with its picture) and the first frames; libFuzzer's inputs stay small.
            for file in demo/*.mp3; do head -c 65536 "$file" > "$corpus/demo-$(basename "$file")"; done ;;
    esac
}

report=$work/report.md
{
    echo "| harness | seconds | executions | executions/s | coverage (edges) | features | corpus | result |"
    echo "|---|---:|---:|---:|---:|---:|---:|---|"
} | tee "$report"
failed=0
for harness in "${harnesses[@]}"; do
    corpus=$work/corpus/$harness
    log=$work/logs/$harness.log
    mkdir -p "$corpus"
    seed_corpus "$harness" "$corpus"
    result=ok
    if compgen -G "Fuzz/Regressions/$harness/*" > /dev/null; then
        "$bin" "$harness" Fuzz/Regressions/"$harness"/* > "$work/logs/$harness-regressions.log" 2>&1 \
            || { result="regression fails (see $work/logs/$harness-regressions.log)"; failed=1; }
    fi
    # Audio and pictures need room for a header and some frames; text finds its bugs in libFuzzer's usual 4 KiB.
    case $harness in mp3-* | cover) max_len=65536 ;; *) max_len=4096 ;; esac
    if "$bin" "$harness" -max_total_time="$seconds" -max_len=$max_len -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/crashes/$harness-" "$corpus" > "$log" 2>&1; then :; else
        result="FAILED: $(grep -m1 -E 'ERROR|Fatal error|Precondition|deadly signal' "$log" | cut -c1-120 || true)"
        failed=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
    # The last status line libFuzzer printed, e.g. "#123456  DONE   cov: 812 ft: 2911 corp: 190/43Kb ...".
    status=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    coverage=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<< "$status")
    features=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$status")
    entries=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<< "$status")
    rate=$(( ${runs:-0} / (seconds > 0 ? seconds : 1) ))
    row="| $harness | $seconds | ${runs:-?} | $rate | ${coverage:-?} | ${features:-?} | ${entries:-?} | $result |"
    echo "$row" >> "$report"
    echo "$row"
done
echo "(scripts/fuzz.sh --seconds $seconds; $(date -u +%Y-%m-%d), $(nproc) cores)" | tee -a "$report"
if [[ $failed -ne 0 ]]; then echo "fuzz.sh: a harness failed; its input is in $work/crashes/, its log in $work/logs/" >&2; fi
exit $failed
