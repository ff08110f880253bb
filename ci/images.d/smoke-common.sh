# shellcheck shell=bash
# What both smoke suites share: a fixtures directory mounted into the image at /smoke, a local
# HTTP server for downloads, and running a resource command inside an image. Sourced, not run.

SMOKE_DIR=""
HTTP_URL=""

# prepare_smoke makes the fixtures directory and starts the HTTP server once per run.
prepare_smoke() {
  [ -z "$SMOKE_DIR" ] || return 0
  SMOKE_DIR="$WORK_DIR/smoke"
  mkdir -p "$SMOKE_DIR/http/files" "$SMOKE_DIR/requests" "$SMOKE_DIR/results"
  printf '0.9.0\n1.1.0\n1.0.0\n' >"$SMOKE_DIR/http/versions.txt"
  local version
  for version in 0.9.0 1.0.0 1.1.0; do
    printf 'hello from %s\n' "$version" >"$SMOKE_DIR/http/files/hello-$version.txt"
  done
  local log="$LOG_DIR/http.log" port
  start_background "$log" python3 -u -m http.server --bind 127.0.0.1 --directory "$SMOKE_DIR/http" 0
  port=$(wait_for_line "$log" 'port ([0-9]+)')
  HTTP_URL="http://127.0.0.1:$port"
  say "fixtures served at $HTTP_URL"
}

# new_container RESOURCE prints the name of a fresh working container of the resource's image.
new_container() {
  bh from --pull-never --name "smoke-$1" "localhost/$1:latest"
}

# run_in CONTAINER [buildah run options] -- COMMAND...: runs COMMAND in the container with the
# fixtures at /smoke. stdin and stdout pass through, as Concourse connects them.
run_in() {
  local container=$1 options=()
  shift
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    options+=("$1")
    shift
  done
  shift
  bh run -v "$SMOKE_DIR:/smoke" "${options[@]}" "$container" -- "$@"
}

# request NAME JQ_ARGS... FILTER: writes a request built by jq -n and prints its path.
request() {
  local path="$SMOKE_DIR/requests/$1.json"
  shift
  jq -n "$@" >"$path"
  printf '%s\n' "$path"
}
