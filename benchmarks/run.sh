#!/bin/bash
# Runs every measurement BENCHMARKS.md reports, on one JDK: the paired comparisons (ratios), then JMH with its
# allocation profiler (bytes per operation) and the cipher ceiling. About 25 minutes on 2 cores.
#
# usage: benchmarks/run.sh [JAVA] [TAG] [SECONDS]
#   JAVA     the java command (default: java)
#   TAG      prefix of the result files in benchmarks/results (default: jdk<feature version>)
#   SECONDS  measured seconds per paired comparison (default 30)
# PAIRED_ONLY=1 in the environment runs only the paired comparisons (about 12 minutes).
# Build first: mvn -B -pl benchmarks -am -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${1:-java}
TAG=${2:-jdk$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')}
SECONDS_PER_COMPARISON=${3:-30}
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/results
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "Missing $JAR: run mvn -B -pl benchmarks -am -DskipTests package" >&2; exit 1; }

PAIRED="$OUT/$TAG-paired.txt"
: > "$PAIRED"
for what in memory-bulk:TLS_AES_128_GCM_SHA256 memory-bulk:TLS_AES_256_GCM_SHA384 \
    memory-bulk:TLS_CHACHA20_POLY1305_SHA256 memory-bulk:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 \
    socket-bulk:TLS_AES_128_GCM_SHA256 socket-bulk:TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 \
    full-handshake:TLSv1.3:EC_P256 full-handshake:TLSv1.3:RSA_2048 \
    full-handshake:TLSv1.2:EC_P256 full-handshake:TLSv1.2:RSA_2048 \
    resumed-handshake:TLSv1.3:EC_P256 resumed-handshake:TLSv1.3:RSA_2048 \
    resumed-handshake:TLSv1.2:EC_P256 resumed-handshake:TLSv1.2:RSA_2048 \
    full-handshake-cache-full:TLSv1.3:EC_P256:20000; do
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$PAIRED"
  "$JAVA" -Xms1g -Xmx1g -cp "$JAR" io.managedtls.benchmarks.PairedComparison "$what" "$SECONDS_PER_COMPARISON" \
      2>&1 | grep -v '^Raw ' >> "$PAIRED"
done

[ "${PAIRED_ONLY:-0}" = 1 ] && { echo "Results in $PAIRED"; exit 0; }

jmh() {
  local name=$1; shift
  "$JAVA" -jar "$JAR" "$@" -o "$OUT/$TAG-$name.txt"
}
jmh memory-bulk MemoryBulk -f 1 -wi 3 -w 2s -i 5 -r 3s -prof gc
jmh handshakes 'FullHandshake|ResumedHandshake' -f 1 -wi 4 -w 2s -i 4 -r 3s -prof gc
jmh ceiling CipherCeiling -f 1 -wi 3 -w 2s -i 5 -r 3s
echo "Results in $OUT/$TAG-*.txt"
