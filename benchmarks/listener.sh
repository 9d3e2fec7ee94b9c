#!/bin/bash
# Runs the managed listener's comparisons that BENCHMARKS.md reports ("Managed listener against the servers users
# would pick"), on one JDK, loopback only, each bounded in time: the connection rate against a thread-per-connection
# SSLServerSocket server (four handshake rows, 1 and 64 clients), then the memory of idle connections.
#
# usage: benchmarks/listener.sh [JAVA] [TAG] [SECONDS]
#   JAVA     the java command (default: java)
#   TAG      prefix of the result files in benchmarks/results (default: jdk<feature version>)
#   SECONDS  measured seconds per comparison (default 20, after a warm-up of a quarter of it)
# CLIENTS="64" runs the rate rows of those client counts only, appending. ONLY=rate, ONLY=memory or ONLY=latency in the environment runs one part.
# Build first: mvn -B -pl benchmarks -am -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA=${1:-java}
TAG=${2:-jdk$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')}
SECONDS_PER_COMPARISON=${3:-20}
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/results
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "Missing $JAR: run mvn -B -pl benchmarks -am -DskipTests package" >&2; exit 1; }

# Each idle connection takes a descriptor in the server's JVM and one in the client's.
ulimit -n 30000 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [ -z "${ONLY:-}" ] || [ "$ONLY" = rate ]; then
  RATE="$OUT/$TAG-listener-rate.txt"
  [ -n "${CLIENTS:-}" ] || : > "$RATE"
  for clients in ${CLIENTS:-1 64}; do
    for row in "TLSv1.3 full" "TLSv1.3 resumed" "TLSv1.2 full" "TLSv1.2 resumed"; do
      # shellcheck disable=SC2086
      set -- $row
      echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RATE"
      echo "# $JAVA -Xms1g -Xmx1g -cp $JAR io.managedtls.benchmarks.ListenerConnectionRate $1 $2 $clients $SECONDS_PER_COMPARISON" >> "$RATE"
      "$JAVA" -Xms1g -Xmx1g -cp "$JAR" io.managedtls.benchmarks.ListenerConnectionRate "$1" "$2" "$clients" \
          "$SECONDS_PER_COMPARISON" >> "$RATE" 2>&1 || echo "# failed: exit $?" >> "$RATE"
    done
  done
  echo "Results in $RATE"
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
    echo "# $JAVA -Xmx1g -cp $JAR io.managedtls.benchmarks.ListenerLatency $kind 1000 200 $SECONDS_PER_COMPARISON -Xmx256m" >> "$LATENCY"
    "$JAVA" -Xmx1g -cp "$JAR" io.managedtls.benchmarks.ListenerLatency "$kind" 1000 200 "$SECONDS_PER_COMPARISON" \
        -Xmx256m >> "$LATENCY" 2>&1 || echo "# failed: exit $?" >> "$LATENCY"
  done
  echo "Results in $LATENCY"
fi
