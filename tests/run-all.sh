#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds Certkeeper three ways and runs every test, then prints one closing
# line "N passed, N failed, N skipped" (the skipped counting whole programs
# and the subtests skipped inside programs that passed) and exits non-zero
# if anything failed. The subtests are GTest's (TAP "ok N /path # SKIP why")
# and the scripts' checks ("# SKIP why") left out inside programs that
# otherwise passed, which meson itself records as OK. Every skip is listed
# with its reason.
#
# With CI=true the machine is expected to have every oracle: a missing tool
# (certtool, openssl, softhsm2-util, p11tool, faketime, xvfb-run,
# dbus-run-session, the AT-SPI bus, pyatspi, clang) is one failure each, and
# a test or subtest skipped for a missing tool or display counts as failed.
#
#  1. default    _build/default   gcc, every meson test suite, under Xvfb with
#                                 a private D-Bus session and accessibility bus
#                                 (the GUI tests drive the app through AT-SPI).
#  2. sanitizers _build/asan      gcc -fsanitize=address,undefined. Every
#                                 suite except 'slow' (ASan makes those
#                                 corpus-sized tests several times slower, and
#                                 the other suites exercise the same code) and
#                                 the file checks data/po/help (no compiled
#                                 code; the default build ran them) and the
#                                 AT-SPI end-to-end test 'e2e' (see below). Leak
#                                 checking is on everywhere except the 'gui'
#                                 suite: GTK, Mesa and fontconfig keep caches
#                                 for the life of the process that LeakSanitizer
#                                 reports as leaks; ASan's use-after-free and
#                                 overflow checks and UBSan stay on there.
#  3. fuzzing    _build/fuzz      clang -Dfuzzing=true, then a bounded run of
#                                 tests/fuzz/run-fuzzer.sh (60 s), counted as one
#                                 test. Skipped (and counted as skipped) while
#                                 tests/fuzz/run-fuzzer.sh does not exist.
#
# Every count comes from meson's own meson-logs/<logbase>.json. A build that
# fails to configure or compile counts as one failed test (and the tests that
# could be built still run).
#
# Environment: CK_RUN_ALL_STAGES (default "default asan fuzz") picks stages,
# CK_FUZZ_SECONDS (default 60), CK_TEST_JOBS (default 2).
# Works on a clean checkout, as root, without a display and without stdin.

set -u
exec < /dev/null

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2

# Internal: run "$@" inside the private session started by dbus-run-session,
# with the accessibility bus up, so GTK registers with AT-SPI at start-up.
if [ "${1:-}" = --in-session ]; then
  shift
  a11y_pid=
  for launcher in /usr/libexec/at-spi-bus-launcher /usr/lib/at-spi2-core/at-spi-bus-launcher; do
    if [ -x "$launcher" ]; then
      "$launcher" --launch-immediately &
      a11y_pid=$!
      break
    fi
  done
  "$@"
  rc=$?
  if [ -n "$a11y_pid" ]; then
    kill "$a11y_pid" 2>/dev/null
    wait "$a11y_pid" 2>/dev/null
  fi
  exit $rc
fi

stages=${CK_RUN_ALL_STAGES:-default asan fuzz}
fuzz_seconds=${CK_FUZZ_SECONDS:-60}
jobs=${CK_TEST_JOBS:-2}
python=/usr/bin/python3
[ -x "$python" ] || python=python3

passed=0
failed=0
skipped=0
skipped_subtests=0
failures=()
skips=()
summary=()
start_all=$SECONDS

# Tests never see the real user's store, settings or caches.
scratch="$root/_build/home"
rm -rf "$scratch"
mkdir -p "$scratch"/{data,config,cache,runtime}
chmod 700 "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config"
export XDG_CACHE_HOME="$scratch/cache" XDG_RUNTIME_DIR="$scratch/runtime"
unset DISPLAY WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS AT_SPI_BUS_ADDRESS

log () {
  printf '\n==== %s\n' "$*"
}

fail_stage () {
  failed=$((failed + 1))
  failures+=("$1")
  summary+=("$(printf '%-10s %s' "$2" "$3")")
}

# CI=true: every tool the tests use as an oracle or a display must be there.
ci_preflight () {
  case ${CI:-} in
    true|1|yes) ;;
    *) return 0 ;;
  esac
  local tool missing=()
  for tool in certtool openssl softhsm2-util p11tool faketime sqlite3 xvfb-run \
              dbus-run-session clang; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [ ! -x /usr/libexec/at-spi-bus-launcher ] && [ ! -x /usr/lib/at-spi2-core/at-spi-bus-launcher ]; then
    missing+=(at-spi-bus-launcher)
  fi
  if ! "$python" -c 'import gi; gi.require_version("Atspi", "2.0"); import pyatspi' 2>/dev/null; then
    missing+=(pyatspi)
  fi
  if [ ! -e /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so ] && [ ! -e /usr/lib/softhsm/libsofthsm2.so ]; then
    missing+=(libsofthsm2.so)
  fi
  for tool in "${missing[@]}"; do
    fail_stage "CI: $tool is missing (see .ci/debian-packages.txt): its tests cannot run" \
      ci "$tool missing"
  done
}

# Runs the command after "--" under Xvfb and a private session bus when they
# are available (the GUI tests need both), else directly.
with_display () {
  if command -v xvfb-run >/dev/null && command -v dbus-run-session >/dev/null; then
    # -noreset: Xvfb otherwise resets when its last client goes (the
    # AT-SPI bus launcher's first look, an application quitting), and an
    # application connecting during the reset fails with "cannot open
    # display".
    xvfb-run -a -s '-screen 0 1280x1024x24 -noreset' \
      dbus-run-session -- "$root/tests/run-all.sh" --in-session "$@"
  elif command -v dbus-run-session >/dev/null; then
    echo "run-all: xvfb-run not found: GUI tests will skip or fail" >&2
    dbus-run-session -- "$root/tests/run-all.sh" --in-session "$@"
  else
    echo "run-all: xvfb-run and dbus-run-session not found" >&2
    "$@"
  fi
}

# configure_build NAME DIR [meson options...]: configures DIR (again, if it
# exists). Records a failure and returns non-zero when that fails.
configure_build () {
  local name=$1 dir=$2
  shift 2
  log "$name: meson setup $dir $*"
  local setup=(meson setup "$dir" "$@")
  if [ -f "$dir/build.ninja" ]; then
    setup=(meson setup --reconfigure "$dir" "$@")
  fi
  if ! "${setup[@]}"; then
    fail_stage "$name: meson setup failed (see above)" "$name" "setup FAILED"
    return 1
  fi
}

# setup_build NAME DIR [meson options...]: configures and compiles DIR. A
# compile failure is recorded but returns zero: -k 0 built everything that
# could be built, so the tests of the other targets still run (and report).
setup_build () {
  local name=$1 dir=$2
  local t0=$SECONDS
  configure_build "$@" || return 1
  log "$name: meson compile -C $dir"
  if ! meson compile -C "$dir" --ninja-args=-k0; then
    fail_stage "$name: compilation failed (see above); tests whose programs did not build fail too" \
      "$name" "compile FAILED"
  fi
  echo "$name: built in $((SECONDS - t0)) s"
}

# count_results NAME JSON: adds the results of one `meson test` run.
count_results () {
  local name=$1 json=$2
  if [ ! -s "$json" ]; then
    echo "$name: no test results in $json (no tests selected)"
    return 0
  fi
  local out
  out=$(CK_CI="${CI:-}" "$python" - "$json" "$name" <<'PY'
import json, os, re, sys
path, name = sys.argv[1], sys.argv[2]
# CI=true: a test skipped because an oracle or the display is missing
# (certtool, openssl, softhsm2-util, xvfb...) is a failure: the CI machine
# is meant to have all of them, so a skip there hides a test that never ran.
ci = os.environ.get("CK_CI", "").lower() in ("true", "1", "yes")
missing = re.compile(r"not installed|not available|not found|not set|not registered|"
                     r"\bneeded\b|\bmissing\b|no (x )?display|xvfb|no d-bus|"
                     r"no system ca bundle", re.I)
# TAP skips: "1..0 # SKIP why" (the whole program), "ok 3 /x # SKIP why"
# (GTest's g_test_skip() under --tap), and the "# SKIP why" comment the
# Python scripts print for a check they leave out.
plan_skip = re.compile(r"^1\.\.0\s*#\s*skip\b\s*(.*)$", re.I)
sub_skip = re.compile(r"^(?:ok\s+\d+[^#]*)?#\s*skip\b\s*(.*)$", re.I)
p = f = s = sub = 0
bad = []
skips = []
with open(path, encoding="utf-8") as fh:
    for line in fh:
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        res = r.get("result")
        test = r.get("name")
        reasons = []
        whole = None
        for out_line in (r.get("stdout") or "").splitlines():
            out_line = out_line.strip()
            m = plan_skip.match(out_line)
            if m:
                whole = m.group(1) or "skipped"
                continue
            m = sub_skip.match(out_line)
            if m:
                reasons.append(m.group(1) or "skipped")
        if res == "SKIP" and whole is None:
            whole = reasons[0] if reasons else "skipped (exit code 77)"
            reasons = []
        ci_missing = [why for why in ([whole] if whole else []) + reasons
                      if ci and missing.search(why)]
        if res in ("OK", "EXPECTEDFAIL", "SKIP") and ci_missing:
            f += 1
            bad.append("%s: %s skipped in CI: %s" % (name, test, ci_missing[0]))
            continue
        if res in ("OK", "EXPECTEDFAIL"):
            p += 1
            sub += len(reasons)
            skips.extend("%s: %s: subtest skipped: %s" % (name, test, why) for why in reasons)
        elif res == "SKIP":
            s += 1
            skips.append("%s: %s skipped: %s" % (name, test, whole))
        else:
            f += 1
            bad.append("%s: %s %s" % (name, test, res))
print(p, f, s, sub)
for b in bad:
    print("F " + b)
for k in skips:
    print("S " + k)
PY
)
  local counts p f s sub
  counts=$(head -n 1 <<<"$out")
  read -r p f s sub <<<"$counts"
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + s))
  skipped_subtests=$((skipped_subtests + sub))
  while IFS= read -r line; do
    case $line in
      "F "*) failures+=("${line#F }") ;;
      "S "*) skips+=("${line#S }") ;;
    esac
  done < <(tail -n +2 <<<"$out")
  summary+=("$(printf '%-10s %d passed, %d failed, %d skipped, %d subtests skipped' \
    "$name" "$p" "$f" "$s" "$sub")")
}

# run_tests NAME DIR LOGBASE [meson test options...]
run_tests () {
  local name=$1 dir=$2 logbase=$3
  shift 3
  local t0=$SECONDS
  rm -f "$dir/meson-logs/$logbase.json"
  log "$name: meson test -C $dir $*"
  with_display meson test -C "$dir" --no-rebuild --print-errorlogs \
    --num-processes "$jobs" --logbase "$logbase" "$@"
  echo "$name: tests ran in $((SECONDS - t0)) s"
  count_results "$name" "$dir/meson-logs/$logbase.json"
}

stage_default () {
  local dir=_build/default
  setup_build default "$dir" || return
  run_tests default "$dir" testlog
}

stage_asan () {
  local dir=_build/asan
  setup_build asan "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
    || return
  # intercept_memmem=0: ASan's memmem wrapper first checks the whole
  # haystack, so scanning a buffer block by block (the PEM tokenizer looking
  # for the next BEGIN line) turns quadratic: /importer/big-garbage went from
  # 3 s to over 200 s. glibc's memmem itself only reads what it needs.
  # handle_abort/handle_sigtrap: a failed g_assert or a fatal GLib critical
  # then comes with ASan's stack trace too.
  local common="halt_on_error=1:abort_on_error=1:print_summary=1:intercept_memmem=0:handle_abort=1:handle_sigtrap=1"
  export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1"
  export LSAN_OPTIONS="suppressions=$root/tests/lsan.supp:print_suppressions=0"
  # GLib: plain malloc so that ASan sees every block.
  export G_SLICE=always-malloc
  # No GIO modules: with a giomodule.cache present, GLib 2.74's module scan
  # (first g_file_new_for_path) drops the GIOModule it makes for dconf's
  # GSettings backend without a reference, a leak of GLib's that the fast
  # unwinder reports as bare "g_malloc", so no suppression can name it.
  # The tests use the memory GSettings backend and need no module.
  mkdir -p "$scratch/no-gio-modules"
  export GIO_MODULE_DIR="$scratch/no-gio-modules"
  # data, po and help check files, not compiled code: the default build
  # already ran them.
  ASAN_OPTIONS="$common:detect_leaks=1" \
    run_tests asan "$dir" asan-testlog --no-suite slow --no-suite gui \
      --no-suite data --no-suite po --no-suite help
  explain_leaks "$dir" asan-testlog "$common:detect_leaks=1"
  # The GUI widget tests run under the sanitizers; the AT-SPI end-to-end
  # test (suite e2e) does not: under ASan's slowdown GTK 4.8's own
  # accessibility code races with short-lived widgets (criticals from
  # GTK's AT-SPI context, actions on a toast that has already gone), which
  # makes the run flaky without telling us anything about our code. The
  # default build runs it.
  ASAN_OPTIONS="$common:detect_leaks=0" \
    run_tests asan-gui "$dir" asan-gui-testlog --suite gui --no-suite slow \
      --no-suite e2e
  unset UBSAN_OPTIONS LSAN_OPTIONS G_SLICE GIO_MODULE_DIR
}

# The fast unwinder stops at the first frame of a library built without
# frame pointers, so a leak reported through GLib shows only "g_malloc".
# Unwinding fully on every malloc makes whole runs several times slower, so
# only the first test that leaked is run again that way, for its report
# alone (not counted again), with at most twice its usual time limit.
explain_leaks () {
  local dir=$1 logbase=$2 options=$3
  local names
  names=$("$python" - "$dir/meson-logs/$logbase.json" <<'PY'
import json, sys
try:
    lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
except OSError:
    sys.exit(0)
for line in lines:
    if not line.strip():
        continue
    r = json.loads(line)
    out = (r.get("stdout") or "") + (r.get("stderr") or "")
    if r.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and "LeakSanitizer" in out:
        # "certkeeper:core / test-store" -> "certkeeper:test-store"
        project, _, rest = r["name"].partition(":")
        print(project + ":" + rest.split(" / ")[-1])
PY
)
  local name
  for name in $names; do
    log "asan: $name leaked; running it again with full stack traces (not counted)"
    ASAN_OPTIONS="$options:fast_unwind_on_malloc=0" \
      with_display meson test -C "$dir" --no-rebuild --print-errorlogs \
        --timeout-multiplier 2 --logbase asan-leak-trace "$name" | grep -v '^ok '
    echo "asan: the same by hand: ASAN_OPTIONS=fast_unwind_on_malloc=0 G_SLICE=always-malloc meson test -C $dir $name"
    break
  done
}

stage_fuzz () {
  local dir=_build/fuzz
  local runner=tests/fuzz/run-fuzzer.sh
  if [ ! -f tests/fuzz/meson.build ] || [ ! -f "$runner" ]; then
    log "fuzz: $runner not there yet: skipped"
    skipped=$((skipped + 1))
    summary+=("$(printf '%-10s %s' fuzz "skipped ($runner missing)")")
    return
  fi
  if ! command -v clang >/dev/null; then
    log "fuzz: clang not found: skipped"
    skipped=$((skipped + 1))
    summary+=("$(printf '%-10s %s' fuzz "skipped (no clang)")")
    return
  fi
  # As tests/fuzz/meson.build says to configure it. Only configured here:
  # run-fuzzer.sh compiles the fuzz target it runs, nothing else is needed.
  CC=clang configure_build fuzz "$dir" -Dfuzzing=true -Dgui=false \
    -Dtests=false -Db_sanitize=address,undefined -Db_lundef=false || return
  local t0=$SECONDS
  log "fuzz: bash $runner $dir $fuzz_seconds"
  if bash "$runner" "$dir" "$fuzz_seconds"; then
    passed=$((passed + 1))
    summary+=("$(printf '%-10s %s' fuzz "1 passed ($((SECONDS - t0)) s)")")
  else
    fail_stage "fuzz: $runner $dir $fuzz_seconds failed (see above)" fuzz \
      "1 failed"
  fi
}

ci_preflight

for stage in $stages; do
  case $stage in
    default|asan|fuzz) "stage_$stage" ;;
    *) echo "run-all: unknown stage '$stage'" >&2; exit 2 ;;
  esac
done

log "summary ($((SECONDS - start_all)) s)"
for line in "${summary[@]}"; do
  echo "  $line"
done
if [ ${#skips[@]} -gt 0 ]; then
  echo "Skipped:"
  for line in "${skips[@]}"; do
    echo "  $line"
  done
fi
if [ ${#failures[@]} -gt 0 ]; then
  echo "Failures:"
  for line in "${failures[@]}"; do
    echo "  $line"
  done
fi
# A program that passed with some of its subtests skipped counts as passed;
# those subtests are counted among the skipped, so a skip never hides as a
# pass. The closing line keeps the plain "N passed, N failed, N skipped"
# form that CI reads; the line before it says how the skips divide.
echo "skipped: $skipped test programs, $skipped_subtests subtests inside programs that passed"
echo "$passed passed, $failed failed, $((skipped + skipped_subtests)) skipped"
if [ "$failed" -gt 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
exit 0
