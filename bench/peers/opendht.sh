#!/usr/bin/env bash
# OpenDHT's side of `comet bench items` (opendht_bench.py: N nodes in one process on loopback, the same puts and
# gets), with Debian's python3-opendht for the system python3. Installs it when the import fails; exits 3 when it
# cannot be installed. Arguments go to opendht_bench.py (--nodes N --ops N --in-flight C --seed S --warmup W).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if ! /usr/bin/python3 -c "import opendht" 2>/dev/null; then
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-opendht; } >&2; then
    echo "opendht: not installed (apt-get install python3-opendht failed)" >&2
    exit 3
  fi
fi
exec /usr/bin/python3 "$here/opendht_bench.py" "$@"
