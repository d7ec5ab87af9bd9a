# Helpers shared by the benchmark scripts (sourced by bench-scale, bench-anserini and
# bench-anserini-impact; not run on its own).

# anserini_jar VERSION: the path of Anserini's fatjar in the local Maven repository, fetched from
# Maven Central when absent; fails when it cannot be fetched (callers: jar="$(anserini_jar V)" || exit 1).
anserini_jar() {
  local jar="$HOME/.m2/repository/io/anserini/anserini/$1/anserini-$1-fatjar.jar"
  [ -f "$jar" ] || mvn -B -q dependency:get -Dartifact="io.anserini:anserini:$1:jar:fatjar" -Dtransitive=false >&2 \
    || { echo "could not fetch Anserini $1's fatjar from Maven Central" >&2; return 1; }
  echo "$jar"
}

# timed_run TIMEFILE LABEL LOG COMMAND...: runs COMMAND under /usr/bin/time with its output in LOG and
# prints "wall user sys kb" (seconds, CPU seconds, peak RSS in KiB of the whole process); if it
# fails, names the log, shows its end and returns 1.
timed_run() {
  local t="$1" label="$2" log="$3"; shift 3
  /usr/bin/time -f '%e %U %S %M' -o "$t" "$@" > "$log" 2>&1 \
    || { echo "$label failed: see $log" >&2; tail -5 "$log" >&2; return 1; }
  cat "$t"
}

# run_order RUN: the run's first five columns, by query and then rank (systems write queries in
# different orders; a run is compared per query, in rank order).
run_order() { cut -d' ' -f1-5 "$1" | sort -s -k1,1 -k4,4n; }

# same_run RUN REFERENCE: succeeds when the runs are equal per query in docids, ranks and scores.
same_run() { cmp -s <(run_order "$1") <(run_order "$2"); }

# differing_lines RUN REFERENCE: how many of RUN's lines are not in REFERENCE (per query, in rank order).
differing_lines() { diff <(run_order "$1") <(run_order "$2") | grep -c '^<' || true; }
