# shellcheck shell=bash
# What both smoke suites share: a fixtures directory mounted into the image at /smoke, a local
# HTTP server for downloads, running a resource command inside an image, and the checks of an
# image's size, config, user and links. The suites run once per platform, emulated or not, each
# run with fresh fixtures and servers. Sourced, not run.

# Scripts run in the image are single-quoted on purpose: $ belongs to the image's shell.
# shellcheck disable=SC2016

# What prepare_smoke sets for one run of a suite: the name its steps start with, its directory
# (the fixtures, and what the servers keep), and the fixtures directory mounted into the image.
SMOKE_NAME=""
RUN_DIR=""
SMOKE_DIR=""
HTTP_URL=""
IMAGE_BYTES=""

# prepare_smoke RESOURCE PLATFORM starts a run of the resource's suite in its image for PLATFORM:
# a fresh fixtures directory, so that the runs of the platforms do not see each other's results
# (out publishes), and an HTTP server of its own.
prepare_smoke() {
  SMOKE_NAME="$1 ($2)"
  RUN_DIR="$WORK_DIR/$1-$(platform_tag "$2")"
  SMOKE_DIR="$RUN_DIR/smoke"
  mkdir -p "$SMOKE_DIR/http/files" "$SMOKE_DIR/requests"
  # The images write results (meta4's downloads) there as their user.
  writable_by_image "$SMOKE_DIR/results"
  printf '0.9.0\n1.1.0\n1.0.0\n' >"$SMOKE_DIR/http/versions.txt"
  local version
  for version in 0.9.0 1.0.0 1.1.0; do
    printf 'hello from %s\n' "$version" >"$SMOKE_DIR/http/files/hello-$version.txt"
  done
  local log port
  log=$(run_log http)
  start_background "$log" python3 -u -m http.server --bind 127.0.0.1 --directory "$SMOKE_DIR/http" 0
  port=$(wait_for_line "$log" 'port ([0-9]+)')
  HTTP_URL="http://127.0.0.1:$port"
  say "fixtures served at $HTTP_URL"
}

# suite_step DESCRIPTION COMMAND...: a smoke_step of this run of a suite, named after its image.
suite_step() {
  smoke_step "$SMOKE_NAME: $1" "${@:2}"
}

# run_log NAME prints the path of the log of a server of this run of a suite.
run_log() {
  printf '%s\n' "$LOG_DIR/$1-${RUN_DIR##*/}.log"
}

# new_container RESOURCE PLATFORM prints the name of a fresh working container of the resource's
# image for PLATFORM.
new_container() {
  local tag
  tag=$(platform_tag "$2")
  bh from --pull-never --platform "$2" --name "smoke-$1-$tag" "localhost/$1:$tag"
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

# expect_serve CONTAINER FETCH REPOSITORY NAME WANT: meta4-repo serve, started in the image over
# REPOSITORY, answers /name/NAME with the bytes of the file WANT (fetched by the image's own client,
# FETCH: "curl -fsS" or busybox "wget -q -O -"), verified from the file's mirror on the way; then
# SIGTERM ends it with status 0.
expect_serve() {
  local container=$1 fetch=$2 repository=$3 name=$4 want=$5 port out
  port=$(free_port)
  out="$SMOKE_DIR/results/served-$name"
  run_in "$container" -- sh -euc '
    cache=$(mktemp -d)
    meta4-repo serve --listen "127.0.0.1:$2" --cache "$cache" "$3" 2>"$cache.log" &
    server=$!
    tries=0
    until $1 "http://127.0.0.1:$2/name/$4" >"$5" 2>/dev/null; do
      tries=$((tries + 1))
      if [ "$tries" -ge 100 ]; then cat "$cache.log"; kill "$server"; exit 1; fi
      sleep 0.2
    done
    kill -TERM "$server"
    wait "$server"
  ' serve "$fetch" "$port" "$repository" "$name" "/smoke/results/served-$name"
  expect_same_file "$out" "$want"
}

# writable_by_image DIR...: makes each DIR (and what is in it) the image user's, as Concourse
# (since concourse/concourse#9593) hands a non-root resource the directories of its step.
writable_by_image() {
  mkdir -p "$@"
  chown -R "$IMAGE_USER" "$@"
}

# image_platform REF prints the image's os/architecture.
image_platform() {
  bh inspect --type image --format '{{.OCIv1.OS}}/{{.OCIv1.Architecture}}' "$1"
}

# measure_image REF sets IMAGE_BYTES to the size of the image's root filesystem, unpacked: the
# apparent size of its files, as a pull extracts them. A variable rather than output, so that a
# failure is not lost inside $(...).
measure_image() {
  local container mount
  container=$(bh from --pull-never "$1" 2>>"$LOG_DIR/buildah.log")
  mount=$(bh mount "$container")
  IMAGE_BYTES=$(du -s --apparent-size --block-size=1 "$mount" | cut -f1)
  bh umount "$container" >/dev/null
  bh rm "$container" >/dev/null
  [[ $IMAGE_BYTES =~ ^[0-9]+$ ]] || die "cannot measure $1"
}

# smoke_image_config RESOURCE PLATFORM: what every built image is checked for, run or not: the
# platform in its config, its unpacked size within the budget, its config (user, labels), and
# the architecture of its executables.
smoke_image_config() {
  local resource=$1 platform=$2 ref budget=${BUDGET_MB[$1 $2]:-${BUDGET_MB[$1]}}
  ref="localhost/$resource:$(platform_tag "$platform")"
  smoke_step "$resource ($platform): the image's config says $platform" \
    expect_image_platform "$ref" "$platform"
  measure_image "$ref"
  IMAGE_SIZES+=("$(printf '%-20s %-12s %6.1f MB  (budget %d MB)' "$resource" "$platform" \
    "$(echo "$IMAGE_BYTES" | awk '{ print $1 / 1000000 }')" "$budget")")
  smoke_step "$resource ($platform): at most $budget MB unpacked" \
    expect_at_most "$IMAGE_BYTES" "$((budget * 1000000))"
  smoke_step "$resource ($platform): the config says user $IMAGE_USER and the OCI labels" \
    expect_image_config "$ref"
  smoke_step "$resource ($platform): its executables and shell are $platform ELF files" \
    expect_image_elf "$ref" "$platform" "${EXECUTABLES[$resource]}" /bin/sh
}

# expect_image_platform REF PLATFORM
expect_image_platform() {
  local platform
  platform=$(image_platform "$1")
  echo "$1 is for $platform"
  [ "$platform" = "$2" ] || { echo "not for $2"; return 1; }
}

# expect_at_most BYTES LIMIT
expect_at_most() {
  echo "$1 bytes, limit $2"
  [ "$1" -le "$2" ] || { echo "over the budget by $(($1 - $2)) bytes"; return 1; }
}

# expect_image_config REF: the image's config names IMAGE_USER and carries LABELS.
expect_image_config() {
  local ref=$1 user label value
  user=$(bh inspect --type image --format '{{.OCIv1.Config.User}}' "$ref")
  [ "$user" = "$IMAGE_USER" ] || { echo "the config's User is '$user', not $IMAGE_USER"; return 1; }
  for label in "${!LABELS[@]}"; do
    value=$(bh inspect --type image --format "{{index .OCIv1.Config.Labels \"$label\"}}" "$ref")
    [ "$value" = "${LABELS[$label]}" ] || { echo "label $label is '$value', not '${LABELS[$label]}'"; return 1; }
  done
}

# expect_elf_platform FILE PLATFORM: FILE is an ELF executable for PLATFORM's architecture.
expect_elf_platform() {
  local file=$1 machine want
  case ${2#linux/} in
    amd64) want=62 ;;
    arm64) want=183 ;;
    *) echo "no ELF machine number known for $2"; return 1 ;;
  esac
  [ "$(head -c 4 "$file" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || { echo "$file is not ELF"; return 1; }
  machine=$(od -An -tu2 -j18 -N2 "$file" | tr -d ' ')
  [ "$machine" = "$want" ] || { echo "$file is for ELF machine $machine, not $want ($2)"; return 1; }
  echo "$file: ELF machine $machine"
}

# expect_image_elf REF PLATFORM PATH...: each PATH of the image, its links followed inside the
# image, is an ELF executable for PLATFORM.
expect_image_elf() {
  local ref=$1 platform=$2 container mount path
  shift 2
  container=$(bh from --pull-never "$ref" 2>>"$LOG_DIR/buildah.log")
  mount=$(bh mount "$container")
  for path in "$@"; do
    expect_elf_platform "$mount$(resolve_in "$mount" "$path")" "$platform"
  done
  bh umount "$container" >/dev/null
  bh rm "$container" >/dev/null
}

# resolve_in ROOT PATH prints PATH with its symbolic links followed as they would be inside ROOT.
resolve_in() {
  local root=$1 path=$2 target hops=0
  while [ -L "$root$path" ]; do
    hops=$((hops + 1))
    [ "$hops" -le 20 ] || { echo "too many links at $path" >&2; return 1; }
    target=$(readlink "$root$path")
    if [[ $target == /* ]]; then
      path=$target
    else
      path="$(dirname "$path")/$target"
    fi
  done
  printf '%s\n' "$path"
}

# expect_user_environment CONTAINER: a process started as the image says runs as IMAGE_USER with
# its name, which /etc/passwd and /etc/group give the same ids, and has what the resource needs: a
# writable HOME and TMPDIR (/tmp, sticky), and the CA bundle at the path Go and curl read.
expect_user_environment() {
  run_in "$1" -- sh -euc '
    echo "uid $(id -u) gid $(id -g) user $(id -un) HOME=$HOME"
    test "$(id -u):$(id -g)" = "$1"
    test "$(id -un)" = "$2"
    # id reads the process, not the files: the name must own the same ids in both.
    user=$(while IFS=: read -r name _ uid gid _; do if [ "$name" = "$2" ]; then echo "$uid:$gid"; fi; done </etc/passwd)
    group=$(while IFS=: read -r name _ gid _; do if [ "$name" = "$2" ]; then echo "$gid"; fi; done </etc/group)
    echo "/etc/passwd: $2 is $user; /etc/group: $2 is ${group:-missing}"
    test "$user" = "$1"
    test "$group" = "${1#*:}"
    test "$HOME" = "/home/$2"
    touch "$HOME/.smoke" && rm "$HOME/.smoke"
    test -k /tmp
    file=$(mktemp) && rm "$file"
    test -s /etc/ssl/certs/ca-certificates.crt
  ' user "$IMAGE_USER" "$IMAGE_USER_NAME"
}

# expect_links CONTAINER EXECUTABLE: check, in and out in /opt/resource and meta4 and meta4-repo
# on PATH are links to EXECUTABLE, a root-owned file anyone may run.
expect_links() {
  run_in "$1" -- sh -euc '
    for name in /opt/resource/check /opt/resource/in /opt/resource/out \
      "$(command -v meta4)" "$(command -v meta4-repo)"; do
      target=$(readlink -f "$name")
      echo "$name -> $target"
      test "$target" = "$1"
    done
    test "$(stat -c "%u:%g %a" "$1")" = "0:0 755"
  ' links "$2"
}
