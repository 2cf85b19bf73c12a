#!/usr/bin/env bash
# Root image benchmark (not a test): packs the same slimmed root tree as squashfs (zstd at two
# levels, xz, lz4) and erofs (lz4hc, lz4) and prints, side by side, image size, build time and
# cold read speed through the kernel (loop mount, page cache dropped, every file read once).
# Usage: sudo bench/root-image.sh [root tree]   (default: builds the default profile with
# --keep-work and uses its slimmed tree)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=/var/tmp/strata-bench-rootimg
tree="${1:-}"
if [ -z "$tree" ]; then
  rm -rf --one-file-system "$work"; mkdir -p "$work"
  "$repo/bin/strata" build --hypervisor kvm --keep-work --cache-dir "${STRATA_CACHE:-$HOME/.cache/strata}" \
      --output "$work/out" > "$work/build.log" 2>&1
  tree=$(sed -n 's/.*work folder kept: //p' "$work/build.log")/root
fi
mkdir -p "$work/mnt"
epoch=1767225600
printf "%-22s %10s %10s %12s\n" "variant" "size MiB" "build s" "read MiB/s"
measure() {
  local name=$1; shift
  local img="$work/$name.img"
  rm -f "$img"
  local t0=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  local t1=$(date +%s.%N)
  local size=$(stat -c %s "$img")
  mount -o ro,loop "$img" "$work/mnt"
  sync; echo 3 > /proc/sys/vm/drop_caches
  local r0=$(date +%s.%N)
  local bytes=$(tar -C "$work/mnt" -cf - . 2>/dev/null | wc -c)
  local r1=$(date +%s.%N)
  umount "$work/mnt"
  awk -v n="$name" -v s="$size" -v b="$t0" -v e="$t1" -v rb="$bytes" -v r0="$r0" -v r1="$r1" \
    'BEGIN { printf "%-22s %10.1f %10.1f %12.0f\n", n, s/1048576, e-b, rb/1048576/(r1-r0) }'
  rm -f "$img"
}
p=$(nproc)
measure squashfs-zstd19 mksquashfs "$tree" "$work/squashfs-zstd19.img" -noappend -comp zstd -Xcompression-level 19 -b 1M -mkfs-time $epoch -all-time $epoch -processors $p -no-progress
measure squashfs-zstd15 mksquashfs "$tree" "$work/squashfs-zstd15.img" -noappend -comp zstd -Xcompression-level 15 -b 1M -mkfs-time $epoch -all-time $epoch -processors $p -no-progress
measure squashfs-xz mksquashfs "$tree" "$work/squashfs-xz.img" -noappend -comp xz -Xbcj x86 -b 1M -mkfs-time $epoch -all-time $epoch -processors $p -no-progress
measure squashfs-lz4 mksquashfs "$tree" "$work/squashfs-lz4.img" -noappend -comp lz4 -Xhc -b 1M -mkfs-time $epoch -all-time $epoch -processors $p -no-progress
measure erofs-lz4hc mkfs.erofs -zlz4hc,12 -C65536 -T$epoch "$work/erofs-lz4hc.img" "$tree"
measure erofs-lz4 mkfs.erofs -zlz4 -C65536 -T$epoch "$work/erofs-lz4.img" "$tree"
