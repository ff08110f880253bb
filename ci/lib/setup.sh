# shellcheck shell=bash
# Installs what the tests, the demo and the benchmarks need on a fresh Debian
# machine. Sourced by the ci/ scripts; safe to run again (skips what is there at the pinned version).

VERSITYGW_VERSION=v1.8.0
# The newest v2 release when pinned; it builds with the Go toolchain the project uses.
GOLANGCI_LINT_VERSION=v2.15.0
# axe-core, the accessibility rules the catalog's Chromium specs run in its pages (from npm), and where
# it goes; the specs read AXE_CORE_JS.
AXE_CORE_VERSION=4.14.1
AXE_CORE_DIR=${AXE_CORE_DIR:-/usr/local/lib/metalink-resources/axe-core}
AXE_CORE_JS="$AXE_CORE_DIR/node_modules/axe-core/axe.min.js"
export AXE_CORE_JS

PATH="$(go env GOPATH)/bin:$PATH"
export PATH

apt_install() {
  local missing=()
  for pkg in "$@"; do
    # Not dpkg -s, which also succeeds for a removed package whose configuration files are left.
    [ "$(dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}"
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# go_tool_version BIN: the module version the Go binary BIN on PATH was built from, read from the
# build info go install records in it; empty when BIN is missing or carries none.
go_tool_version() {
  local path
  path=$(command -v "$1" 2>/dev/null) || return 0
  go version -m "$path" 2>/dev/null | awk '$1 == "mod" { print $3; exit }' || true
}

# install_go_tool BIN PACKAGE@VERSION: go install unless BIN on PATH was built from VERSION, so that
# a machine with an older (or newer) build of a tool gets the pinned one.
install_go_tool() {
  local bin=$1 package=$2 want=${2##*@} have
  have=$(go_tool_version "$bin")
  [ "$have" = "$want" ] && return 0
  echo "installing $package${have:+ (found $bin $have)}"
  (cd / && GOFLAGS='' go install "$package")
  hash -r
  have=$(go_tool_version "$bin")
  if [ "$have" != "$want" ]; then
    echo "after go install $package, $bin on PATH is $(command -v "$bin" || echo missing) ${have:-(no Go build info)};" \
      "$(go env GOPATH)/bin must come first on PATH and GOBIN be unset" >&2
    return 1
  fi
}

# install_axe_core: npm install axe-core@AXE_CORE_VERSION into AXE_CORE_DIR unless that version is there.
install_axe_core() {
  # Debian's npm only where there is none: a Node.js from elsewhere (NodeSource) brings its own, and
  # Debian's package would conflict with it.
  command -v npm >/dev/null || apt_install npm
  local have
  have=$(jq -r .version "$AXE_CORE_DIR/node_modules/axe-core/package.json" 2>/dev/null || true)
  [ "$have" = "$AXE_CORE_VERSION" ] && return 0
  echo "installing axe-core@$AXE_CORE_VERSION${have:+ (found $have)}"
  npm install --silent --no-audit --no-fund --prefix "$AXE_CORE_DIR" "axe-core@$AXE_CORE_VERSION" >/dev/null
}

install_test_dependencies() {
  # gcc and libc6-dev: go test -race needs cgo, which Go turns off when no C compiler is found.
  # wget and aria2: the clients meta4-repo serve is tested with (beside curl); bazel-bootstrap and
  # nix-bin: the build tools its specs point at it (Bazel 4.2 and Nix 2.8 from Debian, about 300 MB).
  # chromium and a font: the catalog's headless-browser specs (install_axe_core brings npm if needed).
  # minisign: signatures made by the reference tool are cross-checked against shared/verify.
  apt_install gcc libc6-dev git openssh-client openssh-server curl wget aria2 bazel-bootstrap nix-bin jq gnupg \
    ca-certificates bash coreutils chromium fonts-dejavu-core minisign
  install_axe_core
  install_go_tool versitygw "github.com/versity/versitygw/cmd/versitygw@${VERSITYGW_VERSION}"
  # Built from source, once per machine (about a minute and a half on two cores).
  install_go_tool golangci-lint "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@${GOLANGCI_LINT_VERSION}"
}
