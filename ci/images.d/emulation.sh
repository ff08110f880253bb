# shellcheck shell=bash
# Emulation of the other platforms: qemu-user-static registered in binfmt_misc, so that the
# builds run code of another architecture (debootstrap's second stage, dynamic-metalink's apt-get)
# and the smoke suites run its images. Sourced, not run.

BINFMT_DIR=/proc/sys/fs/binfmt_misc
# The platforms whose code runs here, natively or emulated (filled by setup_emulation).
declare -A RUNNABLE=()
# Why emulation is missing, for the warning and the summary; empty when it works.
EMULATION_MISSING=""

# runnable PLATFORM: the platform's code runs here.
runnable() {
  [ -n "${RUNNABLE[$1]:-}" ]
}

# qemu_arch PLATFORM prints qemu's name for the platform's architecture.
qemu_arch() {
  case ${1#linux/} in
    arm64) echo aarch64 ;;
    amd64) echo x86_64 ;;
    *) echo "${1#linux/}" ;;
  esac
}

# setup_emulation fills RUNNABLE: this machine's platform, and each other one of PLATFORMS that
# can be emulated. For one that cannot, it says why in one warning line; ci/images then builds
# only what needs none of its code, as it did before emulation.
setup_emulation() {
  local platform
  RUNNABLE[$NATIVE_PLATFORM]=1
  for platform in "${PLATFORMS[@]}"; do
    [ "$platform" != "$NATIVE_PLATFORM" ] || continue
    if emulate "$platform"; then
      RUNNABLE[$platform]=1
      say "emulating $platform with $BINFMT_DIR/qemu-$(qemu_arch "$platform")"
    else
      say "warning: cannot emulate $platform ($EMULATION_MISSING): its dynamic-metalink image is not built, only its executable, and no $platform image is run"
    fi
  done
}

# emulate PLATFORM installs qemu-user-static and binfmt-support, mounts binfmt_misc when it is not
# yet, and enables the platform's qemu handler. The handler must have the F flag: the kernel then
# opens the interpreter once, at registration, so it runs inside the chroots that debootstrap and
# buildah make, which do not hold qemu. Debian's qemu-user-static registers it so.
emulate() {
  local name handler
  name=qemu-$(qemu_arch "$1")
  handler="$BINFMT_DIR/$name"
  if ! apt_install qemu-user-static binfmt-support >>"$LOG_DIR/emulation.log" 2>&1; then
    EMULATION_MISSING="apt-get install qemu-user-static binfmt-support failed, see $LOG_DIR/emulation.log"
    return 1
  fi
  if [ ! -e "$BINFMT_DIR/status" ] &&
    ! mount -t binfmt_misc binfmt_misc "$BINFMT_DIR" >>"$LOG_DIR/emulation.log" 2>&1; then
    EMULATION_MISSING="binfmt_misc is not mounted and mount -t binfmt_misc refused: $(tail -n 1 "$LOG_DIR/emulation.log")"
    return 1
  fi
  # The package registers its handlers only when binfmt_misc was mounted as it was installed.
  update-binfmts --enable "$name" >>"$LOG_DIR/emulation.log" 2>&1 || true
  if [ "$(head -n 1 "$handler" 2>/dev/null)" != enabled ]; then
    EMULATION_MISSING="no $handler is enabled"
    return 1
  fi
  if ! grep -q '^flags: .*F' "$handler"; then
    EMULATION_MISSING="$handler lacks the F flag, so it does not run inside chroots"
    return 1
  fi
}
