#!/bin/bash
# Runs the managed listener's comparisons that BENCHMARKS.md reports ("Managed listener against the servers users
# would pick"), on one JDK, loopback only, each bounded in time: the connection rate and the bulk echo against a
# thread-per-connection SSLServerSocket server and openssl s_server (ServerComparison), the memory of 10,000 idle
# connections (IdleConnectionsMemory), and the echo latency at 1,000 connections (ListenerLatency).
#
# usage: benchmarks/listener.sh [JAVA] [TAG] [SECONDS] [ROUNDS]
#   JAVA     the java command (default: java)
#   TAG      prefix of the result files in benchmarks/results (default: jdk<feature version>)
#   SECONDS  seconds per slice of a comparison (default 5), and the latency's measured seconds times four
#   ROUNDS   rounds of slices per comparison row (default 3), after the warm-up slices ServerComparison describes
# CLIENTS="64" runs the rate rows of those client counts only, and ROWS="TLSv1.2 resumed RSA_2048,TLSv1.3 full
# EC_P256" those rows only; either appends to the rate file. ONLY=rate, bulk, memory or latency runs one part.
# Build first: mvn -B -pl benchmarks -am -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${1:-java}
TAG=${2:-jdk$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')}
SECONDS_PER_SLICE=${3:-5}
ROUNDS=${4:-3}
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/results
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "Missing $JAR: run mvn -B -pl benchmarks -am -DskipTests package" >&2; exit 1; }

# Each idle connection takes a descriptor in the server's JVM and one in the client's.
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# The comparisons with other servers and the latency pin the load (this JVM and its openssl s_time processes) to CPU 0; each server
# pins itself to the other CPUs (ServerComparison).
PIN=()
if command -v taskset > /dev/null && [ "$(nproc --all)" -ge 2 ]; then
  PIN=(taskset -c 0)
fi
command -v openssl > /dev/null || { echo "openssl is needed: apt-get install -y openssl" >&2; exit 1; }

if [ -z "${ONLY:-}" ] || [ "$ONLY" = rate ]; then
  RATE="$OUT/$TAG-listener-rate.txt"
  [ -n "${CLIENTS:-}${ROWS:-}" ] || : > "$RATE"
  ALL_ROWS="TLSv1.3 full RSA_2048,TLSv1.3 resumed RSA_2048,TLSv1.2 full RSA_2048,TLSv1.2 resumed RSA_2048"
  ALL_ROWS+=",TLSv1.3 full EC_P256"
  IFS=, read -r -a rows <<< "${ROWS:-$ALL_ROWS}"
  for clients in ${CLIENTS:-1 64}; do
    for row in "${rows[@]}"; do
      # shellcheck disable=SC2086
      set -- $row
      echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version)" >> "$RATE"
      echo "# ${PIN[*]} $JAVA -cp $JAR io.managedtls.benchmarks.ServerComparison rate $1 $2 $3 $clients $SECONDS_PER_SLICE $ROUNDS" >> "$RATE"
      "${PIN[@]}" "$JAVA" -cp "$JAR" io.managedtls.benchmarks.ServerComparison rate "$1" "$2" "$3" "$clients" \
          "$SECONDS_PER_SLICE" "$ROUNDS" >> "$RATE" 2>&1 || echo "# failed: exit $?" >> "$RATE"
    done
  done
  echo "Results in $RATE"
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = bulk ]; then
  BULK="$OUT/$TAG-listener-bulk.txt"
  : > "$BULK"
  for row in "TLSv1.3 1" "TLSv1.3 8" "TLSv1.2 1"; do
    # shellcheck disable=SC2086
    set -- $row
    echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version)" >> "$BULK"
    echo "# ${PIN[*]} $JAVA -cp $JAR io.managedtls.benchmarks.ServerComparison bulk $1 $2 $SECONDS_PER_SLICE $ROUNDS" >> "$BULK"
    "${PIN[@]}" "$JAVA" -cp "$JAR" io.managedtls.benchmarks.ServerComparison bulk "$1" "$2" "$SECONDS_PER_SLICE" \
        "$ROUNDS" >> "$BULK" 2>&1 || echo "# failed: exit $?" >> "$BULK"
  done
  echo "Results in $BULK"
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = memory ]; then
  MEMORY="$OUT/$TAG-listener-memory.txt"
  : > "$MEMORY"
  echo "# ulimit -n $(ulimit -n)" >> "$MEMORY"
  # The listener within the target's heap; the thread-per-connection server does not fit in it (it runs out of
  # memory at -Xmx256m), so it gets 1 GiB.
  for run in "listener -Xmx256m" "threads -Xmx1g"; do
    # shellcheck disable=SC2086
    set -- $run
    echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$MEMORY"
    echo "# $JAVA -Xmx2g -cp $JAR io.managedtls.benchmarks.IdleConnectionsMemory $1 10000 $2" >> "$MEMORY"
    timeout 300 "$JAVA" -Xmx2g -cp "$JAR" io.managedtls.benchmarks.IdleConnectionsMemory "$1" 10000 "$2" \
        >> "$MEMORY" 2>&1 || echo "# failed: exit $?" >> "$MEMORY"
  done
  echo "Results in $MEMORY"
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = latency ]; then
  LATENCY="$OUT/$TAG-listener-latency.txt"
  : > "$LATENCY"
  for kind in listener threads; do
    echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$LATENCY"
    echo "# ${PIN[*]} $JAVA -Xmx1g -cp $JAR io.managedtls.benchmarks.ListenerLatency $kind 1000 200 $((4 * SECONDS_PER_SLICE)) -Xmx256m" >> "$LATENCY"
    "${PIN[@]}" "$JAVA" -Xmx1g -cp "$JAR" io.managedtls.benchmarks.ListenerLatency "$kind" 1000 200 "$((4 * SECONDS_PER_SLICE))" \
        -Xmx256m >> "$LATENCY" 2>&1 || echo "# failed: exit $?" >> "$LATENCY"
  done
  echo "Results in $LATENCY"
fi
