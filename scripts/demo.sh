#!/usr/bin/env bash
# Runs the Freightwatch demo: installs what is missing, builds the jar, starts the lab with the
# demo fault schedule and the agent, and streams fault switches and alerts. Ctrl-C stops the
# agent and the lab (which stops its PostgreSQL, Redis and HTTP servers).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
LAB_DIR=.lab
AGENT_URL=http://127.0.0.1:9187

# Check the fixed ports before the build and before .lab is touched. A second demo would otherwise
# truncate the console log of a demo still running before the lab finds its ports taken.
if command -v ss >/dev/null 2>&1; then
  for port in 25432 25433 26379 28080 28081 28082 9187; do
    if ss -Hltn "sport = :$port" | grep -q .; then
      echo "demo: port $port is in use, for example by a demo still running; stop what listens" \
        "there (ss -ltnp 'sport = :$port') and start again" >&2
      exit 1
    fi
  done
fi

scripts/setup-machine.sh
echo "demo: building the jar ..."
mvn -q -B package -DskipTests
JAR="$(ls target/freightwatch-*-all.jar | head -n 1)"
mkdir -p "$LAB_DIR"

lab_pid=""
agent_pid=""
tail_pid=""

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "demo: stopping ..."
  for pid in "$agent_pid" "$tail_pid"; do
    [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null || true
  done
  if [[ -n "$lab_pid" ]] && kill -0 "$lab_pid" 2>/dev/null; then
    kill -TERM "$lab_pid" 2>/dev/null || true
    # The lab's shutdown hook stops PostgreSQL, Redis and its HTTP servers; give it 60 s.
    for _ in $(seq 1 60); do
      kill -0 "$lab_pid" 2>/dev/null || break
      sleep 1
    done
  fi
  wait 2>/dev/null || true
  echo "demo: stopped"
}
trap stop_all INT TERM EXIT

echo "demo: starting the lab (log: $LAB_DIR/lab-console.log) ..."
: >"$LAB_DIR/lab-console.log"
java -cp "$JAR" io.freightwatch.lab.LabMain up --dir "$LAB_DIR" --fault-schedule demo \
  >"$LAB_DIR/lab-console.log" 2>&1 &
lab_pid=$!
# The lab prints one line per step (PostgreSQL pair, tenant databases, Redis, Traefik stand-in,
# workload); following its console shows them while it starts, and fault switches and alerts
# afterwards.
tail -n +1 -f "$LAB_DIR/lab-console.log" &
tail_pid=$!

started=$SECONDS
for _ in $(seq 1 180); do
  grep -q "Ready. Press Ctrl-C" "$LAB_DIR/lab-console.log" 2>/dev/null && break
  if ! kill -0 "$lab_pid" 2>/dev/null; then
    echo "demo: the lab exited during start:"
    cat "$LAB_DIR/lab-console.log"
    exit 1
  fi
  sleep 1
done
if ! grep -q "Ready. Press Ctrl-C" "$LAB_DIR/lab-console.log"; then
  echo "demo: the lab did not become ready within 180 s; see $LAB_DIR/lab-console.log"
  exit 1
fi

echo "demo: lab ready after $((SECONDS - started)) s"
echo "demo: starting the agent (log: $LAB_DIR/agent.log) ..."
java -jar "$JAR" run --config "$LAB_DIR/freightwatch.yaml" >"$LAB_DIR/agent.log" 2>&1 &
agent_pid=$!
started=$SECONDS
ready=0
for _ in $(seq 1 60); do
  if ! kill -0 "$agent_pid" 2>/dev/null; then
    echo "demo: the agent exited; see $LAB_DIR/agent.log. The lab keeps running."
    agent_pid=""
    break
  fi
  if curl -fsS -o /dev/null --max-time 2 "$AGENT_URL/readyz" 2>/dev/null; then
    ready=1
    break
  fi
  if (( (SECONDS - started) % 5 == 0 )); then
    echo "demo: waiting for the agent's first scrape of every target ($((SECONDS - started)) s) ..."
  fi
  sleep 1
done
if [[ "$ready" -eq 1 ]]; then
  echo "demo: agent ready after $((SECONDS - started)) s"
elif [[ -n "$agent_pid" ]]; then
  echo "demo: the agent is not ready after 60 s; see $AGENT_URL/api/v1/targets"
fi

cat <<INFO

  Status page:     $AGENT_URL/
  Agent metrics:   $AGENT_URL/metrics
  Agent alerts:    $AGENT_URL/api/v1/alerts
  Lab status:      http://127.0.0.1:28081/lab/status
  Traefik metrics: http://127.0.0.1:28080/metrics

  Fault switches and alerts follow. Press Ctrl-C to stop.

INFO

wait "$lab_pid" || true
