#!/usr/bin/env bash
# Build benchmark (not a test): builds the default profile
#   1. cold            empty package and stage caches
#   2. warm-packages   package cache filled, every stage rebuilt (--no-stage-cache)
#   3. warm            package cache and stage cache filled, nothing changed
#   4. one-file        one file of the profile changed (everything after the rootfs stage reruns)
#   5. warm-again      nothing changed since 3 (root image, kernels, initramfs from the root cache)
#   6. layer-file      one file of the layer changed (the layer and the disks, not the root image)
# and prints each stage's time, the size of every output and of the root image, and which files
# are byte-identical between runs 2 and 3 (same inputs, same SOURCE_DATE_EPOCH).
# Usage: sudo bench/build.sh [work folder, default /var/tmp/strata-bench]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-/var/tmp/strata-bench}"
strata="$repo/bin/strata"
# A killed earlier run can leave mmdebstrap's /proc, /sys or /dev mounts inside its tree: unmount
# them before deleting, never delete through a mount.
if [ -d "$work" ]; then
  awk -v w="$work" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m"; done
fi
rm -rf --one-file-system "$work"
mkdir -p "$work/changed"
cache="$work/cache"

# A profile identical to the default but for one file.
cat > "$work/changed/profile.yaml" <<YAML
schema: 1
extends: $repo/debian-profile/profiles/debian.yaml
files:
  - source: hostname
    target: /etc/hostname
    mode: "0644"
YAML
echo "systemvm-bench" > "$work/changed/hostname"

# A profile identical to the default but for one more layer file.
mkdir -p "$work/layer-changed"
cat > "$work/layer-changed/profile.yaml" <<YAML
schema: 1
extends: $repo/debian-profile/profiles/debian.yaml
layer:
  files:
    - source: NOTE
      target: share/bench-note
      mode: "0644"
YAML
echo "one layer file changed" > "$work/layer-changed/NOTE"

run() {
  local label=$1; shift
  echo "== $label" >&2
  "$strata" build --json --cache-dir "$cache" --output "$work/out-$label" "$@" > "$work/$label.json" 2> "$work/$label.log"
}

run cold
run warm-packages --no-stage-cache
run warm
run one-file --profile "$work/changed/profile.yaml"
run warm-again
run layer-file --profile "$work/layer-changed/profile.yaml"

python3 - "$work" <<'PY'
import json, sys, os
work = sys.argv[1]
runs = ["cold", "warm-packages", "warm", "one-file", "warm-again", "layer-file"]
data = {r: json.load(open(os.path.join(work, r + ".json"))) for r in runs}
def stage_times(d):
    out = {}
    for s in d["stages"]:
        out[s["name"]] = out.get(s["name"], 0) + s["millis"]
    return out
names = []
for r in runs:
    for n in stage_times(data[r]):
        if n not in names:
            names.append(n)
print("%-16s" % "stage (s)" + "".join("%15s" % r for r in runs))
for n in names:
    print("%-16s" % n + "".join("%15.1f" % (stage_times(data[r]).get(n, 0) / 1000) for r in runs))
print("%-16s" % "TOTAL" + "".join("%15.1f" % (data[r]["totalMillis"] / 1000) for r in runs))
print()
d = data["warm"]
print("root image: %.1f MiB (%s)" % (d["rootImageBytes"] / 2**20, d["rootImageSha256"][:16]))
for f in d["files"]:
    print("%-50s %8.1f MiB" % (f["name"], f["bytes"] / 2**20))
print()
for x, y in (("warm-packages", "warm"), ("warm-packages", "warm-again")):
    a, b = data[x], data[y]
    print("reproducible (%s vs %s, same inputs and SOURCE_DATE_EPOCH):" % (x, y))
    print("  %-48s %s" % ("root image", "same" if a["rootImageSha256"] == b["rootImageSha256"] else "DIFFERENT"))
    bs = {f["name"]: f["sha256"] for f in b["files"]}
    for f in a["files"]:
        print("  %-48s %s" % (f["name"], "same" if bs.get(f["name"]) == f["sha256"] else "DIFFERENT"))
PY
