#!/usr/bin/env bash
# Does Strata set itself up on a machine that has never built it? (issue 10)
#
# Makes a minimal Debian root (mmdebstrap --variant=apt: Essential packages and apt, plus only git,
# a JDK, Maven and ca-certificates; packages from the host's apt sources), puts a clean clone of
# the checkout in it (with ../shared beside it, as CI has it), mounts /proc, /sys, /dev and a writable /run (network namespaces need
# /run/netns; MariaDB its socket folder), and runs inside it, as root:
#   1. the README's main job:  ./mvnw -B package -DskipTests
#   2. the agent's and the seeder's tests (./mvnw -B -fae -pl agent,seeder -am test, only theirs;
#      --full: the README's whole test command ./mvnw -B verify instead)
# then prints PASS or FAIL with the first missing program found in the logs. Mounts are undone and
# the root removed on exit (--keep keeps the root for a look; the mounts are undone anyway).
#
# The bootstrapped root is cached as a tarball under ~/.cache/strata/fresh-machine/ (keyed by
# suite, packages and apt sources); --fresh makes a new one. --reuse-m2 copies the host's
# ~/.m2/repository (without dev/strata) into the root to save Maven downloads: Maven artifacts are
# not host programs, so the check stays honest about those.
#
# Usage: sudo bench/fresh-machine.sh [--fresh] [--full] [--keep] [--reuse-m2] [--skip-main] [CHECKOUT [REF]]
#   CHECKOUT: a git checkout (default: this repository), REF: what to check out (default: its HEAD).
set -euo pipefail

fresh=0 full=0 keep=0 reuse_m2=0 skip_main=0
args=()
for a in "$@"; do
  case "$a" in
    --fresh) fresh=1 ;;
    --full) full=1 ;;
    --keep) keep=1 ;;
    --reuse-m2) reuse_m2=1 ;;
    --skip-main) skip_main=1 ;; # only step 2 (for a quick re-check of the tests' programs)
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    -*) echo "fresh-machine: unknown option $a" >&2; exit 2 ;;
    *) args+=("$a") ;;
  esac
done
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
checkout="${args[0]:-$repo}"
ref="${args[1]:-HEAD}"

die() { echo "fresh-machine: $*" >&2; exit 2; }
[ "$(id -u)" = 0 ] || die "run as root (chroot, mounts, mmdebstrap root mode)"
command -v mmdebstrap >/dev/null || die "mmdebstrap is missing on this host: sudo apt-get install -y mmdebstrap"
commit="$(git -C "$checkout" rev-parse --verify "$ref^{commit}")" || die "$checkout: no commit $ref"

# The host's suite and apt sources (every sources file naming the suite; nothing here names a mirror).
suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
[ -n "$suite" ] || die "cannot tell the host's Debian suite from /etc/os-release"
mirrors=()
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
  [ -f "$f" ] && grep -v '^\s*#' "$f" | grep -qw "$suite" && mirrors+=("$f")
done
[ ${#mirrors[@]} -gt 0 ] || die "no apt source for $suite in /etc/apt/sources.list{,.d}"
packages="git,openjdk-17-jdk-headless,maven,ca-certificates"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/strata/fresh-machine"
mkdir -p "$cache"
key="$( { echo "$suite apt $packages"; cat "${mirrors[@]}"; } | sha256sum | cut -c1-16)"
tarball="$cache/$suite-$key.tar"

t0=$SECONDS
if [ "$fresh" = 1 ] || [ ! -s "$tarball" ]; then
  echo "== bootstrapping a minimal $suite root ($packages) from ${mirrors[*]}"
  partial="$cache/.partial-$$-$suite-$key.tar" # the .tar ending tells mmdebstrap the format
  mmdebstrap --quiet --variant=apt --include="$packages" "$suite" "$partial" "${mirrors[@]}" || { rm -rf "$partial"; exit 2; }
  mv "$partial" "$tarball"
else
  echo "== reusing the cached root $tarball (--fresh makes a new one)"
fi

work="$(mktemp -d /var/tmp/strata-fresh.XXXXXX)"
root="$work/root"
logs="$work/logs"
mkdir -p "$root" "$logs"

# Everything mounted below $root, deepest first (tests inside may have left their own mounts).
mounts_below() { awk -v r="$root/" -v r0="$root" '$2 == r0 || index($2, r) == 1 { print $2 }' /proc/self/mounts | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-; }
cleanup() {
  local rc=$?
  set +e
  # Processes still running inside the root (a MariaDB or an agent left by a failed test): ours.
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -TERM "${p#/proc/}" 2>/dev/null
  done
  sleep 1
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill -KILL "${p#/proc/}" 2>/dev/null
  done
  for m in $(mounts_below); do umount -l "$m" 2>/dev/null; done
  if [ -n "$(mounts_below)" ]; then
    echo "fresh-machine: still mounted below $root, not removing it:" >&2; mounts_below >&2
  elif [ "$keep" = 1 ]; then
    echo "== kept $root (logs in $logs)"
  else
    cp -r "$logs" "$cache/last-logs.partial" 2>/dev/null && rm -rf "$cache/last-logs" && mv "$cache/last-logs.partial" "$cache/last-logs"
    rm -rf --one-file-system "$work"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tar -xf "$tarball" -C "$root"
git clone --quiet --no-checkout "$checkout" "$root/root/strata"
git -C "$root/root/strata" checkout --quiet "$commit"
# CI runs with ../shared (the CloudStack reference: real schema for the seeder's tests) beside
# the clone; so does this check, when the checkout has it.
if [ -d "$checkout/../shared" ]; then
  cp -a "$checkout/../shared" "$root/root/shared"
else
  echo "fresh-machine: no ../shared beside $checkout: the seeder's real-schema tests will fail" >&2
fi
if [ "$reuse_m2" = 1 ] && [ -d "$HOME/.m2/repository" ]; then
  mkdir -p "$root/root/.m2"
  tar -C "$HOME/.m2" --exclude=repository/dev/strata -cf - repository | tar -C "$root/root/.m2" -xf -
fi
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
echo "== commit $commit in a $suite root ($(du -sh "$root" | cut -f1)), logs in $logs"

# The root a mount point of its own, as / is on a machine: `ip netns exec` makes / a slave
# mount ("mount --make-rslave /"), which fails with EINVAL on a plain chroot folder.
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys" && mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev" && mount --make-rslave "$root/dev"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mkdir -p "$root/run/lock"

inside() { # a constant command line, run in the root with a clean environment
  chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /bin/bash -c "cd /root/strata && $1"
}
step() { # name, command: runs it, logs it, prints its time and result
  local name="$1" cmd="$2" s=$SECONDS rc=0
  echo "== $name: $cmd"
  inside "$cmd" > "$logs/$name.log" 2>&1 || rc=$?
  printf '   %s: exit %d in %d s; %s\n' "$name" "$rc" $((SECONDS - s)) \
    "$(grep -E '^\[(INFO|WARNING|ERROR)\] Tests run: [0-9]+, ' "$logs/$name.log" | grep -v 'Time elapsed' \
       | awk -F'[ ,]+' '{ r += $4; f += $6; e += $8; sk += $10 } END { printf "tests run %d, failures %d, errors %d, skipped %d", r, f, e, sk }')"
  grep -h '^\[host-tools\]' "$logs/$name.log" | sed 's/^/   /' || true
  return "$rc"
}
first_missing() { # the first program a log says is not there
  grep -hoE 'Cannot run program "[^"]+"|exec of "[^"]+" failed|missing host tools: [^;]+|[A-Za-z0-9._/-]+: (command )?not found|error=2, No such file or directory' \
    "$logs"/*.log 2>/dev/null | head -1 || true
}

result=PASS
[ "$skip_main" = 1 ] || step main "./mvnw -B package -DskipTests" || result=FAIL
if [ "$result" = PASS ]; then
  if [ "$full" = 1 ]; then
    step verify "./mvnw -B verify" || result=FAIL
  else
    step agent-seeder-tests "./mvnw -B -fae -pl agent,seeder -am test -Dtest='dev/strata/agent/**/*Test,dev/strata/seeder/**/*Test' -Dsurefire.failIfNoSpecifiedTests=false" || result=FAIL
  fi
fi
set +e # from here on only reporting
missing="$(first_missing)"
bundle="$(find "$root/root/strata/debian-profile/target/systemvm/" -maxdepth 1 -type f 2>/dev/null | wc -l)"
echo "== $result in $((SECONDS - t0)) s; bundle files: $bundle; first missing program: ${missing:-none}"
if [ "$result" = FAIL ]; then
  echo "   last lines of the failing log:"; tail -n 30 "$(ls -t "$logs"/*.log | head -1)" | sed 's/^/   | /'
  exit 1
fi
