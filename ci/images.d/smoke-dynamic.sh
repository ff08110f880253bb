# shellcheck shell=bash
# Smoke suite for the dynamic-metalink image: check, in and out run inside the image as its
# user, with scripts that use the image's curl, jq and coreutils against the local HTTP server,
# and gpg verifying a signature. Sourced.

# jq programs and in-image scripts are single-quoted on purpose: $ belongs to jq or the image.
# shellcheck disable=SC2016

DYNAMIC_CONTAINER=""

# dynamic_metalink_get [SHA256]: the metalink_get script, which downloads the version's file
# with curl and prints its metalink with jq. Given SHA256, it publishes that hash instead of the
# real one, as a tampered upstream would.
dynamic_metalink_get() {
  local sha256=${1:-'$(sha256sum download | cut -d " " -f 1)'}
  cat <<SCRIPT
url="$HTTP_URL/files/hello-\${version}.txt"
curl -fsS -o download "\$url"
jq -n --arg url "\$url" --arg sha256 "$sha256" --argjson size "\$(stat -c %s download)" \\
  '{files: [{name: "hello-\(env.version).txt", version: env.version, size: \$size,
     urls: [{url: \$url}], hashes: [{type: "sha-256", hash: \$sha256}]}]}'
SCRIPT
}

# dynamic_source [SHA256]: the source a pipeline would configure.
dynamic_source() {
  jq -n --arg check "curl -fsS $HTTP_URL/versions.txt" --arg get "$(dynamic_metalink_get "$@")" \
    '{version_check: $check, metalink_get: $get}'
}

dynamic_check_latest() {
  local req out="$SMOKE_DIR/results/dynamic-check-latest.json"
  req=$(request dynamic-check-latest --argjson source "$(dynamic_source)" '{source: $source}')
  run_in "$DYNAMIC_CONTAINER" -- /opt/resource/check <"$req" >"$out"
  expect_json "$out" '[{"version":"1.1.0"}]'
}

dynamic_check_from_version() {
  local req out="$SMOKE_DIR/results/dynamic-check-from.json"
  req=$(request dynamic-check-from --argjson source "$(dynamic_source)" \
    '{source: $source, version: {version: "1.0.0"}}')
  run_in "$DYNAMIC_CONTAINER" -- /opt/resource/check <"$req" >"$out"
  expect_json "$out" '[{"version":"1.0.0"},{"version":"1.1.0"}]'
}

dynamic_check_as_nobody() {
  local req out="$SMOKE_DIR/results/dynamic-check-nobody.json"
  req=$(request dynamic-check-nobody --argjson source "$(dynamic_source)" '{source: $source}')
  run_in "$DYNAMIC_CONTAINER" --user 65534:65534 -- /opt/resource/check <"$req" >"$out"
  expect_json "$out" '[{"version":"1.1.0"}]'
}

dynamic_in() {
  local req out="$SMOKE_DIR/results/dynamic-in.json" dest="$SMOKE_DIR/dynamic-in"
  writable_by_image "$dest"
  req=$(request dynamic-in --argjson source "$(dynamic_source)" \
    '{source: $source, version: {version: "1.1.0"}, params: {}}')
  run_in "$DYNAMIC_CONTAINER" -- /opt/resource/in /smoke/dynamic-in <"$req" >"$out"
  expect_jq "$out" '.version == {version: "1.1.0"}'
  expect_jq "$out" '.metadata[0] == {name: "files", value: "1"}'
  expect_same_file "$dest/hello-1.1.0.txt" "$SMOKE_DIR/http/files/hello-1.1.0.txt"
  test -s "$dest/.resource/metalink.meta4"
  grep -q 'hello-1.1.0.txt' "$dest/.resource/metalink.meta4"
}

dynamic_in_rejects_bad_hash() {
  local req dest="$SMOKE_DIR/dynamic-in-bad"
  writable_by_image "$dest"
  req=$(request dynamic-in-bad --argjson source "$(dynamic_source "$(printf '0%.0s' {1..64})")" \
    '{source: $source, version: {version: "1.0.0"}, params: {}}')
  expect_failure "$SMOKE_DIR/results/dynamic-in-bad.log" 'sha-256|hash' \
    run_in "$DYNAMIC_CONTAINER" -- /opt/resource/in /smoke/dynamic-in-bad <"$req"
  test ! -e "$dest/hello-1.0.0.txt"
}

dynamic_out_unsupported() {
  local req
  req=$(request dynamic-out --argjson source "$(dynamic_source)" '{source: $source, params: {}}')
  expect_failure "$SMOKE_DIR/results/dynamic-out.log" 'not supported' \
    run_in "$DYNAMIC_CONTAINER" -- /opt/resource/out /smoke <"$req"
}

# The tools the examples' scripts rely on are on PATH in the image, and git (without the perl
# modules and servers the image leaves out) commits and clones.
dynamic_tools() {
  run_in "$DYNAMIC_CONTAINER" -- bash -euo pipefail -c '
    for tool in bash curl jq git gpg gpg-agent ssh sha256sum stat cut sort perl; do command -v "$tool"; done
    cd "$(mktemp -d)"
    git init --quiet a
    git -C a -c user.name=smoke -c user.email=smoke@localhost commit --quiet --allow-empty -m one
    git clone --quiet "file://$PWD/a" b
    git -C b log --oneline
  '
}

# meta4 and meta4-repo are on PATH for scripts: a metalink_get-style import of the file the HTTP
# server holds, published to and queried from a file repository, all inside the image.
dynamic_meta4_tools() {
  local out="$SMOKE_DIR/results/dynamic-tools.txt"
  run_in "$DYNAMIC_CONTAINER" -- bash -euo pipefail -c '
    cd "$(mktemp -d)"
    meta4 import-url --version 1.1.0 "$1/files/hello-1.1.0.txt"
    meta4-repo put "file:///smoke/results/repo" metalink.meta4 --name v1.1.0.meta4
    meta4-repo filter --format=version "file:///smoke/results/repo"
  ' smoke "$HTTP_URL" >"$out"
  [ "$(cat "$out")" = "1.1.0" ] || { echo "meta4-repo filter printed $(cat "$out")"; return 1; }
}

# make_signature signs a fixture with a key made for this run, and exports the key: what an
# author's script would fetch and check with gpg. The agent that made the key is stopped.
make_signature() {
  local home="$RUN_DIR/gnupg"
  mkdir -m 0700 "$home"
  mkdir -p "$SMOKE_DIR/gpg"
  GNUPGHOME=$home gpg --batch --quiet --passphrase '' --quick-gen-key 'smoke <smoke@localhost>' ed25519 sign never
  GNUPGHOME=$home gpg --batch --armor --export >"$SMOKE_DIR/gpg/key.asc"
  GNUPGHOME=$home gpg --batch --armor --detach-sign -o "$SMOKE_DIR/gpg/hello-1.1.0.txt.asc" \
    "$SMOKE_DIR/http/files/hello-1.1.0.txt"
  GNUPGHOME=$home gpgconf --kill all
}

# gpg imports the key and verifies the signature of the file it signed, not of another file, as
# the image's user with a fresh GNUPGHOME; the agent, if gpg started one, is stopped.
dynamic_gpg() {
  run_in "$DYNAMIC_CONTAINER" -- bash -euo pipefail -c '
    GNUPGHOME=$(mktemp -d)
    export GNUPGHOME
    trap "gpgconf --kill all" EXIT
    gpg --batch --import /smoke/gpg/key.asc
    gpg --batch --verify /smoke/gpg/hello-1.1.0.txt.asc /smoke/http/files/hello-1.1.0.txt
    if gpg --batch --verify /smoke/gpg/hello-1.1.0.txt.asc /smoke/http/files/hello-1.0.0.txt; then
      echo "a signature of another file verified"
      exit 1
    fi
  '
}

# smoke_dynamic_metalink PLATFORM
smoke_dynamic_metalink() {
  prepare_smoke dynamic-metalink "$1"
  make_signature
  DYNAMIC_CONTAINER=$(new_container dynamic-metalink "$1")
  suite_step "runs as $IMAGE_USER_NAME ($IMAGE_USER) with a writable HOME and /tmp" \
    expect_user_environment "$DYNAMIC_CONTAINER"
  suite_step "check, in, out, meta4 and meta4-repo are links to one executable" \
    expect_links "$DYNAMIC_CONTAINER" "${EXECUTABLES[dynamic-metalink]}"
  suite_step "the image has the scripts' tools" dynamic_tools
  suite_step "gpg imports a key and verifies a signature" dynamic_gpg
  suite_step "check answers the latest version" dynamic_check_latest
  suite_step "check lists versions from the current one" dynamic_check_from_version
  suite_step "check runs as an unprivileged user" dynamic_check_as_nobody
  suite_step "in downloads and verifies a file" dynamic_in
  suite_step "in refuses a file whose hash differs" dynamic_in_rejects_bad_hash
  suite_step "out says put is not supported" dynamic_out_unsupported
  suite_step "meta4 and meta4-repo run in the image" dynamic_meta4_tools
  suite_step "meta4-repo serve hands a mirrored file to curl" \
    expect_serve "$DYNAMIC_CONTAINER" "curl -fsS" "file:///smoke/results/repo" hello-1.1.0.txt "$SMOKE_DIR/http/files/hello-1.1.0.txt"
}
