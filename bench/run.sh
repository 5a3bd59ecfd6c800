#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs Certkeeper's benchmarks and prints a summary against the targets:
#   import ≤ 2× a bare GnuTLS parse loop over the same bundle;
#   ck_store_open + listing 100,000 certificates < 1 s;
#   reading 100,000 certificates as PKCS#7 ≤ 2× reading them as PEM.
# See bench/README.md for what each figure means.
set -u

usage () {
  cat <<EOF
usage: bench/run.sh [options]
  --build-dir DIR     build (or use) this build directory
                      (default: _build/bench, configured -Dbuildtype=release)
  --no-build          do not run meson/ninja (the build is up to date)
  --data-dir DIR      where generated bundles are kept between runs
                      (default: BUILD-DIR/bench-data; generation is deterministic)
  --import-count N    certificates in the import bundle (10000)
  --list-count N      certificates in the list store (100000)
  --runs R            runs per measurement (5)
  --callgrind         also count instructions (valgrind) for parse vs import
  --skip-cli          do not time certkeeper-cli
  --no-hyperfine      time certkeeper-cli with /usr/bin/time even if hyperfine is there
EOF
  exit 2
}

here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=""
do_build=1
data=""
import_n=10000
list_n=100000
runs=5
callgrind=0
skip_cli=0
hyperfine=$(command -v hyperfine || true)

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --no-build) do_build=0; shift ;;
    --data-dir) data=$2; shift 2 ;;
    --import-count) import_n=$2; shift 2 ;;
    --list-count) list_n=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --callgrind) callgrind=1; shift ;;
    --skip-cli) skip_cli=1; shift ;;
    --no-hyperfine) hyperfine=""; shift ;;
    -h|--help) usage ;;
    *) echo "unknown option $1" >&2; usage ;;
  esac
done

[ -n "$build" ] || build=$src/_build/bench
build=$(mkdir -p "$build" && cd "$build" && pwd)
[ -n "$data" ] || data=$build/bench-data
mkdir -p "$data"
data=$(cd "$data" && pwd)

log () { printf '\n== %s\n' "$*" >&2; }
die () { echo "run.sh: $*" >&2; exit 1; }

if [ $do_build = 1 ]; then
  build_log=$build/bench-build.log
  if [ ! -f "$build/build.ninja" ]; then
    log "configuring $build (release)"
    meson setup "$build" "$src" -Dbuildtype=release -Dgui=false -Dtests=false \
      >"$build_log" 2>&1 || { tail -n 20 "$build_log" >&2; die "meson setup failed"; }
  fi
  log "building"
  meson compile -C "$build" ck-bench-gen ck-bench-parse ck-bench-store \
    >"$build_log" 2>&1 || { tail -n 20 "$build_log" >&2; die "the bench programs do not build"; }
  meson compile -C "$build" certkeeper-cli >"$build_log" 2>&1 ||
    { tail -n 20 "$build_log" >&2; echo "run.sh: certkeeper-cli does not build; skipping it" >&2; skip_cli=1; }
fi

gen=$build/bench/ck-bench-gen
parse=$build/bench/ck-bench-parse
store=$build/bench/ck-bench-store
cli=$build/src/cli/certkeeper-cli
for p in "$gen" "$parse" "$store"; do
  [ -x "$p" ] || die "$p is missing: build first"
done
[ -x "$cli" ] || skip_cli=1

work=$(mktemp -d "${TMPDIR:-/tmp}/ck-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
results=$work/results.txt
: > "$results"

# Runs a bench program, shows its output and keeps its RESULT lines.
record () {
  "$@" | tee -a "$results" | grep -v '^RESULT '
  return "${PIPESTATUS[0]}"
}
result () { awk -v k="$1" '$1 == "RESULT" && $2 == k { v = $3 } END { print v }' "$results"; }
put () { echo "RESULT $1 $2" >> "$results"; }

# Data: deterministic, so it is kept and reused (the seed and day fix it).
today=$(( $(date -u +%s) / 86400 * 86400 ))
import_certs=$data/certs-$import_n.pem
import_keys=$data/keys-$import_n.pem
list_certs=$data/certs-$list_n.pem
if [ ! -s "$import_certs" ] || [ ! -s "$import_keys" ]; then
  log "generating $import_n certificates and keys"
  "$gen" -n "$import_n" --seed 1 --now "$today" --out-certs "$import_certs" \
    --out-keys "$import_keys" --out-ca "$data/ca.pem" || die "generation failed"
fi
if [ ! -s "$list_certs" ]; then
  log "generating $list_n certificates"
  "$gen" -n "$list_n" --seed 2 --now "$today" --out-certs "$list_certs" ||
    die "generation failed"
fi
cat "$import_certs" "$import_keys" > "$work/certs-and-keys.pem"

log "machine"
{
  echo "date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "commit:   $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "cpu:      $(nproc) × $(lscpu | sed -n 's/^Model name: *//p')"
  echo "memory:   $(free -h | awk '/^Mem:/ { print $2 }')"
  echo "kernel:   $(uname -r)"
  echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min, at the start)"
  echo "gnutls:   $(pkg-config --modversion gnutls)  sqlite: $(pkg-config --modversion sqlite3)  glib: $(pkg-config --modversion glib-2.0)"
  echo "build:    $(meson introspect --buildoptions "$build" 2>/dev/null |
                   /usr/bin/python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"))' 2>/dev/null || echo '?')"
} | tee "$work/machine.txt"
put load.start "$(cut -d' ' -f1 /proc/loadavg)"
put nproc "$(nproc)"

log "baseline: bare GnuTLS parse loop, $import_n certificates"
record "$parse" --runs $((runs + 2)) "$import_certs" || die "baseline failed"
log "baseline with the values a store row needs (--derive)"
record "$parse" --runs $((runs + 2)) --derive "$import_certs"
log "baseline over certificates + keys"
"$parse" --runs $((runs + 2)) "$work/certs-and-keys.pem" |
  sed 's/^RESULT parse\.bare\./RESULT parse.withkeys./' | tee -a "$results" | grep -v '^RESULT '

log "core: import $import_n certificates into a fresh store"
record "$store" import --runs "$runs" "$import_certs" || echo "run.sh: core import failed" >&2
log "core: import $import_n certificates + their keys (paired, --no-key-passphrase)"
"$store" import --runs "$runs" "$import_certs" "$import_keys" |
  sed 's/^RESULT import\./RESULT importkeys./' | tee -a "$results" | grep -v '^RESULT '

# hyperfine's mean, or /usr/bin/time over $runs runs; the figure is ms.
# Wall-clock median and CPU (user + system) median, in ms.
time_command () {
  local name=$1 n=$2 prepare=$3 command=$4
  if [ -n "$hyperfine" ]; then
    "$hyperfine" --style basic --runs "$n" --prepare "$prepare" \
      --export-json "$work/$name.json" "$command" >&2 || return 1
    /usr/bin/python3 - "$work/$name.json" "$name" >> "$results" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"RESULT {sys.argv[2]}.ms {r['median'] * 1000:.1f}")
# hyperfine keeps per-run user/system times only as means.
print(f"RESULT {sys.argv[2]}.cpu_ms {(r['user'] + r['system']) * 1000:.1f}")
PY
  else
    local times=() cpus=()
    for _ in $(seq "$n"); do
      sh -c "$prepare"
      /usr/bin/time -f '%e %U %S' -o "$work/time.txt" sh -c "$command" || return 1
      times+=("$(awk '{ print $1 }' "$work/time.txt")")
      cpus+=("$(awk '{ print $2 + $3 }' "$work/time.txt")")
    done
    put "$name.ms" "$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] * 1000 }')"
    put "$name.cpu_ms" "$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] * 1000 }')"
  fi
  # Peak RSS of one more run.
  sh -c "$prepare"
  /usr/bin/time -f '%M' -o "$work/rss.txt" sh -c "$command" && put "$name.rss_kb" "$(tail -n 1 "$work/rss.txt")"
}

if [ $skip_cli = 0 ]; then
  log "certkeeper-cli import, $import_n certificates (whole process)"
  time_command cli_import "$runs" "rm -rf $work/cli-store" \
    "$cli --store $work/cli-store import $import_certs --no-key-passphrase >/dev/null" ||
    echo "run.sh: certkeeper-cli import failed" >&2
fi

log "building a store of $list_n certificates (one commit; not a target)"
rm -rf "$work/store-$list_n"
record "$store" build "$work/store-$list_n" "$list_certs" || echo "run.sh: building the store failed" >&2
if [ -f "$work/store-$list_n/store.db" ]; then
  put store.db_mb "$(du -m "$work/store-$list_n/store.db" | cut -f1)"
  log "core: ck_store_open + list $list_n rows"
  record "$store" list --runs "$runs" "$work/store-$list_n" || echo "run.sh: core list failed" >&2
  if [ $skip_cli = 0 ]; then
    log "certkeeper-cli list (table), $list_n certificates (whole process)"
    time_command cli_table "$runs" "true" "$cli --store $work/store-$list_n list --certificates >/dev/null" ||
      echo "run.sh: certkeeper-cli list failed" >&2
    # --json loads every certificate: slow, so fewer runs.
    log "certkeeper-cli list --json, $list_n certificates (whole process)"
    time_command cli_list 2 "true" "$cli --store $work/store-$list_n list --json >/dev/null" ||
      echo "run.sh: certkeeper-cli list --json failed" >&2
  fi
fi

# PKCS#7 against PEM: the same certificates, read by the importer (no
# store), one after the other in this run. The target: PKCS#7 ≤ 2× PEM.
list_p7b=$data/certs-$list_n.p7b
if [ ! -s "$list_p7b" ] && command -v openssl >/dev/null; then
  log "converting the $list_n certificates to PKCS#7 (openssl crl2pkcs7)"
  openssl crl2pkcs7 -nocrl -certfile "$list_certs" -outform DER -out "$list_p7b" ||
    rm -f "$list_p7b"
fi
if [ -s "$list_p7b" ]; then
  log "core: read $list_n certificates as PEM, then as PKCS#7 (CkImporter, no store)"
  record "$store" plan --runs "$runs" --name plan.pem "$list_certs" ||
    echo "run.sh: reading the PEM failed" >&2
  record "$store" plan --runs "$runs" --name plan.p7b "$list_p7b" ||
    echo "run.sh: reading the PKCS#7 failed" >&2
else
  echo "run.sh: no openssl: PKCS#7 against PEM skipped" >&2
fi

if [ $callgrind = 1 ]; then
  n=2000
  log "callgrind: instructions for $n certificates, bare parse vs core import"
  head -n "$(grep -n 'END CERTIFICATE' "$import_certs" | sed -n "${n}p" | cut -d: -f1)" \
    "$import_certs" > "$work/cg.pem"
  valgrind --tool=callgrind --callgrind-out-file="$work/cg-parse.out" \
    "$parse" --in-process --runs 1 "$work/cg.pem" >/dev/null 2>"$work/cg-parse.log"
  valgrind --tool=callgrind --callgrind-out-file="$work/cg-import.out" \
    "$store" import --in-process --runs 1 "$work/cg.pem" >/dev/null 2>"$work/cg-import.log"
  # Inclusive counts of the timed regions only (no process start-up or
  # GnuTLS initialisation): parse_run vs ck_importer_add_file + ck_store_commit.
  incl () {
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null |
      awk -v f=":$2 " 'index($0, f) { gsub(",", "", $1); print $1; exit }'
  }
  parse_ir=$(incl "$work/cg-parse.out" parse_run)
  import_ir=$(( $(incl "$work/cg-import.out" ck_importer_add_file) + $(incl "$work/cg-import.out" ck_store_commit) ))
  put callgrind.parse_ir_per_cert "$(( parse_ir / n ))"
  put callgrind.import_ir_per_cert "$(( import_ir / n ))"
  callgrind_annotate --inclusive=yes "$work/cg-import.out" 2>/dev/null | head -n 80 > "$data/callgrind-import.txt"
  echo "top inclusive functions of the import: $data/callgrind-import.txt" >&2
fi

# Summary.
put load.end "$(cut -d' ' -f1 /proc/loadavg)"
log "summary"
/usr/bin/python3 - "$results" "$import_n" "$list_n" <<'EOF'
import sys
results, import_n, list_n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = {}
for line in open(results):
    parts = line.split()
    if len(parts) == 3 and parts[0] == "RESULT":
        r[parts[1]] = float(parts[2])

def get(k):
    return r.get(k)

def fmt(v, unit="", digits=3):
    if v is None:
        return "n/a"
    return f"{v:.{digits}f}{unit}"

rows = []
# Wall-clock verdicts only mean something on an idle machine; otherwise
# the CPU-time (and instruction) figures decide.
load = max(get("load.start") or 0, get("load.end") or 0)
idle = load < 0.5 * (get("nproc") or 1)

def verdict(ok, text_ok, text_bad):
    return text_ok if ok else text_bad

base = get("parse.bare.ms_per_item")
rows.append(("bare GnuTLS parse, per certificate", fmt(base, " ms", 4), ""))
rows.append(("  + row values (--derive), per certificate", fmt(get("parse.derive.ms_per_item"), " ms", 4), ""))
imp = get("import.ms_per_item")
rows.append(("core import (parse+commit), per certificate", fmt(imp, " ms", 4), ""))
rows.append(("  parse (CkImporter) / commit, per certificate",
             f'{fmt(get("import.parse_ms_per_item"), "", 4)} / {fmt(get("import.commit_ms_per_item"), " ms", 4)}', ""))
if imp is not None and base:
    ratio = imp / base
    rows.append(("core import / bare parse (wall clock)", f"{ratio:.2f}×",
                 verdict(ratio <= 2, "PASS (≤ 2×)", "FAIL (> 2×)") if idle
                 else f"no verdict: load average {load:.1f}"))
    icpu, bcpu = get("import.cpu_ms_per_item"), get("parse.bare.cpu_ms_per_item")
    if icpu and bcpu:
        rows.append(("core import / bare parse (CPU time)", f"{icpu / bcpu:.2f}×",
                     verdict(icpu / bcpu <= 2, "PASS (≤ 2×)", "FAIL (> 2×)") +
                     f": {icpu:.4f} vs {bcpu:.4f} ms CPU per certificate"))
ik = get("importkeys.cpu_ms_per_item")
bk = get("parse.withkeys.cpu_ms_per_item")
rows.append(("core import certs+keys, CPU per item", fmt(ik, " ms", 4),
             f"{ik / bk:.2f}× bare CPU" if ik and bk else ""))
cli = get("cli_import.ms")
if cli is not None:
    rows.append((f"certkeeper-cli import {import_n} (whole process)", fmt(cli, " ms", 0),
                 f"{cli / import_n:.4f} ms/cert, {cli / import_n / base:.2f}× bare" if base else ""))
    ccpu, bcpu = get("cli_import.cpu_ms"), get("parse.bare.cpu_ms_per_item")
    if ccpu and bcpu:
        rows.append(("  CPU time", fmt(ccpu, " ms", 0),
                     f"{ccpu / import_n:.4f} ms/cert, {ccpu / import_n / bcpu:.2f}× bare CPU"))
cold = get("list.cold_total_ms")
rows.append((f"open + list {list_n}, cold process", fmt(cold, " ms", 0),
             "" if cold is None else
             verdict(cold < 1000, "PASS (< 1 s)", "FAIL (≥ 1 s)") if idle
             else f"no verdict: load average {load:.1f}"))
rows.append(("  open / model / rows",
             f'{fmt(get("list.cold_open_ms"), "", 0)} / {fmt(get("list.cold_model_ms"), "", 0)} / {fmt(get("list.cold_rows_ms"), " ms", 0)}', ""))
rows.append(("  CPU time, cold process", fmt(get("list.cold_cpu_ms"), " ms", 0),
             "" if get("list.cold_cpu_ms") is None else ("PASS (< 1 s)" if get("list.cold_cpu_ms") < 1000 else "FAIL (≥ 1 s)")))
rows.append((f"open + list {list_n}, warm (same process)", fmt(get("list.warm_total_ms"), " ms", 0),
             f'CPU {fmt(get("list.warm_cpu_ms"), " ms", 0)}'))
rows.append((f"search {list_n} rows (matches())", fmt(get("list.search_ms"), " ms", 1), ""))
for key, label in (("cli_table", "certkeeper-cli list"), ("cli_list", "certkeeper-cli list --json")):
    v = get(f"{key}.ms")
    if v is not None:
        rows.append((f"{label} {list_n} (whole process)", fmt(v, " ms", 0),
                     f'CPU {fmt(get(f"{key}.cpu_ms"), " ms", 0)}'))
pem, p7b = get("plan.pem.parse_cpu_ms"), get("plan.p7b.parse_cpu_ms")
if pem and p7b:
    rows.append((f"read {list_n} as PEM / as PKCS#7 (CPU)", f"{pem:.0f} / {p7b:.0f} ms",
                 verdict(p7b / pem <= 2, "PASS (≤ 2×)", "FAIL (> 2×)") + f": {p7b / pem:.2f}×"))
    pw, p7w = get("plan.pem.parse_ms"), get("plan.p7b.parse_ms")
    rows.append(("  wall clock", f"{pw:.0f} / {p7w:.0f} ms", f"{p7w / pw:.2f}×"))
rows.append((f"build store {list_n} (one commit)", fmt(get("build.total_ms"), " ms", 0),
             f'store.db {get("store.db_mb"):.0f} MB' if get("store.db_mb") else ""))
for label, key in (("peak RSS: bare parse", "parse.bare.rss_kb"),
                   ("peak RSS: core import", "import.rss_kb"),
                   ("peak RSS: core import certs+keys", "importkeys.rss_kb"),
                   ("peak RSS: certkeeper-cli import", "cli_import.rss_kb"),
                   ("peak RSS: build store", "build.rss_kb"),
                   ("peak RSS: open + list", "list.rss_kb"),
                   ("peak RSS: certkeeper-cli list", "cli_table.rss_kb"),
                   ("peak RSS: certkeeper-cli list --json", "cli_list.rss_kb")):
    v = get(key)
    if v is not None:
        rows.append((label, f"{v / 1024:.0f} MiB", ""))
if get("callgrind.parse_ir_per_cert"):
    p, i = get("callgrind.parse_ir_per_cert"), get("callgrind.import_ir_per_cert")
    rows.append(("instructions per cert: parse / import", f"{p:.0f} / {i:.0f}",
                 verdict(i / p <= 2, "PASS", "FAIL") + f" ({i / p:.2f}×)"))
rows.append(("load average (start / end)",
             f'{fmt(get("load.start"), "", 1)} / {fmt(get("load.end"), "", 1)}',
             "idle enough for wall-clock verdicts" if idle else "busy: judge by CPU time"))

w = max(len(a) for a, _, _ in rows)
for a, b, c in rows:
    print(f"{a:<{w}}  {b:>16}  {c}")
EOF
cp "$results" "$data/last-results.txt"
echo >&2
echo "raw figures: $data/last-results.txt" >&2
