#!/bin/sh
# Runs every benchmark program in BUILD_DIR/bench (bench_*) and prints one
# table of their results: benchmark | input MB | MB/s | target | peak RSS
# MiB | status | details. Called by `make bench` as
#   sh scripts/bench.sh BUILD_DIR
# Benchmarks inform, they do not gate: the script exits 0 whether targets
# are met (PASS) or missed (FAIL), and a program that fails or crashes gets
# an ERROR row. It exits non-zero only when there is nothing to run.
#
# What a program prints (one line each, on stdout; see docs/benchmarks.md):
#   bench NAME key value key value ... [error MESSAGE...]   one table row
#   note MESSAGE...                                           printed under the table
#   key value key value ...   (or key=value ...)              a row named after the program
# Known keys: input_mb, mb_s, target_mb_s, rss_kib (or any *_rss_kib),
# status (PASS or FAIL, for targets that are not MB/s), best_mb_s,
# cpu_mb_s, sent_s, rss_ratio, reps, cpu, pages; other keys go to the
# details column (a unit suffix such as _ms or _kib is shown as a unit).
#
# Environment: CTIX_BENCH_TIMEOUT (seconds per program, default 1200);
# CTIX_BENCH_SIZE and CTIX_BENCH_REPS are read by bench_document.
set -u

BUILD_DIR=${1:-build-release}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
TIMEOUT=${CTIX_BENCH_TIMEOUT:-1200}

if [ ! -d "$BUILD_DIR/bench" ]; then
  echo "bench.sh: $BUILD_DIR/bench does not exist; build first (make bench)" >&2
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ctix-bench.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# Run each program, recording its exit status and the tail of its stderr.
: >"$tmp/all"
count=0
for prog in "$BUILD_DIR"/bench/bench_*; do
  name=$(basename "$prog")
  case $name in *.*) continue ;; esac
  if [ ! -f "$prog" ] || [ ! -x "$prog" ]; then continue; fi
  count=$((count + 1))
  echo "bench.sh: running $name ..." >&2
  if command -v timeout >/dev/null 2>&1; then
    timeout "$TIMEOUT" "$prog" >"$tmp/out" 2>"$tmp/err"
  else
    "$prog" >"$tmp/out" 2>"$tmp/err"
  fi
  rc=$?
  {
    echo "@@prog $name $rc"
    cat "$tmp/out"
    if [ "$rc" -ne 0 ]; then
      tail -n 3 "$tmp/err" | sed 's/^/@@err /'
    fi
  } >>"$tmp/all"
done

if [ "$count" -eq 0 ]; then
  echo "bench.sh: no bench_* programs in $BUILD_DIR/bench (is CTIX_BENCH on?)" >&2
  exit 1
fi

# Facts about the run, so numbers from different days can be compared.
cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
cores=$(nproc 2>/dev/null || echo "?")
load=$(cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "?")
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null)
compiler=$(sed -n 's/^CMAKE_C_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git status --porcelain 2>/dev/null | head -n 1)" ]; then
  rev="$rev+local changes"
fi

echo
echo "ctix benchmarks  $(date -u '+%Y-%m-%d %H:%M UTC')  rev $rev"
echo "machine: ${cpu_model:-unknown CPU}, $cores cores, load average $load"
echo "build: $BUILD_DIR (${build_type:-?}, ${compiler:-cc})"
echo

awk '
function flush_prog() {
  if (prog == "") return
  if (rc != 0 && rc != "") {
    if (rc == 124) msg = "timed out"
    else if (rc > 128) msg = "killed by signal " (rc - 128)
    else msg = "exited with status " rc
    if (errtail[prog] != "") msg = msg ":" errtail[prog]
    add_row(prog, "", "", "", "", "ERROR", msg)
  } else if (rows_of_prog == 0) {
    add_row(prog, "", "", "", "", "ERROR", "printed no result")
  }
  prog = ""
}
function add_row(name, input, mbs, target, rss, status, details) {
  n++
  c[n, 1] = name; c[n, 2] = input; c[n, 3] = mbs; c[n, 4] = target
  c[n, 5] = rss; c[n, 6] = status; c[n, 7] = details
  rows_of_prog++
}
function num(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
function human(v) {
  if (v >= 1e6) return sprintf("%.2fM", v / 1e6)
  if (v >= 1e3) return sprintf("%.1fk", v / 1e3)
  return v
}
function join(a, b) { return a == "" ? b : a ", " b }
# Parses fields from..NF as key value / key=value pairs into a row.
function parse_row(name, from,    i, k, v, kv, input, mbs, target, rss, err, d, extra, short, busy, status, unit, u, order, nk, o) {
  delete kv
  delete order
  nk = 0; err = ""; extra = ""
  for (i = from; i <= NF; i++) {
    k = $i
    if (k == "error") {
      err = $(i + 1)
      for (i += 2; i <= NF; i++) err = err " " $i
      if (err == "") err = "failed"
      break
    }
    if (index(k, "=") > 1) {
      v = substr(k, index(k, "=") + 1); k = substr(k, 1, index(k, "=") - 1)
    } else {
      v = $(i + 1); i++
    }
    if (!(k in kv)) order[++nk] = k
    kv[k] = v
  }
  input = ("input_mb" in kv) ? kv["input_mb"] : ""
  mbs = ("mb_s" in kv) ? kv["mb_s"] : ""
  target = ("target_mb_s" in kv) ? kv["target_mb_s"] : ""
  rss = ""
  for (k in kv) {
    if (k == "rss_kib" || (k ~ /rss_kib$/ && k != "base_rss_kib" && rss == ""))
      if (num(kv[k])) rss = sprintf("%.1f", kv[k] / 1024)
    if (k ~ /rss_mib$/ && rss == "" && num(kv[k])) rss = sprintf("%.1f", kv[k])
  }
  d = ""
  if ("best_mb_s" in kv) d = join(d, "best " kv["best_mb_s"] " MB/s")
  if ("cpu_mb_s" in kv) d = join(d, "CPU-time " kv["cpu_mb_s"] " MB/s")
  if ("sent_s" in kv && num(kv["sent_s"])) d = join(d, human(kv["sent_s"]) " sentences/s")
  if ("rss_ratio" in kv) d = join(d, "RSS " kv["rss_ratio"] "x input")
  if ("rss_includes_setup" in kv) d = join(d, "peak includes input setup")
  if ("corpus_fallback" in kv) d = join(d, "FALLBACK corpus examples/")
  if ("pages" in kv) d = join(d, kv["pages"] " pages/rep")
  if ("reps" in kv) d = join(d, kv["reps"] " reps")
  if ("cpu" in kv) d = join(d, kv["cpu"] == -1 ? "not pinned" : "cpu " kv["cpu"])
  for (o = 1; o <= nk; o++) {
    k = order[o]
    if (k ~ /^(input_mb|mb_s|target_mb_s|best_mb_s|cpu_mb_s|sent_s|rss_ratio|rss_includes_setup|corpus_fallback|pages|reps|cpu|sentences|blocks|out_mb|base_rss_kib|status)$/) continue
    if (k ~ /rss_kib$/ || k ~ /rss_mib$/) continue
    short = k; sub("^" name "_", "", short)
    unit = ""
    for (u in units) if (short ~ ("_" u "$")) { unit = units[u]; sub("_" u "$", "", short) }
    gsub(/_/, " ", short)
    if (unit != "") extra = join(extra, short " " kv[k] " " unit)
    else extra = join(extra, short "=" kv[k])
  }
  if (extra != "") d = join(d, extra)
  if (err != "") {
    add_row(name, input, "", target, rss, "ERROR", err)
    return
  }
  # Wall-clock rate well below the CPU-time rate: other processes took the CPU.
  busy = ("cpu_mb_s" in kv) && num(kv["cpu_mb_s"]) && num(mbs) && kv["cpu_mb_s"] > 1.25 * mbs
  if (busy) busy_rows++
  if (("status" in kv) && kv["status"] ~ /^(PASS|FAIL)$/) {
    add_row(name, input, mbs, target, rss, kv["status"], d)
  } else if (target != "" && mbs != "" && num(target) && num(mbs)) {
    status = (mbs + 0 >= target + 0) ? "PASS" : "FAIL"
    if (status == "FAIL" && busy && kv["cpu_mb_s"] + 0 >= target + 0) {
      status = "FAIL*"
      star = 1
    }
    add_row(name, input, mbs, target, rss, status, d)
  } else
    add_row(name, input, mbs, target, rss, "-", d)
}
# Is the current line made only of key value (or key=value) pairs?
function is_kv(    i, eq) {
  eq = 1
  for (i = 1; i <= NF; i++) if (index($i, "=") <= 1) eq = 0
  if (eq && NF > 0) return 1
  if (NF < 2 || NF % 2) return 0
  for (i = 1; i <= NF; i += 2) if ($i !~ /^[a-z][a-z0-9_]*$/) return 0
  return 1
}
BEGIN {
  n = 0; nn = 0; prog = ""; star = 0; busy_rows = 0
  units["ms"] = "ms"; units["us"] = "us"; units["ns"] = "ns"; units["s"] = "s"
  units["kib"] = "KiB"; units["mib"] = "MiB"; units["mb"] = "MB"
}
/^@@prog / { flush_prog(); prog = $2; rc = $3; rows_of_prog = 0; errtail[prog] = ""; next }
/^@@err / { errtail[prog] = errtail[prog] " " substr($0, 7); next }
NF == 0 { next }
$1 == "note" { notes[++nn] = substr($0, index($0, "note") + 5); next }
$1 == "bench" && NF >= 2 { parse_row($2, 3); next }
is_kv() { name = prog; sub(/^bench_/, "", name); parse_row(name, 1); next }
{ notes[++nn] = prog ": " $0 }
END {
  flush_prog()
  h[1] = "benchmark"; h[2] = "input MB"; h[3] = "MB/s"; h[4] = "target"
  h[5] = "peak RSS MiB"; h[6] = "status"; h[7] = "details"
  for (j = 1; j <= 7; j++) {
    w[j] = length(h[j])
    for (i = 1; i <= n; i++) {
      if (j == 4 && c[i, 4] != "") c[i, 4] = ">= " c[i, 4]
      if (c[i, j] == "") c[i, j] = "-"
      if (length(c[i, j]) > w[j]) w[j] = length(c[i, j])
    }
  }
  line = "|"; sep = "|"
  for (j = 1; j <= 7; j++) {
    line = line sprintf(" %-" w[j] "s |", h[j])
    dash = ""; for (k = 0; k < w[j]; k++) dash = dash "-"
    if (j >= 2 && j <= 5) dash = substr(dash, 2) ":"
    sep = sep " " dash " |"
  }
  print line; print sep
  for (i = 1; i <= n; i++) {
    line = "|"
    for (j = 1; j <= 7; j++) {
      if (j >= 2 && j <= 5) line = line sprintf(" %" w[j] "s |", c[i, j])
      else line = line sprintf(" %-" w[j] "s |", c[i, j])
    }
    print line
    if (c[i, 6] == "PASS") pass++
    else if (c[i, 6] ~ /^FAIL/) fail++
    else if (c[i, 6] == "ERROR") errs++
  }
  printf "\n%d rows: %d PASS, %d FAIL, %d ERROR (targets inform, they do not fail the build)\n",
         n, pass, fail, errs
  if (star)
    print "FAIL*: misses the target on wall-clock time but meets it on CPU time; the machine was busy, rerun when it is idle"
  if (busy_rows)
    printf "warning: %d row(s) ran at least 25%% slower on the wall clock than on CPU time: other processes were using the CPU\n", busy_rows
  for (i = 1; i <= nn; i++) print "note: " notes[i]
}
' "$tmp/all"
exit 0
