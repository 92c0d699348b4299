#!/usr/bin/python3
"""OpenDHT's side of `comet bench items`: N nodes in this process on 127.0.0.1 (ports chosen by the OS), then the
same puts and gets as Comet's benchmark, printed as one JSON object on standard output.

Phase 0 (warm-up), as `comet bench items`: WARMUP put-then-get pairs with IN_FLIGHT outstanding, in batches of
WARMUP_BATCH (at most 500 by default), each batch first running a fifth as many pairs one at a time (the shape of
the two measured phases), on a network of their own, which is then stopped; the measured network starts empty.
(Comet's warm-up goes on while its JIT compiles, each batch on a fresh cluster; `comet bench compare` passes the
pairs and the batch size it ran.)
Phase 1 (latency), as `comet bench items`: OPS times, a put of a fresh small value from a random node, awaited, then
a get of it from another random node, awaited. Phase 2 (throughput): OPS more put-then-get pairs with IN_FLIGHT
operations outstanding at once; ops_per_second counts puts and gets together.

The nodes' per-address rate limits are turned off (setRateLimit(-1, -1)) as OpenDHT's own network test tool does:
every node here shares 127.0.0.1, which the default limits would treat as one flooding peer.
"""
import argparse
import json
import math
import random
import sys
import threading
import time

import opendht as dht

AF_INET = 2
WARMUP_BATCH = 500  # pairs in flight in one warm-up batch at most, as in `comet bench items`


def percentile(values, p):
    """Nearest-rank percentile, as Comet's Latencies and LookupReport compute it (0 when empty)."""
    if not values:
        return 0
    s = sorted(values)
    rank = math.ceil(p / 100.0 * len(s))
    return s[max(0, min(len(s) - 1, rank - 1))]


def routing_count(node):
    """Contacts in a node's IPv4 routing table, read from its routing table log (the binding has no counter)."""
    total = 0
    for line in node.getRoutingTablesLog(AF_INET).splitlines():
        if " count: " in line:
            total += int(line.split(" count: ")[1].split()[0])
    return total


def start_network(n, timeout_s):
    config = dht.DhtConfig()
    config.setRateLimit(-1, -1)
    nodes = []
    for _ in range(n):
        r = dht.DhtRunner()
        r.run(port=0, ipv4="127.0.0.1", config=config)
        nodes.append(r)
    ports = [str(r.getBound(AF_INET).getPort()) for r in nodes]
    # each node pings every earlier one: a single bootstrap node leaves OpenDHT's tables nearly empty for seconds
    for i in range(1, n):
        for j in range(i):
            nodes[i].bootstrap("127.0.0.1", ports[j])
    want = min(n - 1, 8)
    deadline = time.monotonic() + timeout_s
    while any(routing_count(r) < want for r in nodes):
        if time.monotonic() > deadline:
            raise SystemExit("opendht: the network did not form within %d s" % timeout_s)
        time.sleep(0.05)  # polling the condition: the binding offers no callback for a routing table change
    return nodes


def put_blocking(node, key, value, timeout_s=60):
    done = threading.Event()
    result = []
    node.put(key, value, lambda ok, nodes: (result.append(ok), done.set()))
    if not done.wait(timeout_s):
        raise SystemExit("opendht: a put did not finish within %d s" % timeout_s)
    return result[0]


def latency_phase(nodes, ops, rng):
    put_us, get_us, found = [], [], 0
    for i in range(ops):
        key = dht.InfoHash.get("bench item %d %d" % (i, rng.getrandbits(63)))
        value = dht.Value(("bench item %d %d" % (i, rng.getrandbits(63))).encode())
        writer = rng.choice(nodes)
        t0 = time.perf_counter_ns()
        put_blocking(writer, key, value)
        put_us.append((time.perf_counter_ns() - t0) // 1000)
        reader = rng.choice(nodes)
        t1 = time.perf_counter_ns()
        got = reader.get(key)
        get_us.append((time.perf_counter_ns() - t1) // 1000)
        if got:
            found += 1
    return put_us, get_us, found


def throughput_phase(nodes, pairs, in_flight, rng):
    """pairs put-then-get pairs, in_flight chains at once; returns (operations completed, seconds)."""
    lock = threading.Lock()
    state = {"started": 0, "ops": 0, "running": 0}
    finished = threading.Event()

    def start_next():
        with lock:
            if state["started"] >= pairs:
                state["running"] -= 1
                if state["running"] == 0:
                    finished.set()
                return
            state["started"] += 1
            i = state["started"]
            key = dht.InfoHash.get("bench flight %d %d" % (i, rng.getrandbits(63)))
            value = dht.Value(("bench flight %d %d" % (i, rng.getrandbits(63))).encode())
            writer, reader = rng.choice(nodes), rng.choice(nodes)

        def got_done(ok, _nodes):
            with lock:
                state["ops"] += 1
            start_next()

        def put_done(ok, _nodes):
            with lock:
                state["ops"] += 1
            reader.get(key, lambda v: True, got_done)

        writer.put(key, value, put_done)

    state["running"] = in_flight
    t0 = time.perf_counter()
    for _ in range(in_flight):
        start_next()
    if not finished.wait(600):
        raise SystemExit("opendht: the throughput phase did not finish within 600 s")
    return state["ops"], time.perf_counter() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--nodes", type=int, default=20)
    p.add_argument("--ops", type=int, default=200)
    p.add_argument("--in-flight", type=int, default=16)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--warmup", type=int, default=2000)
    p.add_argument("--warmup-batch", type=int, default=WARMUP_BATCH)
    a = p.parse_args()
    if a.nodes < 2 or a.ops < 1 or a.in_flight < 1 or a.warmup < 0 or a.warmup_batch < 1:
        raise SystemExit("opendht: --nodes must be at least 2, --ops, --in-flight and --warmup-batch at least 1, "
                         "--warmup at least 0")
    rng = random.Random(a.seed)
    if a.warmup > 0:
        warm = start_network(a.nodes, 60)
        try:
            batch = min(a.warmup_batch, a.warmup)
            ran = 0
            while ran < a.warmup:
                latency_phase(warm, max(1, batch // 5), rng)
                throughput_phase(warm, batch, min(a.in_flight, batch), rng)
                ran += batch
        finally:
            for r in warm:
                r.join()
    t0 = time.perf_counter()
    nodes = start_network(a.nodes, 60)
    formed_s = time.perf_counter() - t0
    try:
        put_us, get_us, found = latency_phase(nodes, a.ops, rng)
        ops_done, seconds = throughput_phase(nodes, a.ops, min(a.in_flight, a.ops), rng)
    finally:
        for r in nodes:
            r.join()
    print(json.dumps({
        "peer": "opendht",
        "nodes": a.nodes,
        "ops": a.ops,
        "warmup_pairs": a.warmup,
        "formed_seconds": round(formed_s, 2),
        "put_us_p50": percentile(put_us, 50),
        "put_us_p99": percentile(put_us, 99),
        "get_us_p50": percentile(get_us, 50),
        "get_us_p99": percentile(get_us, 99),
        "gets_found": found,
        "in_flight": a.in_flight,
        "throughput_ops": ops_done,
        "ops_per_second": round(ops_done / seconds, 1),
    }))


if __name__ == "__main__":
    sys.exit(main())
