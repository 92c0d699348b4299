#!/usr/bin/env bash
# Redis's side of the seed example: a redis-server on a free loopback port, the seed's counter as a Lua script
# (aso.getCount incremented and returned with aso.value), and redis-benchmark calling it with EVALSHA.
# Usage: bench/peers/redis.sh CLIENTS REQUESTS
# Prints redis-benchmark's CSV (ops/s and latency percentiles in ms) on standard output.
# Installs redis-server and redis-tools from Debian when they are missing; exits 3 when they cannot be installed.
# The server keeps nothing on disk (--save '' --appendonly no), like the in-memory node of `comet bench rpc`.
set -euo pipefail
clients="${1:?usage: redis.sh CLIENTS REQUESTS}"
requests="${2:?usage: redis.sh CLIENTS REQUESTS}"

if ! command -v redis-server >/dev/null || ! command -v redis-benchmark >/dev/null; then
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server redis-tools; } >&2; then
    echo "redis: not installed (apt-get install redis-server redis-tools failed)" >&2
    exit 3
  fi
fi

dir="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$dir"
}
trap cleanup EXIT

# a free port: the OS picks one for a socket bound to port 0; a race with another process is retried below
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

for attempt in 1 2 3; do
  port="$(free_port)"
  redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --dir "$dir" --daemonize no \
    --logfile "$dir/redis.log" &
  pid=$!
  # wait for the server to answer (or to die: the port was taken after all)
  for _ in $(seq 1 200); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then break 2; fi
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""
done
if [[ -z "$pid" ]]; then
  echo "redis: redis-server did not start (log: $(tail -3 "$dir/redis.log" 2>/dev/null))" >&2
  exit 1
fi

redis-cli -p "$port" hset seed value "Hello world!" getCount 0 >/dev/null
sha="$(redis-cli -p "$port" script load \
  "local n = redis.call('HINCRBY', KEYS[1], 'getCount', 1) return {redis.call('HGET', KEYS[1], 'value'), n}")"
redis-benchmark -p "$port" -c "$clients" -n "$requests" --csv evalsha "$sha" 1 seed
echo "# getCount $(redis-cli -p "$port" hget seed getCount)"
