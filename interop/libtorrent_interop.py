#!/usr/bin/python3
"""Interoperability check: Comet <-> libtorrent 2.0 (BitTorrent Mainline DHT, BEP 5 and 32) on 127.0.0.1 and ::1.

Run from the repository root with the system interpreter (Debian's python3-libtorrent is built for it):

    /usr/bin/python3 interop/libtorrent_interop.py [--verbose] [--keep-logs]

It starts a 5-node Comet cluster, one extra Comet node and three libtorrent sessions (DHT only, loopback
only), and for check 5 a dual-stack Comet host, three IPv6-only Comet nodes and a libtorrent session on ::1. It
runs the checks below, always stops everything it started, and exits 0 when every check passes, 1 otherwise (one
line per failed check, starting with FAIL). See interop/README.md.

  1a libtorrent learns Comet nodes through one Comet seed (ping/get_peers answered, nodes usable)
  1b libtorrent announces an info hash through Comet (get_peers tokens + announce_peer accepted)
  1c a second libtorrent session, seeded with another Comet node, gets that peer back from Comet
  2  a Comet node bootstrapped only through a libtorrent session learns the Comet cluster
  3a raw probe: libtorrent answers Comet-style KRPC as shared/notes/mainline-peers.md says
  3b raw probe: Comet answers a libtorrent-format ping and a replayed libtorrent get_peers datagram
  4  every libtorrent query to a Comet node was answered, and no KRPC error went either way (IPv4 and IPv6)
  5a IPv6 (BEP 32): libtorrent on [::1], seeded with the IPv6 half of a dual-stack Comet host, learns the
     IPv6-only Comet nodes from its nodes6
  5b an IPv6-only Comet node bootstrapped only through that libtorrent session learns the Comet IPv6 nodes
  5c find_node with want [n4, n6] to either half of the dual-stack Comet host returns both families, each in its
     own list; without want, its own family only
  5d raw probe: libtorrent answers ping and find_node (with want) over IPv6, with an 18-byte ip and nodes6
"""

import argparse
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

try:
    import libtorrent as lt
except ImportError:  # pragma: no cover - environment problem, reported plainly
    print("FAIL setup: cannot import libtorrent; install python3-libtorrent and run with /usr/bin/python3",
          file=sys.stdout)
    sys.exit(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMET = os.path.join(ROOT, "bin", "comet")
JAR = os.path.join(ROOT, "comet-cli", "target", "comet.jar")
# How Comet processes are started. bin/comet (re)builds the jar once, up front; by default every process then
# runs a private copy of that jar, because other people rebuild the tree while this runs and a jar replaced
# under a running JVM breaks its lazy class loading (seen: NoClassDefFoundError in the cluster mid-run).
COMET_CMD = [COMET]
LOOPBACK = "127.0.0.1"
LOOPBACK6 = "::1"
IPV6_OTHERS = 2           # check 5: IPv6-only Comet nodes besides the dual-stack host
CLUSTER_SIZE = 5
RUN_BUDGET_S = 85.0       # every wait below is clipped to this overall budget (Comet build time excluded)
BUILD_TIMEOUT_S = 180.0   # bin/comet rebuilds the jar when a source is newer than it
BUILD_ATTEMPTS = 3        # others build in the same tree: a broken or half-written jar gets more tries
BUILD_PAUSE_S = 20
HARD_KILL_S = RUN_BUDGET_S + BUILD_TIMEOUT_S + 2 * (BUILD_PAUSE_S + 10) + 30  # watchdog: never hang

VERBOSE = False
T0 = time.monotonic()


def log(msg):
    if VERBOSE:
        print("[%6.2f] %s" % (time.monotonic() - T0, msg), file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------- bencode

def benc(x):
    """Canonical bencode: dictionary keys sorted by raw bytes, minimal integers."""
    if isinstance(x, bool):
        raise TypeError("no booleans in bencode")
    if isinstance(x, int):
        return b"i%de" % x
    if isinstance(x, str):
        x = x.encode()
    if isinstance(x, (bytes, bytearray)):
        return b"%d:%s" % (len(x), bytes(x))
    if isinstance(x, (list, tuple)):
        return b"l" + b"".join(benc(v) for v in x) + b"e"
    if isinstance(x, dict):
        items = sorted(((k.encode() if isinstance(k, str) else bytes(k)), v) for k, v in x.items())
        return b"d" + b"".join(benc(k) + benc(v) for k, v in items) + b"e"
    raise TypeError("cannot bencode %r" % type(x))


def bdec(data):
    """Decodes one bencoded value filling all of data; raises ValueError on anything malformed."""
    def value(i):
        if i >= len(data):
            raise ValueError("truncated")
        c = data[i:i + 1]
        if c == b"i":
            end = data.index(b"e", i)
            text = data[i + 1:end]
            if not re.fullmatch(rb"-?(0|[1-9][0-9]*)", text) or text == b"-0":
                raise ValueError("bad integer %r" % text)
            return int(text), end + 1
        if c == b"l":
            out, i = [], i + 1
            while data[i:i + 1] != b"e":
                v, i = value(i)
                out.append(v)
            return out, i + 1
        if c == b"d":
            out, i = {}, i + 1
            while data[i:i + 1] != b"e":
                k, i = value(i)
                if not isinstance(k, bytes):
                    raise ValueError("non-string key")
                out[k], i = value(i)
            return out, i + 1
        if c.isdigit():
            colon = data.index(b":", i)
            n = int(data[i:colon])
            if colon + 1 + n > len(data):
                raise ValueError("string past end")
            return data[colon + 1:colon + 1 + n], colon + 1 + n
        raise ValueError("unexpected byte %r at %d" % (c, i))

    try:
        v, end = value(0)
    except IndexError as e:
        raise ValueError("truncated") from e
    if end != len(data):
        raise ValueError("trailing bytes")
    return v


def compact_peer(ip, port):
    return socket.inet_aton(ip) + port.to_bytes(2, "big")


def parse_nodes(blob):
    """Compact node infos -> list of (hex id, (ip, port))."""
    out = []
    for off in range(0, len(blob) - len(blob) % 26, 26):
        out.append((blob[off:off + 20].hex(),
                    (socket.inet_ntoa(blob[off + 20:off + 24]), int.from_bytes(blob[off + 24:off + 26], "big"))))
    return out


def parse_nodes6(blob):
    """BEP 32 compact IPv6 node infos (38 bytes each) -> list of (hex id, (ip, port)), ip as inet_ntop writes it."""
    out = []
    for off in range(0, len(blob) - len(blob) % 38, 38):
        out.append((blob[off:off + 20].hex(), (socket.inet_ntop(socket.AF_INET6, blob[off + 20:off + 36]),
                                               int.from_bytes(blob[off + 36:off + 38], "big"))))
    return out


def compact_peer6(ip, port):
    return socket.inet_pton(socket.AF_INET6, ip) + port.to_bytes(2, "big")


def norm6(text):
    """An IPv6 address the way inet_ntop writes it (Comet prints ::1 as 0:0:0:0:0:0:0:1)."""
    return socket.inet_ntop(socket.AF_INET6, socket.inet_pton(socket.AF_INET6, text))


def show(raw, limit=300):
    """A datagram for a report line: bytes with non-printables escaped, shortened."""
    s = "".join(chr(b) if 32 <= b < 127 and b != 0x5C else "\\x%02x" % b for b in raw)
    return s if len(s) <= limit else s[:limit] + "...(%d bytes)" % len(raw)


# ----------------------------------------------------------------------------------------------- time budget

class Budget:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return max(0.0, self.end - time.monotonic())

    def clip(self, seconds):
        return min(seconds, self.left())


BUDGET = Budget(RUN_BUDGET_S)


# ----------------------------------------------------------------------------------------------- processes

class CometProcess:
    """One bin/comet subprocess in its own process group; stdout lines are collected by a thread."""

    ALL = []

    def __init__(self, name, args, workdir):
        self.name = name
        self.lines = []
        self.eof = False
        self.cond = threading.Condition()
        self.stderr_path = os.path.join(workdir, name + ".stderr")
        self.stderr = open(self.stderr_path, "wb")
        log("start %s: %s" % (name, " ".join(args)))
        self.proc = subprocess.Popen(COMET_CMD + args, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self.stderr, start_new_session=True)
        CometProcess.ALL.append(self)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            log("%s| %s" % (self.name, line))
            with self.cond:
                self.lines.append(line)
                self.cond.notify_all()
        with self.cond:
            self.eof = True
            self.cond.notify_all()

    def wait_for(self, pattern, timeout):
        """The match of the first stdout line matching pattern, or None on timeout or when stdout ends."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                for line in self.lines[seen:]:
                    m = rx.search(line)
                    if m:
                        return m
                seen = len(self.lines)
                remaining = end - time.monotonic()
                if self.eof or remaining <= 0:
                    return None
                self.cond.wait(min(remaining, 0.2))

    def stderr_tail(self, n=3):
        try:
            with open(self.stderr_path, "rb") as f:
                text = re.sub(r"\x1b\[[0-9;]*m", "", f.read().decode("utf-8", "replace"))
            return " | ".join([l.strip() for l in text.splitlines() if l.strip()][-n:])
        except OSError:
            return ""

    def stop(self, grace=6.0):
        """SIGTERM to this process group (so a running build stops too), SIGKILL after grace seconds."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(5)
        self.stderr.close()

    @classmethod
    def stop_all(cls):
        for p in reversed(cls.ALL):
            try:
                p.stop()
            except Exception as e:  # keep stopping the others
                print("warning: could not stop %s: %s" % (p.name, e), file=sys.stderr)
        cls.ALL.clear()


def free_udp_block(count, tries=50):
    """A base port whose count consecutive UDP ports on 127.0.0.1 are free right now."""
    import random
    for _ in range(tries):
        base = random.randint(20000, 60000 - count)
        socks = []
        try:
            for p in range(base, base + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                socks.append(s)
                s.bind((LOOPBACK, p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no block of %d free UDP ports found" % count)


# ----------------------------------------------------------------------------------------------- libtorrent

class LtSession:
    """A libtorrent 2.0 session: DHT only, on 127.0.0.1 or (check 5) ::1 only, every DHT datagram logged
    (dht_pkt_alert)."""

    LIVE = []

    def __init__(self, name, host=LOOPBACK):
        self.name = name
        self.host = host
        LtSession.LIVE.append(self)
        cat = lt.alert.category_t
        self.session = lt.session({
            # the OS picks a free port (TCP + uTP/DHT share it); one family only: a session listening on both
            # runs a second DHT node with its own id on another port, which listen_port() does not report
            "listen_interfaces": ("[%s]:0" if ":" in host else "%s:0") % host,
            "enable_dht": True,
            "enable_lsd": False,
            "enable_upnp": False,
            "enable_natpmp": False,
            "dht_bootstrap_nodes": "",                # no public routers
            "dht_restrict_routing_ips": False,        # every node here is 127.0.0.1
            "dht_restrict_search_ips": False,
            # every node here shares one IP: the default (5 packets/s per IP, then ignored for 5 min) would
            # silence the whole cluster after a burst (shared/notes/mainline-peers.md measured it)
            "dht_block_ratelimit": 100000,
            "dht_upload_rate_limit": 1000000,
            "alert_queue_size": 100000,
            "alert_mask": cat.dht_notification | cat.dht_log_notification | cat.dht_operation_notification
                          | cat.status_notification | cat.error_notification,
        })
        self.port = self.session.listen_port()
        self.node_id = None          # hex, learned from our own outgoing queries
        self.version = None          # our 'v', as sent
        self.pkts = []               # (time, 'out'|'in', (ip, port), decoded dict or None, raw bytes)
        self.table = {}              # hex id -> (ip, port), from the last dht_live_nodes_alert
        self.table_size = 0          # from the last dht_stats_alert
        self.peer_replies = []       # (info hash hex, [(ip, port)])
        self.log = []
        self._last_poll = 0.0
        log("%s: libtorrent %s listening on %s port %d" % (name, lt.__version__, host, self.port))

    def endpoint(self):
        return (self.host, self.port)

    def pump(self):
        for a in self.session.pop_alerts():
            kind = type(a).__name__
            if kind == "dht_pkt_alert":
                msg = a.message()
                m = re.match(r"(==>|<==) \[(?:([0-9.]+)|\[([0-9A-Fa-f:.]+)\]):(\d+)\]", msg)  # [1.2.3.4:P], [[::1]:P]
                if not m:
                    continue
                raw = bytes(a.pkt_buf)
                try:
                    d = bdec(raw)
                except ValueError:
                    d = None
                direction = "out" if m.group(1) == "==>" else "in"
                self.pkts.append((time.monotonic(), direction, (m.group(2) or m.group(3), int(m.group(4))), d, raw))
                if (direction == "out" and isinstance(d, dict) and d.get(b"y") == b"q"
                        and self.node_id is None and isinstance(d.get(b"a"), dict)):
                    nid = d[b"a"].get(b"id")
                    if isinstance(nid, bytes) and len(nid) == 20:
                        self.node_id = nid.hex()
                        self.version = d.get(b"v")
            elif kind == "dht_stats_alert":
                self.table_size = sum(b["num_nodes"] for b in a.routing_table)
            elif kind == "dht_live_nodes_alert":
                self.table = {str(n["nid"]): (n["endpoint"][0], n["endpoint"][1]) for n in a.nodes}
            elif kind == "dht_get_peers_reply_alert":
                self.peer_replies.append((str(a.info_hash), [(p[0], p[1]) for p in a.peers()]))
            elif kind == "dht_log_alert":
                self.log.append("%.2f %s" % (time.monotonic() - T0, a.message()))
        now = time.monotonic()
        if now - self._last_poll >= 0.25:
            self._last_poll = now
            self.session.post_dht_stats()
            if self.node_id:
                self.session.dht_live_nodes(lt.sha1_hash(bytes.fromhex(self.node_id)))

    def add_node(self, endpoint):
        self.session.add_dht_node(endpoint)

    def queries_out(self, method=None):
        return [p for p in self.pkts if p[1] == "out" and isinstance(p[3], dict) and p[3].get(b"y") == b"q"
                and (method is None or p[3].get(b"q") == method)]

    def answer_to(self, query_pkt):
        """The first incoming r/e from the queried endpoint with the query's transaction id, or None."""
        t, ep = query_pkt[3].get(b"t"), query_pkt[2]
        for p in self.pkts:
            if (p[1] == "in" and p[2] == ep and p[0] >= query_pkt[0] and isinstance(p[3], dict)
                    and p[3].get(b"y") in (b"r", b"e") and p[3].get(b"t") == t):
                return p
        return None

    def dump(self, path):
        with open(path, "w") as f:
            f.write("# %s port %d node id %s\n" % (self.name, self.port, self.node_id))
            for ts, direction, ep, d, raw in self.pkts:
                f.write("%.3f %s %s:%d %s\n" % (ts - T0, direction, ep[0], ep[1], show(raw, 2000)))
            f.write("# dht log\n")
            f.write("\n".join(self.log) + "\n")


def kick_then(session, predicate):
    """A predicate that also starts one lookup as soon as the session's table is non-empty: libtorrent then walks
    the nodes its seed returned at once, instead of waiting for its refresh timer (one node every ~5 s)."""
    kicked = [False]

    def check():
        if session.table_size >= 1 and not kicked[0]:
            kicked[0] = True
            session.session.dht_get_peers(lt.sha1_hash(os.urandom(20)))
        return predicate()

    return check


def pump_until(sessions, predicate, timeout):
    """Pumps the given sessions and every other live one (so packet times stay true) until predicate()."""
    end = time.monotonic() + BUDGET.clip(timeout)
    while True:
        for s in set(sessions) | set(LtSession.LIVE):
            s.pump()
        if predicate():
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(0.05)


# ----------------------------------------------------------------------------------------------- raw KRPC

class Probe:
    def __init__(self, host=LOOPBACK):
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.addr = self.sock.getsockname()[:2]

    def ask(self, to, datagram, t, timeout=2.0):
        """Sends datagram; returns (decoded, raw, source) of the first reply with transaction id t, or None."""
        self.sock.sendto(datagram, to)
        end = time.monotonic() + BUDGET.clip(timeout)
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                raw, src = self.sock.recvfrom(65536)
            except socket.timeout:
                return None
            src = src[:2]  # an IPv6 source also carries flow info and scope id
            try:
                d = bdec(raw)
            except ValueError:
                continue
            if isinstance(d, dict) and d.get(b"t") == t:
                return d, raw, src

    def query(self, to, method, args, version=b"CM\x00\x01", timeout=2.0):
        t = os.urandom(2)
        msg = {"a": args, "q": method, "t": t, "y": "q"}
        if version is not None:
            msg["v"] = version
        return self.ask(to, benc(msg), t, timeout)

    def close(self):
        self.sock.close()


# ----------------------------------------------------------------------------------------------- checks

class Results:
    def __init__(self):
        self.items = []  # (name, ok, text)
        self.notes = []

    def add(self, name, ok, text):
        self.items.append((name, ok, text))
        log(("PASS " if ok else "FAIL ") + name + ": " + text)

    def note(self, text):
        self.notes.append(text)
        log("NOTE " + text)


def ensure_built(res):
    """bin/comet rebuilds the jar when sources are newer; do it once up front, outside the run budget.
    Other people build in the same tree, so a failing build or a half-written jar gets more tries."""
    started = time.monotonic()
    for attempt in range(BUILD_ATTEMPTS):
        ok, why, timed_out = try_build()
        if ok:
            took = time.monotonic() - started
            if took > 5:
                res.note("bin/comet needed %.1f s to (re)build or wait for the jar (not counted in the run budget)"
                         % took)
            return True
        last = attempt + 1 == BUILD_ATTEMPTS or timed_out
        log("bin/comet not usable (%s); %s" % (why, "giving up" if last else "retrying in %d s" % BUILD_PAUSE_S))
        if last:
            break
        time.sleep(BUILD_PAUSE_S)
    res.add("build", False, "bin/comet could not build or start (%d tries, %.0f s): %s"
            % (attempt + 1, time.monotonic() - started, why))
    return False


def try_build():
    """(ok, reason, timed out) of one `bin/comet --version`; a hung build is killed with its process group."""
    proc = subprocess.Popen([COMET, "--version"], cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=BUILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        return False, "bin/comet --version did not finish within %.0f s (jar build)" % BUILD_TIMEOUT_S, True
    if proc.returncode != 0 or not out.startswith(b"comet"):
        tail = re.sub(r"\x1b\[[0-9;]*m", "", err.decode("utf-8", "replace")).strip().splitlines()[-2:]
        return False, "exit %d: %s" % (proc.returncode, " | ".join(tail)), False
    return True, "", False


def start_cluster(workdir, res):
    """Starts the cluster on a free block of ports; returns (process, [(hex id, (ip, port))]) or None."""
    last = ""
    for attempt in range(3):
        base = free_udp_block(CLUSTER_SIZE)
        proc = CometProcess("cluster%d" % attempt,
                            ["cluster", "--nodes", str(CLUSTER_SIZE), "--base-port", str(base)], workdir)
        started = time.monotonic()
        if proc.wait_for(r"nodes up", BUDGET.clip(40)):
            nodes = []
            for line in proc.lines:
                m = re.fullmatch(r"([0-9a-f]{40}) ([0-9.]+):(\d+)", line.strip())
                if m:
                    nodes.append((m.group(1), (m.group(2), int(m.group(3)))))
            res.note("Comet cluster of %d nodes up on %s:%d-%d in %.1f s"
                     % (len(nodes), LOOPBACK, base, base + CLUSTER_SIZE - 1, time.monotonic() - started))
            if len(nodes) == CLUSTER_SIZE:
                return proc, nodes
            last = "printed %d node lines, expected %d" % (len(nodes), CLUSTER_SIZE)
        else:
            last = "no 'nodes up' line (exit %s): %s" % (proc.proc.poll(), proc.stderr_tail())
        proc.stop()
        if "bind" not in last.lower():
            break
    res.add("setup", False, "the Comet cluster did not start: " + last)
    return None


def check_libtorrent_learns_comet(res, cluster, a):
    """1a: session A, seeded (add_dht_node) with cluster node 0 only, fills its table with Comet nodes."""
    ids = {nid for nid, _ in cluster}
    seed_id, seed_ep = cluster[0]
    started = time.monotonic()
    a.add_node(seed_ep)
    pump_until([a], kick_then(a, lambda: len((set(a.table) & ids) - {seed_id}) >= CLUSTER_SIZE - 1), 15)
    took = time.monotonic() - started
    others = sorted((set(a.table) & ids) - {seed_id})
    answered = [p for p in a.queries_out() if p[2] in dict(cluster).values() and a.answer_to(p)]
    detail = ("seeded with %s:%d only; after %.1f s libtorrent's table holds %d nodes, %d/%d of the other Comet "
              "nodes; %d libtorrent queries answered by Comet"
              % (seed_ep[0], seed_ep[1], took, len(a.table), len(others), CLUSTER_SIZE - 1, len(answered)))
    res.add("1a libtorrent learns Comet nodes", len(others) >= CLUSTER_SIZE - 2, detail)


def check_announce_and_get_peers(res, cluster, a, b, workdir):
    """1b: A announces an info hash (libtorrent's own torrent announce); 1c: B finds it through Comet only."""
    comet_eps = {ep: nid for nid, ep in cluster}
    info_hash = hashlib.sha1(b"comet-interop-%d-%f" % (os.getpid(), time.time())).digest()
    ih_hex = info_hash.hex()
    # session.dht_announce() is unusable from Python in libtorrent 2.0.8 (its flags type has no converter),
    # so the announce is libtorrent's own: a magnet-style torrent for the info hash, announced on the DHT
    atp = lt.add_torrent_params()
    atp.info_hashes = lt.info_hash_t(lt.sha1_hash(info_hash))
    atp.save_path = os.path.join(workdir, "a-download")
    atp.name = "comet-interop"
    started = time.monotonic()
    a.session.add_torrent(atp)

    def announced_to_comet():
        return [p for p in a.queries_out(b"announce_peer")
                if p[2] in comet_eps and p[3][b"a"].get(b"info_hash") == info_hash]

    def some_acked():
        sent = announced_to_comet()
        return sent and all(a.answer_to(p) for p in sent)

    pump_until([a], some_acked, 20)
    sent = announced_to_comet()
    acks, errors = [], []
    for p in sent:
        ans = a.answer_to(p)
        if ans and ans[3].get(b"y") == b"r":
            acks.append(p)
        elif ans:
            errors.append((p, ans))
    tokens = sorted({len(p[3][b"a"].get(b"token", b"")) for p in sent})
    implied = sorted({p[3][b"a"].get(b"implied_port", 0) for p in sent})
    detail = ("announce_peer for %s sent by libtorrent to %d Comet nodes (token lengths %s, implied_port %s) "
              "within %.1f s; %d accepted, %d refused"
              % (ih_hex[:12], len(sent), tokens, implied, time.monotonic() - started, len(acks), len(errors)))
    for p, ans in errors:
        detail += "; %s:%d answered %s to %s" % (p[2][0], p[2][1], show(ans[4]), show(p[4]))
    res.add("1b libtorrent announces through Comet", len(acks) >= 1 and not errors, detail)

    # 1c: B knows only cluster node 2; it must get A's address back from get_peers answered by Comet nodes
    seed_id, seed_ep = cluster[2]
    started = time.monotonic()
    b.add_node(seed_ep)
    pump_until([b], lambda: b.table_size >= 1, 10)
    b.session.dht_get_peers(lt.sha1_hash(info_hash))
    pump_until([b], lambda: any(ih == ih_hex for ih, _ in b.peer_replies), 15)
    took = time.monotonic() - started
    peers = sorted({p for ih, ps in b.peer_replies if ih == ih_hex for p in ps})
    want = a.endpoint()
    from_comet = set()
    for p in b.queries_out(b"get_peers"):
        if p[2] not in comet_eps or p[3][b"a"].get(b"info_hash") != info_hash:
            continue
        ans = b.answer_to(p)
        if ans and ans[3].get(b"y") == b"r":
            values = ans[3].get(b"r", {}).get(b"values", [])
            if compact_peer(*want) in values:
                from_comet.add(p[2])
    reply = any(ih == ih_hex for ih, _ in b.peer_replies)
    detail = ("second session seeded with %s:%d only; dht_get_peers_reply_alert %s after %.1f s with peers %s; "
              "%d Comet nodes returned %s:%d in 'values'"
              % (seed_ep[0], seed_ep[1], "arrived" if reply else "did NOT arrive", took,
                 ["%s:%d" % p for p in peers], len(from_comet), want[0], want[1]))
    res.add("1c libtorrent gets the peer back through Comet", want in peers and len(from_comet) >= 1, detail)


def check_comet_routes_through_libtorrent(res, cluster, c, workdir):
    """2: Comet node N, bootstrapped only through libtorrent session C, learns the Comet cluster."""
    ids = {nid for nid, _ in cluster}
    for _, ep in cluster:
        c.add_node(ep)
    pump_until([c], kick_then(c, lambda: len(set(c.table) & ids) >= CLUSTER_SIZE), 10)
    in_c = len(set(c.table) & ids)
    if in_c < 3:
        res.add("2 Comet routes through libtorrent", False,
                "setup: the libtorrent session seeded with all %d Comet nodes holds only %d of them"
                % (CLUSTER_SIZE, in_c))
        return None
    data_dir = os.path.join(workdir, "comet-node")
    started = time.monotonic()
    node = CometProcess("node", ["node", "--bind", LOOPBACK, "--port", "0", "--bootstrap",
                                 "%s:%d" % c.endpoint(), "--data-dir", data_dir], workdir)
    m = node.wait_for(r"comet node ([0-9a-f]{40}) listening on udp ([0-9.]+):(\d+)", BUDGET.clip(20))
    if not m:
        res.add("2 Comet routes through libtorrent", False,
                "the Comet node did not start (exit %s): %s" % (node.proc.poll(), node.stderr_tail()))
        return None
    n_id, n_ep = m.group(1), (m.group(2), int(m.group(3)))
    contacts_path = os.path.join(data_dir, "contacts")

    def contacts():
        try:
            with open(contacts_path) as f:
                return [l.split() for l in f if len(l.split()) == 2]
        except OSError:
            return []

    saved_at = [None]

    def knows_cluster():
        if saved_at[0] is None and os.path.exists(contacts_path):
            saved_at[0] = time.monotonic()
        return len({cid for cid, _ in contacts()} & ids) >= 3

    joined = pump_until([c], knows_cluster, 20)
    took = time.monotonic() - started
    found = contacts()
    known = {cid for cid, _ in found} & ids
    q_from_n = [p for p in c.pkts if p[1] == "in" and p[2] == n_ep and isinstance(p[3], dict)
                and p[3].get(b"y") == b"q"]
    methods = sorted({p[3].get(b"q", b"?").decode("latin-1") for p in q_from_n})
    replies_to_n = [p for p in c.pkts if p[1] == "out" and p[2] == n_ep and isinstance(p[3], dict)
                    and p[3].get(b"y") == b"r"]
    told = set()
    for p in replies_to_n:
        told |= {nid for nid, _ in parse_nodes(p[3].get(b"r", {}).get(b"nodes", b""))} & ids
    detail = ("node %s on %s:%d bootstrapped only via libtorrent %s:%d; libtorrent got %d queries (%s) from it and "
              "named %d/%d cluster nodes in its answers; contacts file %s; it lists %d contacts, %d/%d of them "
              "Comet cluster nodes, %.1f s after start"
              % (n_id[:12], n_ep[0], n_ep[1], c.endpoint()[0], c.port, len(q_from_n), ",".join(methods), len(told),
                 CLUSTER_SIZE, "written %.1f s after start" % (saved_at[0] - started) if saved_at[0] else "never written",
                 len(found), len(known), CLUSTER_SIZE, took))
    if not joined and not found:
        # the node may still be joining: stop it (it saves its contacts at SIGTERM) to see what it had
        node.stop()
        found = contacts()
        known = {cid for cid, _ in found} & ids
        detail += "; after SIGTERM the file lists %d contacts, %d of them cluster nodes" % (len(found), len(known))
    res.add("2 Comet routes through libtorrent", joined, detail)
    return n_ep


def check_probe_libtorrent(res, probe, target):
    """3a: libtorrent answers Comet-style queries the way the notes describe."""
    ep = target.endpoint()
    me = os.urandom(20)
    problems, seen = [], []

    r = probe.query(ep, "ping", {"id": me})
    if not r or r[0].get(b"y") != b"r" or len(r[0].get(b"r", {}).get(b"id", b"")) != 20:
        problems.append("ping: %s" % (show(r[1]) if r else "no answer in 2 s"))
    else:
        seen.append("ping->r.id %s" % r[0][b"r"][b"id"].hex()[:12])
        if target.node_id and r[0][b"r"][b"id"].hex() != target.node_id:
            problems.append("ping: r.id %s is not the session's id %s" % (r[0][b"r"][b"id"].hex(), target.node_id))

    r = probe.query(ep, "find_node", {"id": me, "target": os.urandom(20)})
    nodes = r[0].get(b"r", {}).get(b"nodes") if r else None
    if not r or r[0].get(b"y") != b"r" or not isinstance(nodes, bytes) or len(nodes) % 26:
        problems.append("find_node: %s" % (show(r[1]) if r else "no answer in 2 s"))
    else:
        seen.append("find_node->%d nodes" % (len(nodes) // 26))

    r = probe.query(ep, "get_peers", {"id": me, "info_hash": os.urandom(20)})
    token = r[0].get(b"r", {}).get(b"token") if r else None
    if not r or r[0].get(b"y") != b"r" or not isinstance(token, bytes):
        problems.append("get_peers: %s" % (show(r[1]) if r else "no answer in 2 s"))
    else:
        seen.append("get_peers->%d-byte token" % len(token))
        if len(token) != 4:
            problems.append("get_peers: token is %d bytes, the notes say libtorrent's are 4" % len(token))

    r = probe.query(ep, "comet_get", {"id": me})
    if not r or r[0].get(b"y") != b"e" or not isinstance(r[0].get(b"e"), list) or r[0][b"e"][:1] != [203]:
        problems.append("comet_get without target: expected error 203, got %s" % (show(r[1]) if r else "no answer"))
    else:
        extra = [k.decode() for k in (b"r", b"ip") if k in r[0]]
        seen.append("comet_get->e %s (also carries %s)" % (r[0][b"e"], "+".join(extra) or "nothing else"))
        if extra != ["r", "ip"]:
            problems.append("comet_get error reply lacks %s, which the notes say it carries"
                            % ({"r", "ip"} - set(extra)))

    r = probe.query(ep, "comet_get", {"id": me, "target": os.urandom(20)})
    if not r or r[0].get(b"y") != b"r" or not isinstance(r[0].get(b"r", {}).get(b"nodes"), bytes):
        problems.append("comet_get with target: expected a find_node-like 'r' with nodes, got %s"
                        % (show(r[1]) if r else "no answer"))
    else:
        seen.append("comet_get+target->r with %d nodes (false success)" % (len(r[0][b"r"][b"nodes"]) // 26))

    text = "libtorrent %s:%d: %s" % (ep[0], ep[1], "; ".join(seen))
    if problems:
        text += "; PROBLEMS: " + "; ".join(problems)
    res.add("3a libtorrent answers Comet-style KRPC as the notes say", not problems, text)


def check_probe_comet(res, probe, cluster, a):
    """3b: Comet answers a libtorrent-format ping, and a libtorrent datagram replayed byte for byte."""
    nid, ep = cluster[1]
    problems, seen = [], []
    qid = bytes.fromhex(a.node_id) if a.node_id else os.urandom(20)
    version = a.version if isinstance(a.version, bytes) else b"LT\x02\x08"
    t = os.urandom(2)
    ping = benc({"a": {"id": qid}, "q": "ping", "t": t, "v": version, "y": "q"})
    r = probe.ask(ep, ping, t)
    if not r:
        problems.append("no answer in 2 s to %s" % show(ping))
    else:
        d, raw, src = r
        want_ip = compact_peer(*probe.addr)
        if d.get(b"y") != b"r":
            problems.append("answer is not a response: %s" % show(raw))
        else:
            rid = d.get(b"r", {}).get(b"id")
            if rid != bytes.fromhex(nid):
                problems.append("r.id %s is not the node's id %s" % (rid.hex() if isinstance(rid, bytes) else rid, nid))
            if d.get(b"ip") != want_ip:
                problems.append("'ip' %r is not our address %s:%d" % (d.get(b"ip"), probe.addr[0], probe.addr[1]))
            if not (isinstance(d.get(b"v"), bytes) and d[b"v"].startswith(b"CM")):
                problems.append("'v' %r does not start with CM" % d.get(b"v"))
        if src != ep:
            problems.append("answer came from %s:%d, not %s:%d" % (src[0], src[1], ep[0], ep[1]))
        if benc(d) != raw:
            problems.append("answer is not canonical bencode: %s" % show(raw))
        seen.append("ping %s -> %s" % (show(ping, 120), show(raw, 160)))

    # the very bytes libtorrent sent to a Comet node, replayed from our socket
    comet_eps = {e for _, e in cluster}
    sample = next((p for p in a.queries_out(b"get_peers") if p[2] in comet_eps), None)
    if sample is None:
        problems.append("no libtorrent get_peers datagram to replay (session A sent none to Comet)")
    else:
        r = probe.ask(sample[2], sample[4], sample[3][b"t"])
        rv = r[0].get(b"r", {}) if r else {}
        if not r or r[0].get(b"y") != b"r" or not isinstance(rv.get(b"token"), bytes) or b"nodes" not in rv:
            problems.append("replayed libtorrent get_peers %s got %s" % (show(sample[4]), show(r[1]) if r else "no answer"))
        else:
            seen.append("replayed libtorrent get_peers (%d bytes) -> r with %d-byte token, %d nodes"
                        % (len(sample[4]), len(rv[b"token"]), len(rv[b"nodes"]) // 26))
    text = "Comet %s:%d: %s" % (ep[0], ep[1], "; ".join(seen))
    if problems:
        text += "; PROBLEMS: " + "; ".join(problems)
    res.add("3b Comet answers libtorrent-format KRPC", not problems, text)


def check_traffic(res, sessions, comet_eps, stopped_eps):
    """4: from every session's packet log: libtorrent->Comet queries answered, no errors either way."""
    grace = time.monotonic() - 2.5
    sent = answered = 0
    unanswered, errors, self_refs = [], [], 0
    comet_queries_in = comet_answered = 0
    for s in sessions:
        for p in s.queries_out():
            if p[2] not in comet_eps or p[2] in stopped_eps:
                continue
            ans = s.answer_to(p)
            if ans is None and p[0] > grace:
                continue  # still within its timeout
            sent += 1
            if ans is None:
                unanswered.append("%s %s -> %s:%d %s" % (s.name, p[3].get(b"q"), p[2][0], p[2][1], show(p[4], 200)))
            elif ans[3].get(b"y") == b"e":
                errors.append("Comet %s:%d answered %s to libtorrent's %s" % (p[2][0], p[2][1], show(ans[4]), show(p[4])))
            else:
                answered += 1
                r = ans[3].get(b"r", {})
                named = parse_nodes(r.get(b"nodes", b"")) + parse_nodes6(r.get(b"nodes6", b""))
                if s.node_id and any(n == s.node_id for n, _ in named):
                    self_refs += 1
        # Comet -> libtorrent direction
        for p in s.pkts:
            if p[1] == "in" and p[2] in comet_eps and isinstance(p[3], dict) and p[3].get(b"y") == b"q":
                comet_queries_in += 1
                t = p[3].get(b"t")
                reply = next((o for o in s.pkts if o[1] == "out" and o[2] == p[2] and o[0] >= p[0]
                              and isinstance(o[3], dict) and o[3].get(b"t") == t and o[3].get(b"y") in (b"r", b"e")), None)
                if reply is not None and reply[3].get(b"y") == b"e":
                    errors.append("libtorrent %s answered %s to Comet's %s" % (s.name, show(reply[4]), show(p[4])))
                elif reply is not None:
                    comet_answered += 1
    detail = ("libtorrent sent %d queries to live Comet nodes: %d answered, %d errors, %d unanswered; Comet sent %d "
              "queries to libtorrent: %d answered" % (sent, answered, len(errors), len(unanswered),
                                                       comet_queries_in, comet_answered))
    if errors:
        detail += "; " + "; ".join(errors[:3])
    if unanswered:
        detail += "; unanswered e.g. " + "; ".join(unanswered[:3])
    res.add("4 no lost queries or KRPC errors between libtorrent and Comet", not errors and not unanswered and sent > 0,
            detail)
    if self_refs:
        res.note("%d of Comet's answers to libtorrent listed the querying libtorrent node itself in 'nodes' or "
                 "'nodes6' (libtorrent's answers do that too once the querier is in its table); libtorrent then "
                 "sends queries to itself, harmless" % self_refs)


def observe_same_endpoint(res, cluster, probe):
    """Not a check: does a Comet node keep several ids for one IP:port? Three pings with three ids from one
    socket, then a find_node for the first id. Reported as a note; runs last, after every check."""
    nid, ep = cluster[3]
    sender = Probe()
    try:
        ids = [bytes([b]) * 20 for b in (0x11, 0x22, 0x33)]
        for i in ids:
            if not sender.query(ep, "ping", {"id": i}, version=b"LT\x02\x08"):
                return
        r = probe.query(ep, "find_node", {"id": os.urandom(20), "target": ids[0]}, version=None)
        if not r:
            return
        same = [n for n, a in parse_nodes(r[0].get(b"r", {}).get(b"nodes", b"")) if a == sender.addr]
        if len(same) > 1:
            res.note("Comet %s:%d keeps %d ids for one endpoint %s:%d (pings with ids 11..11, 22..22, 33..33 from one "
                     "socket); its find_node answer for 11..11 lists %d of them: %s"
                     % (ep[0], ep[1], len(same), sender.addr[0], sender.addr[1], len(same), show(r[1], 600)))
    finally:
        sender.close()


# ----------------------------------------------------------------------------------------------- IPv6 (check 5)

class Ipv6Hosts:
    """Comet's side of check 5: a dual-stack host D (127.0.0.1 and ::1, two paired nodes) bootstrapped from cluster
    node 0, and IPV6_OTHERS IPv6-only nodes bootstrapped from D's IPv6 half. D starts right after the cluster and the
    others after check 1, so their JVM start-up overlaps checks 1-3 instead of adding to the run."""

    DUAL_LINE = (r"comet node ([0-9a-f]{40}) listening on udp ([0-9.]+):(\d+) and, in the IPv6 DHT as ([0-9a-f]{40}), "
                 r"on udp \[([0-9a-fA-F:]+)\]:(\d+)")
    NODE6_LINE = r"comet node ([0-9a-f]{40}) listening on udp \[([0-9a-fA-F:]+)\]:(\d+)"

    def __init__(self, workdir, cluster):
        self.workdir = workdir
        self.dual = CometProcess("dual", ["node", "--bind", LOOPBACK, "--bind6", LOOPBACK6, "--port", "0",
                                          "--bootstrap", "%s:%d" % cluster[0][1],
                                          "--data-dir", os.path.join(workdir, "comet-dual")], workdir)
        self.procs = []
        self.id4 = self.ep4 = self.id6 = self.ep6 = None
        self.others = []        # (hex id, ("::1", port)) of the IPv6-only nodes
        self.problem = None     # why the IPv6 hosts are not usable, or None

    def start_others(self):
        m = self.dual.wait_for(self.DUAL_LINE, BUDGET.clip(20))
        if not m:
            self.problem = ("the dual-stack Comet host did not start (exit %s): %s"
                            % (self.dual.proc.poll(), self.dual.stderr_tail()))
            return
        self.id4, self.ep4 = m.group(1), (m.group(2), int(m.group(3)))
        self.id6, self.ep6 = m.group(4), (norm6(m.group(5)), int(m.group(6)))
        for i in range(IPV6_OTHERS):
            self.procs.append(CometProcess("ipv6-%d" % i, [
                "node", "--bind", LOOPBACK6, "--port", "0", "--bootstrap", "[%s]:%d" % self.ep6,
                "--data-dir", os.path.join(self.workdir, "comet-ipv6-%d" % i)], self.workdir))

    def ready(self):
        """True when D and every IPv6-only node printed its line; self.problem says why not."""
        if self.problem is None and not self.procs:
            self.start_others()
        if self.problem:
            return False
        for p in self.procs[len(self.others):]:
            m = p.wait_for(self.NODE6_LINE, BUDGET.clip(20))
            if not m:
                self.problem = "IPv6 Comet node %s did not start (exit %s): %s" % (p.name, p.proc.poll(),
                                                                                  p.stderr_tail())
                return False
            self.others.append((m.group(1), (norm6(m.group(2)), int(m.group(3)))))
        return True

    def comet_eps(self):
        return {ep for _, ep in self.others} | ({self.ep6} if self.ep6 else set())


def check_ipv6_libtorrent_learns_comet(res, v6, e):
    """5a: session E on ::1, seeded with the IPv6 half of the dual-stack host only, learns the IPv6-only nodes."""
    name = "5a libtorrent learns Comet nodes over IPv6"
    if not v6.ready():
        res.add(name, False, v6.problem)
        return False
    ids = {nid for nid, _ in v6.others}
    started = time.monotonic()
    e.add_node(v6.ep6)
    pump_until([e], kick_then(e, lambda: ids <= set(e.table)), 15)
    took = time.monotonic() - started
    learned = sorted(ids & set(e.table))
    wrong_ep = ["%s at %s:%d" % (n[:12], e.table[n][0], e.table[n][1]) for n in learned
                if e.table[n] not in v6.comet_eps()]
    comet_eps = v6.comet_eps()
    methods, answered, listed, problems = {}, 0, set(), []
    for p in e.queries_out():
        if p[2] not in comet_eps:
            continue
        q = p[3].get(b"q", b"?").decode("latin-1")
        methods[q] = methods.get(q, 0) + 1
        ans = e.answer_to(p)
        if ans is None:
            continue
        r = ans[3].get(b"r", {})
        if ans[3].get(b"y") != b"r":
            problems.append("%s:%d answered %s to %s" % (p[2][0], p[2][1], show(ans[4]), show(p[4])))
            continue
        answered += 1
        n6 = r.get(b"nodes6", b"")
        if q in ("get_peers", "find_node") and (not isinstance(n6, bytes) or len(n6) % 38
                                                or any(a[0] != LOOPBACK6 for _, a in parse_nodes6(n6))):
            problems.append("nodes6 of %s:%d is not a list of [::1] contacts: %s" % (p[2][0], p[2][1], show(ans[4])))
        elif q in ("get_peers", "find_node"):
            listed |= {n for n, _ in parse_nodes6(n6)}
        if r.get(b"nodes"):
            problems.append("%s:%d put IPv4 contacts under nodes for libtorrent's IPv6 query: %s"
                            % (p[2][0], p[2][1], show(ans[4])))
    detail = ("libtorrent [%s]:%d seeded with the dual-stack host's IPv6 half [%s]:%d only; after %.1f s its table "
              "holds %d nodes, %d/%d of the IPv6-only Comet nodes; it sent %s to Comet over IPv6, %d answered with r; "
              "the nodes6 it got named %d/%d of them"
              % (e.host, e.port, v6.ep6[0], v6.ep6[1], took, len(e.table), len(learned), len(ids),
                 ", ".join("%d %s" % (n, q) for q, n in sorted(methods.items())) or "nothing", answered,
                 len(listed & ids), len(ids)))
    if wrong_ep:
        problems.append("learned at the wrong endpoint: " + ", ".join(wrong_ep))
    if problems:
        detail += "; PROBLEMS: " + "; ".join(problems[:3])
    res.add(name, len(learned) == len(ids) and answered > 0 and not problems, detail)
    return True


def check_ipv6_comet_routes_through_libtorrent(res, v6, e, workdir):
    """5b: IPv6-only Comet node Y, bootstrapped only through libtorrent session E over ::1, learns the Comet nodes."""
    name = "5b Comet routes through libtorrent over IPv6"
    ids = {nid for nid, _ in v6.others} | {v6.id6}
    data_dir = os.path.join(workdir, "comet-node6")
    started = time.monotonic()
    node = CometProcess("node6", ["node", "--bind", LOOPBACK6, "--port", "0", "--bootstrap", "[%s]:%d" % e.endpoint(),
                                  "--data-dir", data_dir], workdir)
    m = node.wait_for(Ipv6Hosts.NODE6_LINE, BUDGET.clip(20))
    if not m:
        res.add(name, False, "the Comet node did not start (exit %s): %s" % (node.proc.poll(), node.stderr_tail()))
        return None
    y_id, y_ep = m.group(1), (norm6(m.group(2)), int(m.group(3)))
    contacts_path = os.path.join(data_dir, "contacts")

    def known():
        try:
            with open(contacts_path) as f:  # "<id> <address>:<port>", the IPv6 address without brackets
                return {l.split()[0] for l in f if len(l.split()) == 2} & ids
        except OSError:
            return set()

    joined = pump_until([e], lambda: len(known()) >= len(ids) - 1, 20)
    took = time.monotonic() - started
    q_from_y = [p for p in e.pkts if p[1] == "in" and p[2] == y_ep and isinstance(p[3], dict)
                and p[3].get(b"y") == b"q"]
    told = set()
    for p in e.pkts:
        if p[1] == "out" and p[2] == y_ep and isinstance(p[3], dict) and p[3].get(b"y") == b"r":
            told |= {n for n, _ in parse_nodes6(p[3].get(b"r", {}).get(b"nodes6", b""))} & ids
    detail = ("node %s on [%s]:%d bootstrapped only via libtorrent [%s]:%d; libtorrent got %d queries (%s) from it "
              "and named %d/%d Comet IPv6 nodes in its nodes6; %.1f s after start its contacts file lists %d/%d of them"
              % (y_id[:12], y_ep[0], y_ep[1], e.host, e.port, len(q_from_y),
                 ",".join(sorted({p[3].get(b"q", b"?").decode("latin-1") for p in q_from_y})), len(told), len(ids),
                 took, len(known()), len(ids)))
    res.add(name, joined and len(told) >= 1, detail)
    return y_ep


def check_dual_stack_want(res, v6, v4_ids):
    """5c: find_node with want [n4, n6] to either half of the dual-stack host names both families, each in its own
    list; without want, each half names its own family only."""
    name = "5c a dual-stack Comet host answers BEP 32 want"
    if v6.problem or not v6.ep6:
        res.add(name, False, v6.problem or "the dual-stack host is not up")
        return
    v6_ids = {nid for nid, _ in v6.others}
    problems, seen = [], []
    for host, ep, own_id in ((LOOPBACK, v6.ep4, v6.id4), (LOOPBACK6, v6.ep6, v6.id6)):
        probe = Probe(host)
        try:
            label = ("IPv6 half [%s]:%d" if host == LOOPBACK6 else "IPv4 half %s:%d") % ep
            want_ip = (compact_peer6 if host == LOOPBACK6 else compact_peer)(*probe.addr)
            for want in (["n4", "n6"], None):
                args = {"id": os.urandom(20), "target": os.urandom(20)}
                if want:
                    args["want"] = want
                r = probe.query(ep, "find_node", args)
                what = "%s, want %s" % (label, want or "absent")
                if not r or r[0].get(b"y") != b"r":
                    problems.append("%s: %s" % (what, show(r[1]) if r else "no answer in 2 s"))
                    continue
                d = r[0]
                rv = d.get(b"r", {})
                n4, n6 = rv.get(b"nodes", b""), rv.get(b"nodes6", b"")
                c4, c6 = parse_nodes(n4), parse_nodes6(n6)
                bad = []
                if rv.get(b"id") != bytes.fromhex(own_id):
                    bad.append("r.id is not the half's id %s" % own_id[:12])
                if d.get(b"ip") != want_ip:
                    bad.append("ip %r is not our address" % d.get(b"ip"))
                if len(n4) % 26 or any(a[0] != LOOPBACK or n in v6_ids for n, a in c4):
                    bad.append("nodes holds non-IPv4 or IPv6-DHT contacts")
                if len(n6) % 38 or any(a[0] != LOOPBACK6 or n in v4_ids for n, a in c6):
                    bad.append("nodes6 holds non-IPv6 or IPv4-DHT contacts")
                if want:
                    if not c4 or not c6:
                        bad.append("want [n4, n6] gave %d nodes and %d nodes6, both must be non-empty"
                                   % (len(c4), len(c6)))
                elif host == LOOPBACK and (c6 or not c4):
                    bad.append("no want: the IPv4 half gave %d nodes6 and %d nodes" % (len(c6), len(c4)))
                elif host == LOOPBACK6 and (c4 or not c6):
                    bad.append("no want: the IPv6 half gave %d nodes and %d nodes6" % (len(c4), len(c6)))
                seen.append("%s -> %d nodes + %d nodes6" % (what, len(c4), len(c6)))
                if bad:
                    problems.append("%s: %s: %s" % (what, "; ".join(bad), show(r[1], 400)))
        finally:
            probe.close()
    text = "; ".join(seen)
    if problems:
        text += "; PROBLEMS: " + "; ".join(problems)
    res.add(name, not problems, text)


def check_probe_libtorrent6(res, e):
    """5d: what libtorrent answers over IPv6: a raw ping and find_node with want [n4, n6] from a [::1] socket."""
    ep = e.endpoint()
    probe = Probe(LOOPBACK6)
    problems, seen = [], []
    try:
        r = probe.query(ep, "ping", {"id": os.urandom(20)})
        if not r or r[0].get(b"y") != b"r" or len(r[0].get(b"r", {}).get(b"id", b"")) != 20:
            problems.append("ping: %s" % (show(r[1]) if r else "no answer in 2 s"))
        else:
            seen.append("ping->r.id %s, %d-byte ip" % (r[0][b"r"][b"id"].hex()[:12], len(r[0].get(b"ip", b""))))
            if r[0].get(b"ip") != compact_peer6(*probe.addr):
                problems.append("ping: ip %r is not our [::1] address" % r[0].get(b"ip"))
        r = probe.query(ep, "find_node", {"id": os.urandom(20), "target": os.urandom(20), "want": ["n4", "n6"]})
        rv = r[0].get(b"r", {}) if r else {}
        n6 = rv.get(b"nodes6")
        if not r or r[0].get(b"y") != b"r" or not isinstance(n6, bytes) or not n6 or len(n6) % 38:
            problems.append("find_node want [n4, n6]: %s" % (show(r[1]) if r else "no answer in 2 s"))
        else:
            seen.append("find_node want [n4,n6]->%d nodes6%s" % (len(n6) // 38, ", nodes %d bytes" % len(rv[b"nodes"])
                                                                 if b"nodes" in rv else ", no nodes key"))
    finally:
        probe.close()
    text = "libtorrent [%s]:%d: %s" % (ep[0], ep[1], "; ".join(seen))
    if problems:
        text += "; PROBLEMS: " + "; ".join(problems)
    res.add("5d libtorrent answers KRPC over IPv6", not problems, text)


# ----------------------------------------------------------------------------------------------- main

def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description="Comet <-> libtorrent DHT interoperability check (127.0.0.1 only)")
    ap.add_argument("-v", "--verbose", action="store_true", help="progress and process output on stderr")
    ap.add_argument("--no-snapshot", action="store_true",
                    help="start every Comet process with bin/comet itself instead of a private copy of its jar")
    ap.add_argument("--keep-logs", action="store_true",
                    help="keep the work directory (packet logs, Comet stderr) even when every check passes")
    args = ap.parse_args()
    VERBOSE = args.verbose

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    def watchdog(signum, frame):
        # last resort: something blocked; kill what we started and leave
        CometProcess.stop_all()
        print("FAIL watchdog: the run exceeded %d s and was aborted" % HARD_KILL_S, flush=True)
        os._exit(1)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGALRM, watchdog)
    signal.alarm(int(HARD_KILL_S))

    workdir = tempfile.mkdtemp(prefix="comet-interop-")
    res = Results()
    sessions, probe = [], None
    started = time.monotonic()
    try:
        if not ensure_built(res):
            return finish(res, workdir, sessions, keep=True, started=started)
        if not args.no_snapshot:
            snapshot = os.path.join(workdir, "comet.jar")
            shutil.copyfile(JAR, snapshot)
            COMET_CMD[:] = ["java"] + os.environ.get("JAVA_OPTS", "").split() + ["-jar", snapshot]
        global BUDGET
        BUDGET = Budget(RUN_BUDGET_S)
        started = time.monotonic()
        up = start_cluster(workdir, res)
        if up is None:
            return finish(res, workdir, sessions, keep=True, started=started)
        _, cluster = up
        comet_eps = {ep for _, ep in cluster}
        v6 = Ipv6Hosts(workdir, cluster)  # for check 5; starts now so that its JVMs start during checks 1-3

        a, b, c = LtSession("A"), LtSession("B"), LtSession("C")
        sessions += [a, b, c]
        t = time.monotonic()
        check_libtorrent_learns_comet(res, cluster, a)
        check_announce_and_get_peers(res, cluster, a, b, workdir)
        res.note("check 1 took %.1f s" % (time.monotonic() - t))
        v6.start_others()

        t = time.monotonic()
        n_ep = check_comet_routes_through_libtorrent(res, cluster, c, workdir)
        if n_ep:
            comet_eps.add(n_ep)
        res.note("check 2 took %.1f s" % (time.monotonic() - t))

        t = time.monotonic()
        probe = Probe()
        check_probe_libtorrent(res, probe, a)
        check_probe_comet(res, probe, cluster, a)
        res.note("check 3 took %.1f s" % (time.monotonic() - t))

        t = time.monotonic()
        e = LtSession("E", LOOPBACK6)
        sessions.append(e)
        if check_ipv6_libtorrent_learns_comet(res, v6, e):
            y_ep = check_ipv6_comet_routes_through_libtorrent(res, v6, e, workdir)
            if y_ep:
                comet_eps.add(y_ep)
        else:
            res.add("5b Comet routes through libtorrent over IPv6", False, "not run: " + str(v6.problem))
        comet_eps |= v6.comet_eps()
        check_dual_stack_want(res, v6, {nid for nid, _ in cluster} | {v6.id4})
        check_probe_libtorrent6(res, e)
        res.note("check 5 took %.1f s (its Comet hosts started during checks 1-3)" % (time.monotonic() - t))

        pump_until(sessions, lambda: False, 1.0)  # late answers
        stopped = set()
        if n_ep and any(p.name == "node" and p.proc.poll() is not None for p in CometProcess.ALL):
            stopped.add(n_ep)
        check_traffic(res, sessions, comet_eps, stopped)
        observe_same_endpoint(res, cluster, probe)
        if BUDGET.left() <= 0:
            res.add("time budget", False, "the checks used up the %.0f s budget; later waits were cut short"
                    % RUN_BUDGET_S)
        return finish(res, workdir, sessions, keep=args.keep_logs, started=started)
    except KeyboardInterrupt as e:
        res.add("interrupted", False, "stopped by %s before all checks ran" % (e or "Ctrl-C"))
        return finish(res, workdir, sessions, keep=True, started=started)
    finally:
        if probe:
            probe.close()
        CometProcess.stop_all()
        signal.alarm(0)


def finish(res, workdir, sessions, keep, started):
    CometProcess.stop_all()
    failed = [i for i in res.items if not i[1]]
    if failed:
        # a Comet exception explains most failures: show the first one
        for name in sorted(os.listdir(workdir)):
            if name.endswith(".stderr"):
                with open(os.path.join(workdir, name), "rb") as f:
                    text = f.read().decode("utf-8", "replace")
                m = re.search(r"^.*(Exception|Error)\b.*$", text, re.M)
                if m:
                    res.note("%s: %s" % (name, m.group(0).strip()[:300]))
    for s in sessions:
        try:
            s.dump(os.path.join(workdir, "libtorrent-%s.log" % s.name))
        except OSError:
            pass
    for name, ok, text in res.items:
        print("%s %s: %s" % ("PASS" if ok else "FAIL", name, text))
    for n in res.notes:
        print("note: " + n)
    print("%s: %d/%d checks passed in %.1f s" % ("OK" if not failed and res.items else "FAILED",
                                                 len(res.items) - len(failed), len(res.items),
                                                 time.monotonic() - started))
    if failed or keep:
        print("logs: %s" % workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    # libtorrent sessions shut down when they are released
    sessions.clear()
    LtSession.LIVE.clear()
    return 0 if res.items and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
