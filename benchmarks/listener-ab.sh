#!/bin/bash
# Compares two builds of the managed listener side by side: each in a process of its own on CPU 1 (PeerServer
# listener http), the same openssl s_time load on CPU 0, in alternating slices (A B, B A, ...) after a warm-up of
# 30 s at 64 clients and 25 s at the measured load, so that a change is measured within the same minutes of a machine
# whose speed drifts. Prints each slice's connections/s, the load CPU's busy share and the server's CPU share.
#
# usage: benchmarks/listener-ab.sh A_JAR B_JAR [TLSv1.3|TLSv1.2] [new|reuse] [CLIENTS] [SECONDS] [ROUNDS]
#   A_JAR, B_JAR  benchmark jars (mvn -B -pl benchmarks -am -DskipTests package, one per checkout)
#   CLIENTS       concurrent s_time processes (default 1); SECONDS per slice (default 8); ROUNDS (default 6)
# JAVA=... picks the JDK (default java). Needs taskset and openssl on a machine of two CPUs or more.
set -euo pipefail
A_JAR=$1; B_JAR=$2; PROTO=${3:-TLSv1.3}; MODE=${4:-new}; CLIENTS=${5:-1}; SECONDS_PER_SLICE=${6:-8}; ROUNDS=${7:-6}
JAVA=${JAVA:-java}
FLAG=$([ "$PROTO" = TLSv1.3 ] && echo -tls1_3 || echo -tls1_2)
DIR=$(mktemp -d)
trap 'kill "${PID[A]:-}" "${PID[B]:-}" 2>/dev/null || true; rm -rf "$DIR"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 2 -subj /CN=localhost \
    2> /dev/null
declare -A PORT PID
for v in A B; do
  jar=$A_JAR; [ $v = B ] && jar=$B_JAR
  taskset -c 1 "$JAVA" -Xms512m -Xmx512m -cp "$jar" io.managedtls.benchmarks.PeerServer listener http "$PROTO" "$DIR" \
      > "$DIR/server-$v.out" 2>&1 < <(sleep 100000) &
  PID[$v]=$!
  for _ in $(seq 100); do grep -q ready "$DIR/server-$v.out" && break; sleep 0.2; done
  PORT[$v]=$(awk '/ready/{print $2}' "$DIR/server-$v.out")
done

# One slice: CLIENTS s_time processes against a port for SECONDS; prints connections/s.
slice() {
  local port=$1 seconds=$2 clients=$3 pids=()
  for i in $(seq "$clients"); do
    taskset -c 0 openssl s_time -connect "127.0.0.1:$port" "-$MODE" -time "$seconds" -www /ping "$FLAG" \
        > "$DIR/s_time-$i.txt" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  cat "$DIR"/s_time-*.txt | awk -v s="$seconds" '/connections in [0-9]+ real/{n+=$1} END{printf "%.0f", n/s}'
  rm -f "$DIR"/s_time-*.txt
}
cpu0() { awk '/^cpu0 /{t=0; for(i=2;i<=9;i++) t+=$i; print t, $5+$6}' /proc/stat; }

for v in A B; do
  for _ in 1 2 3 4 5 6; do slice "${PORT[$v]}" 5 64 > /dev/null; done
  for _ in 1 2 3 4 5; do slice "${PORT[$v]}" 5 "$CLIENTS" > /dev/null; done
done
echo "# $PROTO $MODE, $CLIENTS clients, $SECONDS_PER_SLICE s slices, $("$JAVA" -version 2>&1 | head -1); A=$A_JAR B=$B_JAR"
for r in $(seq "$ROUNDS"); do
  for v in $([ $((r % 2)) = 1 ] && echo "A B" || echo "B A"); do
    read -r t0 i0 < <(cpu0); c0=$(awk '{print $14+$15}' "/proc/${PID[$v]}/stat")
    rate=$(slice "${PORT[$v]}" "$SECONDS_PER_SLICE" "$CLIENTS")
    read -r t1 i1 < <(cpu0); c1=$(awk '{print $14+$15}' "/proc/${PID[$v]}/stat")
    echo "round $r $v: $rate connections/s, load CPU $((100 - 100 * (i1 - i0) / (t1 - t0)))%, server CPU $(((c1 - c0) * 100 / (t1 - t0)))%"
  done
done
