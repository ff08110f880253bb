# shellcheck shell=bash
# Base and builder images made from scratch: a debootstrap root filesystem per platform (cached),
# and for the builder this machine's CA bundle and Go toolchain on top of this machine's; pushed
# to a registry on 127.0.0.1. Sourced, not run.

SUITE=bookworm
DEFAULT_MIRROR=http://deb.debian.org/debian
# How long a cached root filesystem is reused before debootstrap runs again for fresh updates.
ROOTFS_MAX_AGE_DAYS=7
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ROOTFS_TARBALL=""

# apt_mirror prints the Debian mirror this machine's apt uses for the main archive (not the
# security archive), from one-line .list files or deb822 .sources files.
apt_mirror() {
  local mirror
  mirror=$(
    {
      cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
        awk '$1 == "deb" { line = $0; sub(/\[[^]]*\]/, "", line); split(line, f, " "); print f[2], f[3] }'
      cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
        awk -v RS= '/(^|\n)Types:[^\n]*deb( |\n|$)/ {
          uri = ""; suite = ""
          n = split($0, lines, "\n")
          for (i = 1; i <= n; i++) {
            if (lines[i] ~ /^URIs:/) { split(lines[i], f, " "); uri = f[2] }
            if (lines[i] ~ /^Suites:/) { split(lines[i], f, " "); suite = f[2] }
          }
          if (uri != "") print uri, suite
        }'
    } | awk -v suite="$SUITE" '$2 == suite { print $1; exit }'
  )
  printf '%s\n' "${mirror:-$DEFAULT_MIRROR}"
}

# rootfs_tarball PLATFORM sets ROOTFS_TARBALL to the path of a cached tarball of a minbase root
# filesystem for PLATFORM, making it when missing or older than ROOTFS_MAX_AGE_DAYS. It sets a variable
# rather than printing the path because bash turns errexit off inside $(...): a failed step
# would go unnoticed, and a broken tarball would be cached under its final name.
rootfs_tarball() {
  # Go's and Debian's names agree for amd64 and arm64 (arm/v7 would be armhf).
  local arch=${1#linux/} mirror key tarball
  mirror=$(apt_mirror)
  # The recipe is part of the key, so that changing it invalidates the cache.
  key=$({
    printf '%s %s %s\n' "$SUITE" "$mirror" "$arch"
    declare -f make_rootfs_tarball slim_rootfs
  } | sha256sum | cut -c1-12)
  tarball="$CACHE_DIR/rootfs/minbase-$SUITE-$arch-$key.tar"
  if [ -n "$(find "$tarball" -mtime "-$ROOTFS_MAX_AGE_DAYS" 2>/dev/null)" ]; then
    say "reusing $tarball"
  else
    make_rootfs_tarball "$arch" "$mirror" "$tarball"
  fi
  ROOTFS_TARBALL=$tarball
}

# make_rootfs_tarball ARCH MIRROR TARBALL: for another architecture than this machine's,
# debootstrap's second stage runs that architecture's code, emulated (ci/images.d/emulation.sh).
make_rootfs_tarball() {
  local arch=$1 mirror=$2 tarball=$3 dir log="$LOG_DIR/debootstrap-$1.log"
  dir=$(mktemp -d "$WORK_DIR/rootfs.XXXXXX")
  # The directory becomes the image's /, which mktemp made private to root.
  chmod 0755 "$dir"
  say "debootstrap --arch $arch --variant=minbase $SUITE from $mirror"
  mkdir -p "$CACHE_DIR/debs" "$CACHE_DIR/rootfs"
  # The .deb files are named by architecture, so both architectures share the cache.
  debootstrap --arch "$arch" --variant=minbase --cache-dir="$CACHE_DIR/debs" "$SUITE" "$dir" "$mirror" >"$log" 2>&1 ||
    die "debootstrap failed: $(tail -n 5 "$log")"
  slim_rootfs "$dir"
  tar -C "$dir" --numeric-owner --xattrs -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
  rm -rf "$dir"
  find "$CACHE_DIR/rootfs" -name "minbase-$SUITE-$arch-*.tar" -not -path "$tarball" -delete
}

# slim_rootfs drops what debian:*-slim images leave out: apt's downloaded lists and packages,
# documentation, man pages and translations (and keeps apt and dpkg from bringing them back), and
# the host's resolver and hostname that debootstrap copied in.
slim_rootfs() {
  local dir=$1
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb
  rm -f "$dir/etc/resolv.conf" "$dir/etc/hostname"
  find "$dir/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  rm -rf "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/usr/share/info/*
  cat >"$dir/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
  cat >"$dir/etc/apt/apt.conf.d/slim" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
CFG
}

# go_toolchain_tarball TARBALL writes this machine's Go toolchain at /usr/local/go, where the
# official golang images keep it.
go_toolchain_tarball() {
  local goroot
  goroot=$(go env GOROOT)
  tar -C "$goroot" --numeric-owner --transform 's,^\.,usr/local/go,' -cf "$1" .
}

# trust_store_tarball TARBALL writes this machine's CA bundle. The build stage fetches modules
# from the same Go proxy as this machine, so it must trust the same certificates, including any
# that a TLS-inspecting egress proxy added here.
trust_store_tarball() {
  tar -C / --dereference --numeric-owner --owner=0 --group=0 -cf "$1" etc/ssl/certs/ca-certificates.crt
}

# start_registry starts `crane registry serve` on a free port of 127.0.0.1 and sets REGISTRY.
start_registry() {
  local log="$LOG_DIR/registry.log" port
  mkdir -p "$WORK_DIR/registry"
  start_background "$log" crane registry serve --address 127.0.0.1:0 --disk "$WORK_DIR/registry"
  port=$(wait_for_line "$log" 'serving on port ([0-9]+)')
  REGISTRY="127.0.0.1:$port"
  say "registry at $REGISTRY"
}

# push_image REF PLATFORM TARBALL... -- MUTATE_FLAGS...: pushes an image for PLATFORM made of the
# tarballs as layers, with its config set by crane mutate flags (--env, --cmd, ...).
push_image() {
  local ref=$1 platform=$2 layers=()
  shift 2
  while [ "$1" != "--" ]; do
    layers+=(-f "$1")
    shift
  done
  shift
  {
    crane append --insecure --oci-empty-base "${layers[@]}" -t "$ref" &&
      crane mutate --insecure --set-platform "$platform" "$@" -t "$ref" "$ref"
  } >>"$LOG_DIR/crane.log" 2>&1 || die "pushing $ref failed: $(tail -n 5 "$LOG_DIR/crane.log")"
}

# push_base_images pushes REGISTRY/base:linux-amd64 and the like (debian:bookworm-slim's
# stand-ins, one per platform whose code runs here, as dynamic-metalink's runtime stage runs it)
# and REGISTRY/builder (golang:1.26-bookworm's stand-in for this machine's platform, where the
# build stages run: its root filesystem, this machine's CA bundle and Go).
#
# One tag per platform rather than one index: buildah reuses an image it pulled for one platform
# by name for the next --platform, so an index would give the arm64 build the amd64 base.
push_base_images() {
  local trust_store="$WORK_DIR/trust-store.tar" go="$WORK_DIR/go-toolchain.tar" platform
  local native_rootfs=""
  for platform in "${PLATFORMS[@]}"; do
    runnable "$platform" || continue
    timed "root filesystem $platform" rootfs_tarball "$platform"
    push_image "$REGISTRY/base:$(platform_tag "$platform")" "$platform" "$ROOTFS_TARBALL" -- \
      --env "PATH=$IMAGE_PATH" --cmd bash
    [ "$platform" != "$NATIVE_PLATFORM" ] || native_rootfs=$ROOTFS_TARBALL
  done
  trust_store_tarball "$trust_store"
  go_toolchain_tarball "$go"
  push_image "$REGISTRY/builder:latest" "$NATIVE_PLATFORM" "$native_rootfs" "$trust_store" "$go" -- \
    --env "PATH=/usr/local/go/bin:/go/bin:$IMAGE_PATH" --env GOPATH=/go --env GOTOOLCHAIN=local \
    --workdir /go --cmd bash
  say "pushed $REGISTRY/base and $REGISTRY/builder"
}
