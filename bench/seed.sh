#!/usr/bin/env bash
# Seeder benchmark (not a test). In one run, on the same disk, ROUNDS times (default 3), interleaved:
#   1. plain `cp` of a template file, from disk (page cache dropped) and from the page cache, each
#      also with `sync` (as durable as the seeder's copy),
#   2. `strata seed` putting the same file on a store of a fresh cloud (sha512 check of the bundle,
#      copy to a temporary name, fsync, rename, read back and compare, template.properties, rows),
#      with the page cache dropped first (its sha512 check reads the file from disk and leaves it
#      cached for the copy, hence the cached cp for comparison),
#   3. `strata seed` again on the seeded store (nothing to do; includes JVM start).
# Then, once: a bzip2-packed KVM template (BZ_MIB MiB unpacked, default 512) seeded into three NFS
# stores (bind-mount stand-ins: plain folders, as the tests), which the seeder unpacks once and
# copies to the other two, beside `lbzip2 -dc` once + `cp` of the same unpacked bytes to the other
# two stores + sync, and beside unpacking three times (what the seeder did before).
# The database is CloudStack 4.22's real schema and rows (../shared/reference/cloudstack-db, or
# $STRATA_CLOUDSTACK_DB) plus the tests' fixture cloud.
# Needs root, mariadb-server, lbzip2, python3, and a built CLI (bin/strata builds it).
# Usage: sudo bench/seed.sh [size in MiB, default 2048] [work folder, default /var/tmp/strata-bench-seed]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-2048}"
work="${2:-/var/tmp/strata-bench-seed}"
strata="$repo/bin/strata"
resources="$repo/seeder/src/test/resources/dev/strata/seeder"
refdb="${STRATA_CLOUDSTACK_DB:-$repo/../shared/reference/cloudstack-db}"
[ -f "$refdb/schema.sql" ] || { echo "no CloudStack schema at $refdb (set STRATA_CLOUDSTACK_DB)" >&2; exit 2; }
bz_mib="${BZ_MIB:-512}"

rm -rf --one-file-system "$work"
mkdir -p "$work/bundle" "$work/store-a" "$work/store-b" "$work/store-c" "$work/cp" "$work/db"

# A private MariaDB (like the test fixture): temporary data folder, loopback port, stopped at exit.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mariadb-install-db --no-defaults --datadir="$work/db/data" --user=root --auth-root-authentication-method=normal \
  --skip-test-db > "$work/db/install.log" 2>&1
mariadbd --no-defaults --datadir="$work/db/data" --socket="$work/db/sock" --port="$port" --bind-address=127.0.0.1 \
  --pid-file="$work/db/pid" --log-error="$work/db/error.log" --user=root --skip-log-bin \
  --innodb-flush-log-at-trx-commit=0 &
db_pid=$!
trap 'kill "$db_pid" 2>/dev/null; wait "$db_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -e 'SELECT 1' > /dev/null 2>&1 && break
  sleep 0.2
done
sql() { mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot "$@"; }
sql -e "CREATE DATABASE cloud; CREATE DATABASE cloud_ref; CREATE USER 'cloud'@'%' IDENTIFIED BY 'bench'; GRANT ALL ON cloud.* TO 'cloud'@'%';"
sql cloud_ref < "$refdb/schema.sql"
sql cloud_ref < "$refdb/data.sql"
# Each fresh cloud copies the reference tables (CREATE TABLE as CloudStack left them, then rows),
# as the test fixture does: much faster than replaying the whole schema with its views.
tables=$(sql -N -e "SELECT table_name FROM information_schema.tables WHERE table_schema = 'cloud_ref' AND table_type = 'BASE TABLE'")
# shellcheck disable=SC2086
mariadb-dump --no-defaults -h127.0.0.1 -P"$port" -uroot --no-data --skip-add-drop-table --skip-triggers cloud_ref $tables \
  > "$work/db/tables.sql"
{ echo "SET FOREIGN_KEY_CHECKS=0;"; sed -n 's/^CREATE TABLE `\([^`]*\)`.*/INSERT INTO `\1` SELECT * FROM cloud_ref.`\1`;/p' "$work/db/tables.sql"
  echo "SET FOREIGN_KEY_CHECKS=1;"; } > "$work/db/rows.sql"
load_cloud() { sql cloud < "$work/db/tables.sql"; sql cloud < "$work/db/rows.sql"; sql cloud < "$resources/cloud-fixture.sql"; }
load_cloud
printf 'db.cloud.host=127.0.0.1\ndb.cloud.port=%s\ndb.cloud.username=cloud\ndb.cloud.password=bench\ndb.cloud.name=cloud\n' \
  "$port" > "$work/db.properties"

# A KVM template shipped uncompressed (a qcow2 header, then incompressible data), so the copy
# itself is measured rather than bzip2.
file=systemvmtemplate-4.22.0-x86_64-kvm.qcow2
python3 - "$work/bundle/$file" "$size_mib" <<'PY'
import os, struct, sys
path, mib = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(struct.pack(">IIQII Q", 0x514649fb, 3, 0, 0, 0, 5 << 30).ljust(512, b"\0"))
    chunk = os.urandom(1 << 20)
    for _ in range(mib):
        f.write(chunk)
PY
sha=$(sha512sum "$work/bundle/$file" | cut -d' ' -f1)
cat > "$work/bundle/metadata.ini" <<INI

[default]
version = 4.22.0.0

[kvm-x86_64]
templatename = systemvm-kvm-4.22.0-x86_64
checksum = $sha
downloadurl = https://download.example/systemvm/4.22/$file
filename = $file
arch = x86_64
guestos = Debian GNU/Linux 12 (64-bit)

INI
bytes=$(stat -c %s "$work/bundle/$file")

seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.3f}')" "$1" "$2"; }
rate() { python3 -c "import sys; print(f'{int(sys.argv[1]) / float(sys.argv[2]) / 1048576:.0f}')" "$1" "$2"; }

"$strata" --version > /dev/null   # builds the CLI if needed, outside the timings

seed() {
  "$strata" seed --quiet --json --bundle "$work/bundle" --db-properties "$work/db.properties" \
    --mounted 1="$work/store-a" --mounted 2="$work/store-b"
}
fresh_cloud() {
  sql -e "DROP DATABASE cloud; CREATE DATABASE cloud;"
  load_cloud
  rm -rf --one-file-system "$work/store-a" "$work/store-b"; mkdir -p "$work/store-a" "$work/store-b"
}
json() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# The disk here is shared with other jobs and its speed varies a lot from minute to minute, so
# the copies are interleaved and repeated, and medians compared.
rounds="${ROUNDS:-3}"
declare -a cold cold_sync warm_sync copy run again
printf "%-6s %10s %12s %18s %12s %16s %14s\n" "round" "cp (cold)" "cp+sync" "cp+sync (cached)" "seeder copy" "seed whole run" "seed again"
for i in $(seq 1 "$rounds"); do
  fresh_cloud
  rm -f "$work/cp/$file"; sync; echo 3 > /proc/sys/vm/drop_caches
  t0=$(date +%s.%N); cp "$work/bundle/$file" "$work/cp/$file"; t1=$(date +%s.%N); sync; t2=$(date +%s.%N)
  cold[$i]=$(seconds "$t0" "$t1"); cold_sync[$i]=$(seconds "$t0" "$t2")
  # The seeder reads the file once for its sha512 before copying, so its copy reads from the
  # page cache: time cp that way too (source cached, new target, then sync).
  rm -f "$work/cp/$file"; sync
  t0=$(date +%s.%N); cp "$work/bundle/$file" "$work/cp/$file"; sync; t1=$(date +%s.%N)
  warm_sync[$i]=$(seconds "$t0" "$t1")
  rm -f "$work/cp/$file"; sync; echo 3 > /proc/sys/vm/drop_caches
  t0=$(date +%s.%N); seed > "$work/first.json"; t1=$(date +%s.%N)
  run[$i]=$(seconds "$t0" "$t1")
  copy[$i]=$(json "$work/first.json" '"%.3f" % r["seeded"][0]["copySeconds"]')
  t0=$(date +%s.%N); seed > "$work/second.json"; t1=$(date +%s.%N)
  again[$i]=$(seconds "$t0" "$t1")
  [ "$(json "$work/second.json" 'r["status"]')" = "up-to-date" ] || { echo "second run was not up-to-date" >&2; exit 1; }
  printf "%-6s %10s %12s %18s %12s %16s %14s\n" "$i" "${cold[$i]}" "${cold_sync[$i]}" "${warm_sync[$i]}" \
    "${copy[$i]}" "${run[$i]}" "${again[$i]}"
done
m_cold=$(median "${cold[@]}"); m_cold_sync=$(median "${cold_sync[@]}"); m_warm=$(median "${warm_sync[@]}")
m_copy=$(median "${copy[@]}"); m_run=$(median "${run[@]}"); m_again=$(median "${again[@]}")
printf "%-6s %10s %12s %18s %12s %16s %14s\n" "median" "$m_cold" "$m_cold_sync" "$m_warm" "$m_copy" "$m_run" "$m_again"
printf "%-6s %10s %12s %18s %12s %16s\n" "MiB/s" "$(rate "$bytes" "$m_cold")" "$(rate "$bytes" "$m_cold_sync")" \
  "$(rate "$bytes" "$m_warm")" "$(rate "$bytes" "$m_copy")" "$(rate "$bytes" "$m_run")"
pct() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]) * 100:.0f} %')" "$1" "$2"; }
echo "file: $file, $bytes bytes; seeder copy = temp name, kernel copy, fsync, rename, read back + CRC32C"
echo "seeder copy throughput vs cp + sync (cached source): $(pct "$m_warm" "$m_copy");" \
  "vs cp + sync (cold): $(pct "$m_cold_sync" "$m_copy"); vs cp (cold, no sync): $(pct "$m_cold" "$m_copy")"
echo "second run on the seeded store (JVM start included): median $m_again s"

# ---------------------------------------------------------------- bzip2 into three stores
# KVM x86_64 clusters in zone-b and zone-empty too, so stores 1, 2 and 4 all need the template.
bz=systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2
rm -rf --one-file-system "$work/bundle"; mkdir -p "$work/bundle"
# Compressible like a real image (random 4 KiB, then 8 KiB of zeros), with a qcow2 header.
python3 - "$work/bundle/raw.qcow2" "$bz_mib" <<'PY'
import os, struct, sys
path, mib = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(struct.pack(">IIQII Q", 0x514649fb, 3, 0, 0, 0, 5 << 30).ljust(4096, b"\0"))
    zeros = bytes(8192)
    for _ in range(mib * 1024 * 1024 // 12288):
        f.write(os.urandom(4096)); f.write(zeros)
PY
lbzip2 -c "$work/bundle/raw.qcow2" > "$work/bundle/$bz"
unpacked=$(stat -c %s "$work/bundle/raw.qcow2"); rm -f "$work/bundle/raw.qcow2"
bzsha=$(sha512sum "$work/bundle/$bz" | cut -d' ' -f1)
cat > "$work/bundle/metadata.ini" <<INI

[default]
version = 4.22.0.0

[kvm-x86_64]
templatename = systemvm-kvm-4.22.0-x86_64
checksum = $bzsha
downloadurl = https://download.example/systemvm/4.22/$bz
filename = $bz
arch = x86_64
guestos = Debian GNU/Linux 12 (64-bit)

INI
fresh_cloud; rm -rf --one-file-system "$work/store-c"; mkdir -p "$work/store-c"
sql cloud -e "INSERT INTO cluster (id, name, uuid, pod_id, data_center_id, hypervisor_type, cluster_type, allocation_state, arch) VALUES (30, 'b-kvm', 'c30', 2, 2, 'KVM', 'CloudManaged', 'Enabled', 'x86_64'); INSERT INTO host_pod_ref (id, name, uuid, data_center_id, gateway, cidr_address, cidr_size, description) VALUES (4, 'pod-e', 'p4', 4, '10.4.0.1', '10.4.0.0', 24, ''); INSERT INTO cluster (id, name, uuid, pod_id, data_center_id, hypervisor_type, cluster_type, allocation_state, arch) VALUES (31, 'e-kvm', 'c31', 4, 4, 'KVM', 'CloudManaged', 'Enabled', 'x86_64');"
rm -rf --one-file-system "$work/cp"; mkdir -p "$work/cp/a" "$work/cp/b" "$work/cp/c"; sync
# Baseline in the same run: unpack once (lbzip2, as the seeder), then cp the unpacked bytes to the
# other two stores, then sync.
t0=$(date +%s.%N); lbzip2 -dc "$work/bundle/$bz" > "$work/cp/a/t.qcow2"; t1=$(date +%s.%N)
cp "$work/cp/a/t.qcow2" "$work/cp/b/t.qcow2"; cp "$work/cp/a/t.qcow2" "$work/cp/c/t.qcow2"; sync; t2=$(date +%s.%N)
unpack_once=$(seconds "$t0" "$t1"); unpack_cp=$(seconds "$t0" "$t2"); cp_two=$(seconds "$t1" "$t2")
# What the seeder did before: unpack once per store.
t0=$(date +%s.%N); for d in a b c; do lbzip2 -dc "$work/bundle/$bz" > "$work/cp/$d/u.qcow2"; done; sync; t1=$(date +%s.%N)
unpack_thrice=$(seconds "$t0" "$t1")
rm -rf --one-file-system "$work/cp"; sync
t0=$(date +%s.%N)
"$strata" seed --quiet --json --bundle "$work/bundle" --db-properties "$work/db.properties" \
  --mounted 1="$work/store-a" --mounted 2="$work/store-b" --mounted 4="$work/store-c" > "$work/bz.json"
t1=$(date +%s.%N)
bz_run=$(seconds "$t0" "$t1")
bz_copies=$(json "$work/bz.json" '" ".join("%.3f" % s["copySeconds"] for s in r["seeded"])')
bz_sum=$(json "$work/bz.json" '"%.3f" % sum(s["copySeconds"] for s in r["seeded"])')
[ "$(json "$work/bz.json" 'len(r["seeded"])')" = 3 ] || { echo "expected three stores seeded" >&2; exit 1; }
echo
echo "bzip2 KVM template: $(stat -c %s "$work/bundle/$bz") bytes packed, $unpacked unpacked, three stores"
printf "%-58s %8s s\n" "lbzip2 -dc once" "$unpack_once" \
  "cp of the unpacked bytes to two more stores + sync" "$cp_two" \
  "lbzip2 -dc once + 2 cp + sync (the baseline)" "$unpack_cp" \
  "lbzip2 -dc three times + sync (the seeder before)" "$unpack_thrice" \
  "strata seed: copies (first unpacks, two copy it) [$bz_copies]" "$bz_sum" \
  "strata seed whole run (JVM, sha512, copies, rows)" "$bz_run"
echo "seeder copies vs baseline: $(pct "$unpack_cp" "$bz_sum") of its speed; vs unpacking per store: $(pct "$unpack_thrice" "$bz_sum")"
