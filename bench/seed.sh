#!/usr/bin/env bash
# Seeder benchmark (not a test). In one run, on the same disk, ROUNDS times (default 3), interleaved:
#   1. plain `cp` of a template file, from disk (page cache dropped) and from the page cache, each
#      also with `sync` (as durable as the seeder's copy),
#   2. `strata seed` putting the same file on a store of a fresh cloud (sha512 check of the bundle,
#      copy to a temporary name, fsync, rename, read back and compare, template.properties, rows),
#      with the page cache dropped first (its sha512 check reads the file from disk and leaves it
#      cached for the copy, hence the cached cp for comparison),
#   3. `strata seed` again on the seeded store (nothing to do; includes JVM start).
# Needs root, mariadb-server, python3, and a built CLI (bin/strata builds it).
# Usage: sudo bench/seed.sh [size in MiB, default 2048] [work folder, default /var/tmp/strata-bench-seed]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mib="${1:-2048}"
work="${2:-/var/tmp/strata-bench-seed}"
strata="$repo/bin/strata"
resources="$repo/seeder/src/test/resources/dev/strata/seeder"

rm -rf --one-file-system "$work"
mkdir -p "$work/bundle" "$work/store-a" "$work/store-b" "$work/cp" "$work/db"

# A private MariaDB (like the test fixture): temporary data folder, loopback port, stopped at exit.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mariadb-install-db --no-defaults --datadir="$work/db/data" --user=root --auth-root-authentication-method=normal \
  --skip-test-db > "$work/db/install.log" 2>&1
mariadbd --no-defaults --datadir="$work/db/data" --socket="$work/db/sock" --port="$port" --bind-address=127.0.0.1 \
  --pid-file="$work/db/pid" --log-error="$work/db/error.log" --user=root --skip-log-bin &
db_pid=$!
trap 'kill "$db_pid" 2>/dev/null; wait "$db_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot -e 'SELECT 1' > /dev/null 2>&1 && break
  sleep 0.2
done
sql() { mariadb --no-defaults -h127.0.0.1 -P"$port" -uroot "$@"; }
sql -e "CREATE DATABASE cloud; CREATE USER 'cloud'@'%' IDENTIFIED BY 'bench'; GRANT ALL ON cloud.* TO 'cloud'@'%';"
sql cloud < "$resources/cloudstack-schema.sql"
sql cloud < "$resources/cloud-fixture.sql"
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
  sql cloud < "$resources/cloudstack-schema.sql"
  sql cloud < "$resources/cloud-fixture.sql"
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
