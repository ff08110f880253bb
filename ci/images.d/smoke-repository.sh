# shellcheck shell=bash
# Smoke suite for the metalink-repository image, run as the image's user: check and in against a
# git repository served by git daemon, then out publishing a new version mirrored to a local S3 server
# (versitygw), and check/in of that version downloading from the mirror. Sourced, not run.

# jq programs and in-image scripts are single-quoted on purpose: $ belongs to jq or the image.
# shellcheck disable=SC2016

REPOSITORY_CONTAINER=""
GIT_URL=""
S3_ROOT=""
S3_ENDPOINT=""
S3_ACCESS_KEY=smoke-access
S3_SECRET_KEY=smoke-secret-key

# start_s3 starts versitygw on 127.0.0.1 with a posix backend and creates the bucket "mirror".
start_s3() {
  local port
  port=$(free_port)
  S3_ROOT="$RUN_DIR/s3"
  mkdir -p "$S3_ROOT"
  start_background "$(run_log versitygw)" versitygw --access "$S3_ACCESS_KEY" \
    --secret "$S3_SECRET_KEY" --port "127.0.0.1:$port" posix "$S3_ROOT"
  wait_for_port "$port"
  S3_ENDPOINT="127.0.0.1:$port"
  curl -fsS --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X PUT "http://$S3_ENDPOINT/mirror" >/dev/null ||
    die "cannot create the smoke bucket on versitygw"
  say "S3 (versitygw) at $S3_ENDPOINT"
}

# make_git_repository creates the bare repository /smoke/repo.git holding v1.0.0.meta4, whose
# file is served by the fixtures HTTP server.
make_git_repository() {
  local file="$SMOKE_DIR/http/files/hello-1.0.0.txt" clone="$RUN_DIR/repo-clone"
  git init --quiet --bare --initial-branch=main "$SMOKE_DIR/repo.git"
  git init --quiet --initial-branch=main "$clone"
  cat >"$clone/v1.0.0.meta4" <<META4
<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="hello-1.0.0.txt">
    <version>1.0.0</version>
    <size>$(stat -c %s "$file")</size>
    <hash type="sha-256">$(sha256sum "$file" | cut -d ' ' -f 1)</hash>
    <url>$HTTP_URL/files/hello-1.0.0.txt</url>
  </file>
</metalink>
META4
  git -C "$clone" add v1.0.0.meta4
  git -C "$clone" -c user.name=smoke -c user.email=smoke@localhost commit --quiet -m "v1.0.0"
  git -C "$clone" push --quiet "$SMOKE_DIR/repo.git" main
}

# start_git_daemon serves /smoke/repo.git, fetch and push, over git:// on 127.0.0.1. The resource
# speaks git://, https and ssh itself; a git+file:// repository would need the git executable,
# which the image does not carry.
start_git_daemon() {
  local port
  port=$(free_port)
  start_background "$(run_log git-daemon)" git daemon --reuseaddr --export-all --enable=receive-pack \
    --listen=127.0.0.1 --port="$port" --base-path="$SMOKE_DIR" "$SMOKE_DIR"
  wait_for_port "$port"
  GIT_URL="git://127.0.0.1:$port/repo.git"
  say "git daemon at $GIT_URL"
}

# The put inputs: an artifact directory with the new file and its version.
make_put_inputs() {
  mkdir -p "$SMOKE_DIR/put/artifact"
  cp "$SMOKE_DIR/http/files/hello-1.1.0.txt" "$SMOKE_DIR/put/artifact/"
  printf '1.1.0\n' >"$SMOKE_DIR/put/artifact/version"
}

repository_source() {
  jq -n --arg git "$GIT_URL" --arg s3 "s3://$S3_ENDPOINT" --arg access "$S3_ACCESS_KEY" --arg secret "$S3_SECRET_KEY" '{
    uri: ($git + "#main"),
    options: {author_name: "smoke", author_email: "smoke@localhost"},
    mirror_files: [{destination: ($s3 + "/mirror/{{.Name}}")}],
    url_handlers: [{
      type: "s3",
      include: ["^" + ($s3 | gsub("\\."; "\\.")) + "/"],
      options: {access_key: $access, secret_key: $secret, disable_ssl: true}
    }]
  }'
}

repository_check() {
  local name=$1 version=$2 expected=$3 req out
  out="$SMOKE_DIR/results/$name.json"
  req=$(request "$name" --argjson source "$(repository_source)" --arg version "$version" \
    '{source: $source} + (if $version == "" then {} else {version: {version: $version}} end)')
  run_in "$REPOSITORY_CONTAINER" -- /opt/resource/check <"$req" >"$out"
  expect_json "$out" "$expected"
}

repository_in() {
  local version=$1 req out dest="$SMOKE_DIR/repository-in-$1"
  writable_by_image "$dest"
  out="$SMOKE_DIR/results/repository-in-$version.json"
  req=$(request "repository-in-$version" --argjson source "$(repository_source)" --arg version "$version" \
    '{source: $source, version: {version: $version}, params: {}}')
  run_in "$REPOSITORY_CONTAINER" -- /opt/resource/in "/smoke/repository-in-$version" <"$req" >"$out"
  expect_jq "$out" '.version.version == $v' --arg v "$version"
  expect_jq "$out" '.metadata[0] == {name: "files", value: "1"}'
  expect_same_file "$dest/hello-$version.txt" "$SMOKE_DIR/http/files/hello-$version.txt"
  test -s "$dest/.resource/metalink.meta4"
}

repository_out() {
  local req out="$SMOKE_DIR/results/repository-out.json"
  req=$(request repository-out --argjson source "$(repository_source)" \
    '{source: $source, params: {files: ["artifact/hello-*.txt"], version: "artifact/version"}}')
  run_in "$REPOSITORY_CONTAINER" -- /opt/resource/out /smoke/put <"$req" >"$out"
  expect_jq "$out" '.version == {version: "1.1.0"}'
  expect_same_file "$S3_ROOT/mirror/hello-1.1.0.txt" "$SMOKE_DIR/put/artifact/hello-1.1.0.txt"
  git --git-dir="$SMOKE_DIR/repo.git" show main:v1.1.0.meta4 | grep -q "s3://$S3_ENDPOINT/mirror/hello-1.1.0.txt"
}

repository_out_again_is_a_no_op() {
  local before after req out="$SMOKE_DIR/results/repository-out-again.json"
  before=$(git --git-dir="$SMOKE_DIR/repo.git" rev-parse main)
  req=$(request repository-out-again --argjson source "$(repository_source)" \
    '{source: $source, params: {files: ["artifact/hello-*.txt"], version: "artifact/version"}}')
  run_in "$REPOSITORY_CONTAINER" -- /opt/resource/out /smoke/put <"$req" >"$out"
  expect_jq "$out" '.version == {version: "1.1.0"}'
  after=$(git --git-dir="$SMOKE_DIR/repo.git" rev-parse main)
  [ "$before" = "$after" ] || { echo "a second identical put made commit $after"; return 1; }
}

# meta4-repo and meta4 are on PATH for build tasks: show a version's metalink from the git
# repository and download its file with it, inside the image.
repository_meta4_tools() {
  run_in "$REPOSITORY_CONTAINER" -- sh -euc '
    cd "$(mktemp -d)"
    meta4-repo show --filter fileversion:1.0.0 "$1#main" >metalink.meta4
    meta4 file-download /smoke/results/tools-hello-1.0.0.txt
  ' tools "$GIT_URL"
  expect_same_file "$SMOKE_DIR/results/tools-hello-1.0.0.txt" "$SMOKE_DIR/http/files/hello-1.0.0.txt"
}

# The image has a shell and busybox's tools for fly hijack, and neither git nor ssh: the resource
# speaks both itself.
repository_shell_only() {
  run_in "$REPOSITORY_CONTAINER" -- sh -euc '
    for tool in sh ls cat grep sed awk wget vi ps; do command -v "$tool"; done
    for tool in git ssh bash; do
      if command -v "$tool"; then echo "the image has $tool"; exit 1; fi
    done
  '
}

# smoke_metalink_repository PLATFORM
smoke_metalink_repository() {
  prepare_smoke metalink-repository "$1"
  start_s3
  make_git_repository
  start_git_daemon
  make_put_inputs
  REPOSITORY_CONTAINER=$(new_container metalink-repository "$1")
  suite_step "runs as $IMAGE_USER_NAME ($IMAGE_USER) with a writable HOME and /tmp" \
    expect_user_environment "$REPOSITORY_CONTAINER"
  suite_step "check, in, out, meta4 and meta4-repo are links to one executable" \
    expect_links "$REPOSITORY_CONTAINER" "${EXECUTABLES[metalink-repository]}"
  suite_step "a busybox shell, and neither git nor ssh" repository_shell_only
  suite_step "check answers the latest version" \
    repository_check repository-check-latest "" '[{"version":"1.0.0"}]'
  suite_step "in downloads and verifies a file over http" repository_in 1.0.0
  suite_step "meta4-repo and meta4 run in the image" repository_meta4_tools
  suite_step "meta4-repo serve hands a mirrored file to busybox wget" \
    expect_serve "$REPOSITORY_CONTAINER" "wget -q -O -" "$GIT_URL#main" hello-1.0.0.txt "$SMOKE_DIR/http/files/hello-1.0.0.txt"
  suite_step "out mirrors to S3 and publishes to git" repository_out
  suite_step "check lists the published version" \
    repository_check repository-check-from 1.0.0 '[{"version":"1.0.0"},{"version":"1.1.0"}]'
  suite_step "in downloads from the S3 mirror" repository_in 1.1.0
  suite_step "out of the same content again is a no-op" repository_out_again_is_a_no_op
}
