#!/usr/bin/env bash
# Installs what Freightwatch's build, tests and lab need on Debian or Ubuntu, and only what is
# missing: a JDK 17 (or newer), Maven, the PostgreSQL server programs (13 or newer) with
# pg_stat_statements, redis-server, prometheus-alertmanager, promtool, prometheus and chromium.
# Safe to run again: it installs nothing when all is there.
#
# The lab starts its own PostgreSQL and Redis processes. This script never starts, stops or
# reconfigures the distribution's services: while it installs, a policy-rc.d that denies every
# service start is in place (unless the machine already has one).
set -euo pipefail

log() { printf 'setup-machine: %s\n' "$*"; }

if [[ ! -r /etc/debian_version ]] || ! command -v apt-get >/dev/null 2>&1; then
  log "this script supports Debian and Ubuntu (apt-get) only; install a JDK 17, Maven,"
  log "PostgreSQL >= 13 with contrib, and redis-server by hand"
  exit 1
fi

SUDO=""
if [[ "$(id -u)" -ne 0 ]]; then
  if ! command -v sudo >/dev/null 2>&1; then
    log "not root and sudo is missing; run as root or install sudo"
    exit 1
  fi
  SUDO="sudo"
fi

packages=()

java_major() {
  # "javac 17.0.15" -> 17; empty when javac is missing.
  command -v javac >/dev/null 2>&1 || return 0
  javac -version 2>&1 | sed -n 's/^javac \([0-9]*\).*/\1/p' | head -n 1
}

need_jdk=0
major="$(java_major)"
if [[ -z "$major" || "$major" -lt 17 ]]; then
  need_jdk=1
fi

command -v mvn >/dev/null 2>&1 || packages+=(maven)

has_postgres() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    local version
    version="$(basename "$(dirname "$bin")")"
    [[ "$version" =~ ^[0-9]+$ && "$version" -ge 13 ]] || continue
    [[ -x "$bin/initdb" && -x "$bin/pg_ctl" && -x "$bin/pg_basebackup" ]] || continue
    [[ -f "/usr/lib/postgresql/$version/lib/pg_stat_statements.so" ]] || continue
    return 0
  done
  return 1
}

has_postgres || packages+=(postgresql postgresql-contrib)

command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]] || packages+=(redis-server)

# Alertmanager: the notification tests post alerts to a real one that they start on a free
# loopback port with their own configuration. The package's own service is never started here.
[[ -x /usr/bin/prometheus-alertmanager ]] || packages+=(prometheus-alertmanager)

# promtool, from Debian's prometheus package: the tests check the exported Prometheus rule files
# with it and run `promtool test rules` beside the agent's own evaluator. The package also ships
# a prometheus service, which the policy-rc.d below keeps from starting.
command -v promtool >/dev/null 2>&1 || [[ -x /usr/bin/promtool ]] || packages+=(prometheus)

# Benchmark 3 (bench/side-by-side.sh) runs Debian's PostgreSQL and Redis exporters next to the
# agent on the same lab. Only their programs are used: the policy-rc.d below keeps their systemd
# services from starting during installation, and the benchmark starts its own processes.
exporters=()
[[ -x /usr/bin/prometheus-postgres-exporter ]] || exporters+=(prometheus-postgres-exporter)
[[ -x /usr/bin/prometheus-redis-exporter ]] || exporters+=(prometheus-redis-exporter)
if [[ ${#exporters[@]} -gt 0 ]]; then
  packages+=("${exporters[@]}")
fi

# curl: scripts/demo.sh polls the agent's /readyz with it.
command -v curl >/dev/null 2>&1 || packages+=(curl)

# Prometheus: the dashboard test runs the binary itself on a free loopback port with a generated
# configuration and a temporary storage directory, and evaluates every panel query through its
# HTTP API. The package's own service is never started here.
[[ -x /usr/bin/prometheus ]] || packages+=(prometheus)

# Chromium: the status page test loads the page from a running agent in headless Chromium
# (--dump-dom and --screenshot). No service comes with it.
command -v chromium >/dev/null 2>&1 || packages+=(chromium)

if [[ ${#packages[@]} -eq 0 && "$need_jdk" -eq 0 ]]; then
  log "nothing to install: JDK, Maven, PostgreSQL, redis-server, Alertmanager, promtool,"
  log "exporters, Prometheus, Chromium and curl are present"
  exit 0
fi

policy=/usr/sbin/policy-rc.d
created_policy=0
remove_policy() {
  if [[ "$created_policy" -eq 1 ]]; then
    $SUDO rm -f "$policy"
  fi
}
trap remove_policy EXIT
if [[ ! -e "$policy" ]]; then
  # Exit code 101 makes invoke-rc.d skip every service start.
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod 755 "$policy"
  created_policy=1
fi

$SUDO apt-get update -q
if [[ "$need_jdk" -eq 1 ]]; then
  # Some releases ship no openjdk-17 package. The build targets release 17, which a newer JDK
  # also compiles.
  for jdk in openjdk-17-jdk-headless openjdk-21-jdk-headless default-jdk-headless; do
    if apt-cache show "$jdk" >/dev/null 2>&1; then
      packages+=("$jdk")
      break
    fi
  done
fi
log "installing: ${packages[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
log "done"
