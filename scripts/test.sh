#!/usr/bin/env bash
# Runs every test: unit tests, then integration tests against servers the tests start themselves
# (a PostgreSQL primary with a streaming replica, Redis, and a Traefik stand-in, all on
# 127.0.0.1). Installs what is missing first. Set CI=true to make a missing server fail the
# build instead of skipping the tests that need it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup-machine.sh
mvn -B verify "$@"
