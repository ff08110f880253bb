# shellcheck shell=bash
# Installs what the tests, the demo and the benchmarks need on a fresh Debian
# machine. Sourced by the ci/ scripts; safe to run again (skips what is there).

VERSITYGW_VERSION=v1.8.0

PATH="$(go env GOPATH)/bin:$PATH"
export PATH

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}"
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_go_tool() {
  local bin=$1 module=$2
  command -v "$bin" >/dev/null 2>&1 && return 0
  echo "installing $module"
  (cd / && GOFLAGS='' go install "$module")
}

install_test_dependencies() {
  # gcc and libc6-dev: go test -race needs cgo, which Go turns off when no C compiler is found.
  apt_install gcc libc6-dev git openssh-client openssh-server curl jq gnupg ca-certificates bash coreutils
  install_go_tool versitygw "github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}"
}
