# shellcheck shell=bash
# Helpers shared by ci/images and its smoke suites: logging, timings, background processes,
# buildah with the run's private storage, and assertions. Sourced, not run.

say() { printf '%s images: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

die() {
  say "error: $*"
  exit 1
}

# Timings, results, image sizes, archives and what could not be built, printed by print_summary;
# FAILURES counts failed builds and smoke steps.
declare -a SUMMARY_TIMINGS=() SUMMARY_RESULTS=() IMAGE_SIZES=() ARCHIVES=() NOT_BUILT=()
FAILURES=0

# timed LABEL COMMAND...: runs COMMAND and records how long it took. Called plainly, a failure
# inside COMMAND ends the script as usual; called as a condition, its status is passed on.
timed() {
  local label=$1 started=$SECONDS
  shift
  "$@"
  local status=$?
  SUMMARY_TIMINGS+=("$(printf '%-40s %4ds' "$label" $((SECONDS - started)))")
  return "$status"
}

# Background processes this run started, by pid, so that cleanup stops exactly those.
declare -a BACKGROUND_PIDS=()

# start_background LOG COMMAND...: starts COMMAND with its output in LOG.
start_background() {
  local log=$1
  shift
  # Made first, so that wait_for_line can read it before the command writes.
  : >"$log"
  "$@" >"$log" 2>&1 &
  BACKGROUND_PIDS+=("$!")
}

stop_background() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  BACKGROUND_PIDS=()
}

# wait_for_line LOG REGEX: waits up to 20 s for a line matching REGEX (a sed -E pattern with
# one group) in LOG and prints the group, e.g. the port a server chose.
wait_for_line() {
  local log=$1 regex=$2 found
  for _ in $(seq 200); do
    found=$(sed -n -E "s/.*${regex}.*/\\1/p" "$log" | head -n 1)
    if [ -n "$found" ]; then
      printf '%s\n' "$found"
      return 0
    fi
    sleep 0.1
  done
  die "no line matching /$regex/ in $log: $(tail -n 5 "$log")"
}

# free_port prints a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_port PORT: waits up to 20 s for a listener on 127.0.0.1:PORT.
wait_for_port() {
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$1"
}

# bh runs buildah (chroot isolation, vfs) against this run's own storage, so that nothing
# outside WORK_DIR is touched except the Go build cache that buildah keeps under its TMPDIR.
bh() {
  TMPDIR="$BUILDAH_TMP" BUILDAH_ISOLATION=chroot \
    buildah --root "$WORK_DIR/storage" --runroot "$WORK_DIR/run" --storage-driver vfs "$@"
}

# record_failure NAME: a failed build or smoke step, for the summary and the exit status.
record_failure() {
  SUMMARY_RESULTS+=("FAIL  $1")
  FAILURES=$((FAILURES + 1))
}

# smoke_step NAME COMMAND...: runs one smoke check with errexit on, logs its output, records
# PASS or FAIL and goes on with the next step either way.
smoke_step() {
  local name=$1 log rc
  shift
  log="$LOG_DIR/smoke-$(printf '%s' "$name" | tr -cs 'A-Za-z0-9' '-').log"
  set +e
  (
    set -euo pipefail
    "$@"
  ) >"$log" 2>&1
  rc=$?
  set -e
  if [ "$rc" -eq 0 ]; then
    SUMMARY_RESULTS+=("PASS  $name")
    say "PASS $name"
  else
    record_failure "$name"
    say "FAIL $name (exit $rc); last lines of $log:"
    tail -n 15 "$log" | sed 's/^/    /' >&2
  fi
}

# expect_json FILE EXPECTED: FILE holds the same JSON value as EXPECTED, keys in any order.
expect_json() {
  local actual expected
  actual=$(jq -S -c . "$1")
  expected=$(jq -S -c . <<<"$2")
  if [ "$actual" != "$expected" ]; then
    echo "expected $expected, got $actual"
    return 1
  fi
}

# expect_jq FILE FILTER [JQ_ARGS...]: the jq FILTER is true for the JSON in FILE.
expect_jq() {
  local file=$1 filter=$2
  shift 2
  if ! jq -e "$@" "$filter" "$file" >/dev/null; then
    echo "expected $filter to hold for $(jq -c . "$file")"
    return 1
  fi
}

# expect_same_file A B
expect_same_file() {
  if ! cmp "$1" "$2"; then
    echo "$1 differs from $2"
    return 1
  fi
}

# expect_failure LOG PATTERN COMMAND...: COMMAND exits non-zero and says PATTERN (grep -E) on
# its output.
expect_failure() {
  local log=$1 pattern=$2
  shift 2
  if "$@" >"$log" 2>&1; then
    echo "expected failure, but it succeeded: $(cat "$log")"
    return 1
  fi
  cat "$log"
  if ! grep -q -E "$pattern" "$log"; then
    echo "failure does not mention /$pattern/"
    return 1
  fi
}

print_summary() {
  local line
  echo
  echo "=== images: times"
  for line in "${SUMMARY_TIMINGS[@]}"; do echo "  $line"; done
  if [ ${#IMAGE_SIZES[@]} -gt 0 ]; then
    echo "=== images: sizes (unpacked)"
    for line in "${IMAGE_SIZES[@]}"; do echo "  $line"; done
  fi
  if [ ${#ARCHIVES[@]} -gt 0 ]; then
    echo "=== images: OCI archives (gzip layers)"
    for line in "${ARCHIVES[@]}"; do echo "  $line"; done
  fi
  if [ ${#NOT_BUILT[@]} -gt 0 ]; then
    echo "=== images: not built"
    for line in "${NOT_BUILT[@]}"; do echo "  $line"; done
  fi
  if [ ${#SUMMARY_RESULTS[@]} -gt 0 ]; then
    echo "=== images: smoke"
    for line in "${SUMMARY_RESULTS[@]}"; do echo "  $line"; done
  fi
  echo "=== images: logs in $LOG_DIR"
}
