#!/usr/bin/env bash
# Seeder benchmark (not a test). In one run, on the same disk:
#   1. plain `cp` of a template file (and `cp` + `sync`, which is as durable as the seeder's copy),
#   2. `strata seed` putting the same file on a store (sha512 check of the bundle, copy to a
#      temporary name, fsync, rename, read back and compare, template.properties, DB rows),
#   3. `strata seed` again on the already seeded store (nothing to do; includes JVM start).
# The page cache is dropped before the first cp and before the seeder (whose sha512 check then
# reads the file from disk and leaves it cached for its copy; cp is timed cold and cached).
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

sync; echo 3 > /proc/sys/vm/drop_caches
t0=$(date +%s.%N); cp "$work/bundle/$file" "$work/cp/$file"; t1=$(date +%s.%N); sync; t2=$(date +%s.%N)
cp_s=$(seconds "$t0" "$t1"); cp_sync_s=$(seconds "$t0" "$t2")
# The seeder reads the file once for its sha512 before copying, so it copies from the page cache:
# time cp that way too (source cached, target new).
rm -f "$work/cp/$file"; sync
t0=$(date +%s.%N); cp "$work/bundle/$file" "$work/cp/$file"; t1=$(date +%s.%N); sync; t2=$(date +%s.%N)
warm_s=$(seconds "$t0" "$t1"); warm_sync_s=$(seconds "$t0" "$t2")

sync; echo 3 > /proc/sys/vm/drop_caches
t0=$(date +%s.%N)
"$strata" seed --quiet --json --bundle "$work/bundle" --db-properties "$work/db.properties" \
  --mounted 1="$work/store-a" --mounted 2="$work/store-b" > "$work/first.json"
t1=$(date +%s.%N)
seed_s=$(seconds "$t0" "$t1")
copy_s=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%.3f" % r["seeded"][0]["copySeconds"])' "$work/first.json")

t0=$(date +%s.%N)
"$strata" seed --quiet --json --bundle "$work/bundle" --db-properties "$work/db.properties" \
  --mounted 1="$work/store-a" --mounted 2="$work/store-b" > "$work/second.json"
t1=$(date +%s.%N)
again_s=$(seconds "$t0" "$t1")
status=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["status"])' "$work/second.json")

pct() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]) * 100:.0f} %')" "$1" "$2"; }
echo "file: $file, $bytes bytes"
printf "%-52s %9s %9s\n" "step" "seconds" "MiB/s"
printf "%-52s %9s %9s\n" "cp" "$cp_s" "$(rate "$bytes" "$cp_s")"
printf "%-52s %9s %9s\n" "cp + sync" "$cp_sync_s" "$(rate "$bytes" "$cp_sync_s")"
printf "%-52s %9s %9s\n" "cp, source in page cache" "$warm_s" "$(rate "$bytes" "$warm_s")"
printf "%-52s %9s %9s\n" "cp + sync, source in page cache" "$warm_sync_s" "$(rate "$bytes" "$warm_sync_s")"
printf "%-52s %9s %9s\n" "seeder copy (temp name, fsync, rename, read back)" "$copy_s" "$(rate "$bytes" "$copy_s")"
printf "%-52s %9s %9s\n" "strata seed, whole run (JVM, sha512 check, copy, DB)" "$seed_s" "$(rate "$bytes" "$seed_s")"
printf "%-52s %9s\n" "strata seed again ($status)" "$again_s"
echo "seeder copy vs cp + sync (cached source): $(pct "$warm_sync_s" "$copy_s") of its throughput;" \
  "vs cp + sync (cold): $(pct "$cp_sync_s" "$copy_s"); vs cp (cold, no sync): $(pct "$cp_s" "$copy_s")"
