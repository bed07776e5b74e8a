#!/usr/bin/env python3
"""End-to-end tests of the process layer: `smpc keygen`, `smpc party`,
`smpc dealer` and the local cluster behind `smpc run --protocol semi2k`.
Real processes, real loopback sockets, real CurveZMQ.

usage: cluster_test.py SMPC CASE
"""
import json
import os
import re
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SMPC = os.path.abspath(sys.argv[1])
STATS = os.path.join(HERE, "..", "..", "samples", "stats")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def run(args, env=None, timeout=120):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([SMPC] + args, capture_output=True, text=True, timeout=timeout, env=e)


def outputs(text):
    out = {}
    for line in text.strip().splitlines():
        name, _, value = line.partition(" = ")
        out[name] = value
    return out


def close(a, b, tol=1e-2):
    try:
        return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))
    except ValueError:
        return a == b


def stats_args():
    return ["run", os.path.join(STATS, "stats.smpc"), "--input",
            "a=" + os.path.join(STATS, "a.csv"), "--input", "b=" + os.path.join(STATS, "b.csv")]


def same_as_clear(parties, pre):
    clear = run(stats_args())
    check(clear.returncode == 0, "clear run failed: " + clear.stderr)
    r = run(stats_args() + ["--protocol", "semi2k", "--parties", str(parties),
                            "--preprocessing", pre])
    check(r.returncode == 0, "semi2k run failed: " + r.stderr)
    want, got = outputs(clear.stdout), outputs(r.stdout)
    check(want.keys() == got.keys(), "outputs differ: %s vs %s" % (want, got))
    for k in want:
        check(close(got[k], want[k]), "%s: semi2k %s, clear %s" % (k, got[k], want[k]))


def case_two_parties():
    same_as_clear(2, "dealer")
    with tempfile.TemporaryDirectory() as d:
        j = os.path.join(d, "out.json")
        r = run(stats_args() + ["--protocol", "semi2k", "--parties", "2", "--output-json", j])
        check(r.returncode == 0, r.stderr)
        got = json.load(open(j))
        check(sorted(got) == ["histogram", "maximum", "mean", "variance"], "json: %s" % got)
    r = run(stats_args() + ["--protocol", "semi2k", "--parties", "1"])
    check(r.returncode != 0 and "1" in r.stderr and "parties" in r.stderr, r.stderr)


def case_three_parties():
    same_as_clear(3, "dealer")


def hm_same_as_clear(protocol, parties):
    clear = run(stats_args())
    check(clear.returncode == 0, "clear run failed: " + clear.stderr)
    args = ["--protocol", protocol] + (["--parties", str(parties)] if parties else [])
    r = run(stats_args() + args + ["--stats"])
    check(r.returncode == 0, "%s run failed: %s" % (protocol, r.stderr))
    want, got = outputs(clear.stdout), outputs(r.stdout)
    check(want.keys() == got.keys(), "outputs differ: %s vs %s" % (want, got))
    for k in want:
        check(close(got[k], want[k]), "%s: %s %s, clear %s" % (k, protocol, got[k], want[k]))
    return r.stderr


def case_rep3_helper_party():
    # The stats sample's inputs and outputs name parties 0 and 1 only: rep3
    # runs it with a third party that holds no data, and no dealer.
    err = hm_same_as_clear("rep3", None)
    stats = [l for l in err.splitlines() if l.startswith("stats (party ")]
    check(len(stats) == 3, "expected 3 parties' stats:\n" + err)
    check(all("triples 0" in l for l in stats), "rep3 drew triples:\n" + err)


def case_shamir_parties():
    for n in (3, 5):
        err = hm_same_as_clear("shamir", n)
        check(len([l for l in err.splitlines() if l.startswith("stats (party ")]) == n, err)


def bytes_sent(line):
    m = re.search(r"bytes sent (\d+),", line)
    check(m is not None, "no byte count in: " + line)
    return int(m.group(1))


def case_cost_bytes():
    # #7 item 12: with `exact: yes`, smpcc cost's bytes/party, clear's --stats
    # and the busiest semi2k party's bytes sent are one number.
    smpcc = os.path.join(os.path.dirname(SMPC), "smpcc")
    prog = os.path.join(HERE, "cost_bytes.smpc")
    data = ["--input", "a=" + os.path.join(HERE, "cost_a.csv"),
            "--input", "b=" + os.path.join(HERE, "cost_b.csv")]
    for n in (2, 3):
        cost = subprocess.run([smpcc, "cost", prog, "--parties", str(n)], capture_output=True,
                              text=True, timeout=60)
        check(cost.returncode == 0, cost.stderr)
        check("exact: yes" in cost.stdout, cost.stdout)
        predicted = int(re.search(r"bytes/party: (\d+)", cost.stdout).group(1))
        clear = run(["run", prog] + data + ["--parties", str(n), "--stats"])
        check(clear.returncode == 0, clear.stderr)
        line = [l for l in clear.stderr.splitlines() if l.startswith("stats: ")]
        check(len(line) == 1, clear.stderr)
        check(bytes_sent(line[0]) == predicted,
              "%d parties: clear says %d bytes, smpcc cost %d" % (n, bytes_sent(line[0]), predicted))
        r = run(["run", prog] + data + ["--protocol", "semi2k", "--parties", str(n), "--stats"])
        check(r.returncode == 0, r.stderr)
        sent = [bytes_sent(l) for l in r.stderr.splitlines() if l.startswith("stats (party ")]
        check(len(sent) == n, r.stderr)
        check(max(sent) == predicted,
              "%d parties: semi2k parties sent %s bytes, smpcc cost says %d" % (n, sent, predicted))


def case_three_parties_ot():
    same_as_clear(3, "ot")


def case_ot_pool_status():
    # With OT preprocessing the material comes from a background pool; --stats
    # shows every party's pool levels, generation rates and waits.
    r = run(stats_args() + ["--protocol", "semi2k", "--parties", "2", "--preprocessing", "ot",
                            "--stats"])
    check(r.returncode == 0, "ot run failed: " + r.stderr)
    for p in (0, 1):
        line = [l for l in r.stderr.splitlines() if l.startswith("stats (party %d): pool " % p)]
        check(len(line) == 1, "no pool status line for party %d:\n%s" % (p, r.stderr))
        for field in ("triples=", "bool=", "dabits=", "edabits=", "trunc=", "waits="):
            check(field in line[0], "pool status lacks %s: %s" % (field, line[0]))


def case_runtime_error():
    # A run-time error on the parties (index out of bounds) is reported with
    # its source location by every party, and the launcher blames a party,
    # not the dealer that merely lost its job.
    with tempfile.TemporaryDirectory() as d:
        prog = os.path.join(d, "oob.smpc")
        with open(prog, "w") as f:
            f.write("input x: sint[3] from party 0;\ninput k: int from party 1;\n"
                    "fn main() {\n  output y = x[k] to all;\n}\n")
        with open(os.path.join(d, "x.csv"), "w") as f:
            f.write("1\n2\n3\n")
        with open(os.path.join(d, "k.csv"), "w") as f:
            f.write("7\n")
        r = run(["run", prog, "--protocol", "semi2k", "--parties", "2", "--input",
                 "x=" + os.path.join(d, "x.csv"), "--input", "k=" + os.path.join(d, "k.csv")])
        check(r.returncode == 1, "exit %d: %s" % (r.returncode, r.stderr))
        for p in (0, 1):
            check("party %d: %s:4:14: index 7 is out of bounds" % (p, prog) in r.stderr, r.stderr)
        last = r.stderr.strip().splitlines()[-1]
        check(last.startswith("smpc: error: the local cluster failed: party "), last)


def case_no_secret_in_logs():
    args = ["run", os.path.join(HERE, "secret.smpc"), "--protocol", "semi2k", "--parties", "3",
            "--stats", "--input", "a=" + os.path.join(HERE, "secret_a.csv"),
            "--input", "b=" + os.path.join(HERE, "secret_b.csv"),
            "--input", "c=" + os.path.join(HERE, "secret_c.csv")]
    r = run(args, env={"SMPC_VERBOSE": "1"})
    check(r.returncode == 0, "run failed: " + r.stderr)
    check("connected: party" in r.stderr, "verbose logging was not on:\n" + r.stderr)
    values = []
    for f in ("secret_a.csv", "secret_b.csv", "secret_c.csv"):
        values += open(os.path.join(HERE, f)).read().split()
    # Each value as written, its integer part, and its ring encoding.
    needles = set()
    for v in values:
        needles.add(v)
        needles.add(v.split(".")[0])
        x = float(v)
        enc = int(round(x * 65536)) if "." in v else int(v)
        needles.add(str(enc))
        needles.add("%x" % enc)
    for line in r.stderr.splitlines():
        for n in needles:
            check(n not in line, "log line contains input value %s: %s" % (n, line))
    check(outputs(r.stdout)["t"] == "2482090092", "wrong output: " + r.stdout)


def case_keygen():
    with tempfile.TemporaryDirectory() as d:
        prefix = os.path.join(d, "p0")
        r = run(["keygen", "--out", prefix])
        check(r.returncode == 0, r.stderr)
        check(stat.S_IMODE(os.stat(prefix + ".key").st_mode) == 0o600, "key mode")
        pub = open(prefix + ".pub").read().strip()
        check(len(pub) == 40 and pub in r.stdout, "public key printed: " + r.stdout)
        r = run(["keygen", "--out", prefix])
        check(r.returncode == 1, "overwrite allowed")
        check(r.stderr.strip() == "smpc: error: refusing to overwrite existing key file " + prefix +
              ".pub; remove it first or choose another --out prefix", r.stderr)
        r = run(["keygen"])
        check(r.returncode == 2 and "needs --out PREFIX" in r.stderr, r.stderr)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def make_cluster(d, n, dealer=True, peer_ms=1500):
    """Keys via `smpc keygen` and a configuration file; returns its path."""
    cfg = {"job_id": "e2e", "parties": [],
           "timeouts": {"connect_ms": 10000, "peer_ms": peer_ms, "recv_ms": 60000}}
    for i in range(n + (1 if dealer else 0)):
        name = "party%d" % i if i < n else "dealer"
        r = run(["keygen", "--out", os.path.join(d, name)])
        check(r.returncode == 0, r.stderr)
        node = {"endpoint": "tcp://127.0.0.1:%d" % free_port(),
                "public_key": open(os.path.join(d, name + ".pub")).read().strip()}
        if i < n:
            node["id"] = i
            cfg["parties"].append(node)
        else:
            cfg["dealer"] = node
    path = os.path.join(d, "cluster.json")
    with open(path, "w") as f:
        json.dump(cfg, f)
    return path


def compile_long(d, n, src="long.smpc"):
    prog = os.path.join(d, "long.smpcb")
    smpcc = os.path.join(os.path.dirname(SMPC), "smpcc")
    r = subprocess.run([smpcc, "compile", os.path.join(HERE, src), "-D", "n=%d" % n,
                        "-o", prog], capture_output=True, text=True)
    check(r.returncode == 0, "smpcc failed: " + r.stderr + r.stdout)
    return prog


def start_nodes(d, cfg, prog, n, dealer=True):
    procs = {}
    inputs = {0: "x=" + os.path.join(HERE, "long_x.csv"), 1: "y=" + os.path.join(HERE, "long_y.csv")}
    if dealer:
        procs["dealer"] = subprocess.Popen(
            [SMPC, "dealer", "--config", cfg, "--key", os.path.join(d, "dealer.key"), "--program",
             prog], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for i in range(n):
        args = [SMPC, "party", "--config", cfg, "--id", str(i), "--key",
                os.path.join(d, "party%d.key" % i), "--program", prog]
        if i in inputs:
            args += ["--input", inputs[i]]
        args += ["--output-json", os.path.join(d, "out%d.json" % i)]
        procs[i] = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return procs


def case_party_processes():
    with tempfile.TemporaryDirectory() as d:
        cfg = make_cluster(d, 3)
        prog = compile_long(d, 20)
        procs = start_nodes(d, cfg, prog, 3)
        for name, p in procs.items():
            out, err = p.communicate(timeout=60)
            check(p.returncode == 0, "%s failed: %s" % (name, err))
            if name != "dealer":
                check(out.strip() == "r = 1", "%s printed %r" % (name, out))
                got = json.load(open(os.path.join(d, "out%d.json" % name)))
                check(got == {"r": 1.0}, "%s wrote %r" % (name, got))


# What a survivor says when party 1 is gone: it noticed itself, or a peer
# that noticed first failed the job and said why ("party 2 failed the job:
# party 1 disconnected ..."). Either way the failure detector named party 1,
# not a receive timeout (recv_ms is far longer than any wait here).
PARTY1_GONE = re.compile(r"party 1 (disconnected|has been silent)")
# A killed process closes its TCP connections, which the survivors notice
# within the disconnect grace (at most 500 ms), whatever peer_ms is. A long
# peer_ms keeps a machine so loaded that a live party goes unheard for a
# second or two from passing for a dead one before the kill.
KILL_PEER_MS = 10000
# The survivors must all have failed this long after the kill: far below
# recv_ms, so only the failure detector can have ended them (no hang).
KILL_GUARD_S = 30


def case_killed_party():
    with tempfile.TemporaryDirectory() as d:
        cfg = make_cluster(d, 3, peer_ms=KILL_PEER_MS)
        prog = compile_long(d, 200000)
        procs = start_nodes(d, cfg, prog, 3)
        wait_computing([procs[i] for i in range(3)], procs)
        procs[1].send_signal(signal.SIGKILL)
        deadline = time.monotonic() + KILL_GUARD_S
        for name in (0, 2, "dealer"):
            try:
                _, err = procs[name].communicate(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                fail("%s still runs %d s after party 1 was killed" % (name, KILL_GUARD_S))
            check(procs[name].returncode == 1, "%s exit %s" % (name, procs[name].returncode))
            # Party 0's dealer client does not report a failed job as done,
            # so the dealer sees the job fail too.
            prefix = "smpc: error: " + ("the dealer" if name == "dealer" else "party %d" % name)
            check(err.startswith(prefix + ": ") and PARTY1_GONE.search(err),
                  "%s error does not name party 1: %r" % (name, err))
        procs[1].wait()


def cpu_seconds(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def wait_computing(procs, all_procs=None):
    """Waits until every process (Popen or pid) has computed a little, i.e.
    the job runs (its mesh is connected), rather than sleeping a fixed time:
    on a loaded machine start-up alone can take seconds. The job itself
    takes minutes. Fails if any of `all_procs` ended meanwhile."""
    pids = [p if isinstance(p, int) else p.pid for p in procs]
    deadline = time.monotonic() + 60
    while not all(cpu_seconds(k) >= 0.3 for k in pids):
        if time.monotonic() > deadline:
            fail("the parties did not start computing within 60 s")
        for name, p in (all_procs or {}).items():
            if p.poll() is not None:
                fail("%s ended early: %s" % (name, p.stderr.read()))
        time.sleep(0.1)
    time.sleep(0.5)


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def case_local_cluster_killed_party():
    with tempfile.TemporaryDirectory() as d:
        args = ["run", os.path.join(HERE, "long.smpc"), "-D", "n=200000", "--protocol", "semi2k",
                "--parties", "3", "--input", "x=" + os.path.join(HERE, "long_x.csv"),
                "--input", "y=" + os.path.join(HERE, "long_y.csv")]
        env = dict(os.environ, SMPC_PEER_TIMEOUT_MS=str(KILL_PEER_MS), TMPDIR=d)
        p = subprocess.Popen([SMPC] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
        kids = []
        for _ in range(100):  # the dealer and the parties start
            time.sleep(0.1)
            kids = children(p.pid)
            if len(kids) == 4:
                break
        check(len(kids) == 4, "expected dealer + 3 parties, found %s" % kids)
        # Spawn order: dealer, party 0, party 1, ...
        wait_computing(kids[1:], {"smpc run": p})
        os.kill(kids[2], signal.SIGKILL)  # party 1
        try:
            out, err = p.communicate(timeout=KILL_GUARD_S)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("smpc run still runs %d s after a party was killed" % KILL_GUARD_S)
        check(p.returncode == 1, "exit code %s" % p.returncode)
        check("the local cluster failed: party 1 was killed by signal 9" in err, err)
        for other in (0, 2):
            line = [x for x in err.splitlines() if x.startswith("smpc: error: party %d: " % other)]
            check(len(line) == 1 and PARTY1_GONE.search(line[0]),
                  "party %d does not name party 1: %r" % (other, err))
        check(out == "", "outputs printed after a failure: " + out)
        for k in kids:
            check(not os.path.exists("/proc/%d" % k) or
                  open("/proc/%d/stat" % k).read().split()[2] == "Z", "child %d survived" % k)
        check(os.listdir(d) == [], "temp dir left behind: %s" % os.listdir(d))


def long_run(d, parties=3, n=200000, src="long.smpc"):
    """`smpc run` of a long semi2k job with the dealer, under TMPDIR=d."""
    args = ["run", os.path.join(HERE, src), "-D", "n=%d" % n, "--protocol", "semi2k",
            "--parties", str(parties), "--input", "x=" + os.path.join(HERE, "long_x.csv"),
            "--input", "y=" + os.path.join(HERE, "long_y.csv")]
    env = dict(os.environ, SMPC_PEER_TIMEOUT_MS=str(KILL_PEER_MS), TMPDIR=d)
    return subprocess.Popen([SMPC] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=d)


def wait_running(p, count):
    """The `count` children of `p` once the parties (all but the dealer,
    spawned first) have computed a little: the job runs."""
    kids = []
    for _ in range(300):
        time.sleep(0.1)
        kids = children(p.pid)
        if len(kids) == count and all(cpu_seconds(k) >= 0.2 for k in kids[1:]):
            return kids
    p.kill()
    fail("expected %d running children, found %s" % (count, kids))


def key_files(d):
    found = []
    for root, _, files in os.walk(d):
        found += [os.path.join(root, f) for f in files]
    return found


def check_no_key_on_disk(p, d, kids):
    # The job runs: nothing was written under TMPDIR or the working
    # directory, each child got its key on descriptor 3 (a pipe) and has
    # already closed it, and no command line names a key file.
    check(key_files(d) == [], "files written during the run: %s" % key_files(d))
    for k in kids:
        argv = open("/proc/%d/cmdline" % k).read().split("\0")
        check("--key" not in argv and "--key-fd" in argv, "child %d: %s" % (k, argv))
        for fd in os.listdir("/proc/%d/fd" % k):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (k, fd))
            except OSError:
                continue
            check(not target.startswith(d) and ".key" not in target,
                  "child %d has %s open" % (k, target))
            # Its key pipe is read and closed (stdout and stderr are the
            # only pipes it keeps).
            check(int(fd) <= 2 or not target.startswith("pipe:"),
                  "child %d still holds a pipe on descriptor %s" % (k, fd))


def check_children_gone(kids):
    for _ in range(50):
        alive = [k for k in kids if os.path.exists("/proc/%d" % k) and
                 open("/proc/%d/stat" % k).read().rsplit(")", 1)[1].split()[0] != "Z"]
        if not alive:
            return
        time.sleep(0.1)
    fail("children survived the launcher: %s" % alive)


def case_local_cluster_sigterm():
    # A terminated `smpc run` stops its nodes and leaves nothing behind:
    # the ephemeral keys never reached a disk.
    for sig in (signal.SIGTERM, signal.SIGINT):
        with tempfile.TemporaryDirectory() as d:
            p = long_run(d)
            kids = wait_running(p, 4)
            check_no_key_on_disk(p, d, kids)
            p.send_signal(sig)
            try:
                out, err = p.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                fail("smpc run still runs 15 s after signal %d" % sig)
            check(p.returncode == 1, "exit code %s after signal %d" % (p.returncode, sig))
            check("the local cluster failed: interrupted" in err, err)
            check(out == "", "outputs printed after an interruption: " + out)
            check_children_gone(kids)
            check(key_files(d) == [], "left behind: %s" % key_files(d))


def case_local_cluster_sigkill():
    # SIGKILL runs no handler: the children die with the launcher
    # (PDEATHSIG), and since no key was written there is nothing to remove.
    with tempfile.TemporaryDirectory() as d:
        p = long_run(d)
        kids = wait_running(p, 4)
        check_no_key_on_disk(p, d, kids)
        p.kill()
        p.communicate(timeout=15)
        check_children_gone(kids)
        check(key_files(d) == [], "left behind: %s" % key_files(d))


def case_key_fd():
    # `smpc party --key-fd N`: the key on an inherited descriptor, checked.
    with tempfile.TemporaryDirectory() as d:
        cfg = make_cluster(d, 2, dealer=False)
        prog = compile_long(d, 2)
        key0 = os.path.join(d, "party0.key")
        base = ["party", "--config", cfg, "--id", "0", "--program", prog]

        def party(extra, stdin_key=None, fd_file=None):
            fds, kw = (), {}
            if fd_file is not None:
                f = os.open(fd_file, os.O_RDONLY)
                os.dup2(f, 7)
                os.close(f)
                fds = (7,)
            try:
                return subprocess.run([SMPC] + base + extra, capture_output=True, text=True,
                                      timeout=60, pass_fds=fds, input=stdin_key)
            finally:
                if fds:
                    os.close(7)

        r = party(["--key-fd", "7"])
        check(r.returncode == 1 and r.stderr.strip() == "smpc: error: party 0: --key-fd 7: "
              "descriptor 7 is not open; start the command with the key on it (e.g. "
              "`3< party.key`)", r.stderr)
        r = party(["--key-fd", "2"])
        check(r.returncode == 2 and r.stderr.strip() == "smpc: error: --key-fd takes an integer "
              "from 3 to 1048576, got '2'", r.stderr)
        r = party(["--key", key0, "--key-fd", "7"])
        check(r.returncode == 2 and r.stderr.strip() == "smpc: error: `smpc party` needs only one "
              "of --key FILE and --key-fd N (see smpc party --help)", r.stderr)
        garbage = os.path.join(d, "garbage")
        with open(garbage, "w") as f:
            f.write("not a key\n")
        os.chmod(garbage, 0o600)
        r = party(["--key-fd", "7"], fd_file=garbage)
        check(r.returncode == 1 and r.stderr.strip() == "smpc: error: party 0: --key-fd 7: "
              "expected one line of 40 Z85 characters (as `smpc keygen` writes a secret key)",
              r.stderr)
        os.chmod(garbage, 0o644)
        r = party(["--key-fd", "7"], fd_file=garbage)
        check(r.returncode == 1 and r.stderr.strip() == "smpc: error: party 0: --key-fd 7: the "
              "file on descriptor 7 is accessible by group or others; make it mode 600", r.stderr)
        # The right key on a descriptor gets as far as the inputs.
        r = party(["--key-fd", "7"], fd_file=key0)
        check(r.stderr.strip() == "smpc: error: party 0: input 'x' (party 0) has no data: pass "
              "--input x=FILE", r.stderr)
        # The local cluster's internal hand-over: a party started with
        # --wait-fd joins the mesh, then waits for one byte; a launcher gone
        # without it stops the party with a clear error. Its raw inputs file
        # is checked too.
        empty = os.path.join(d, "empty")
        open(empty, "w").close()
        r = party(["--key", key0, "--wait-fd", "7"], fd_file=empty)
        check(r.returncode == 1 and r.stderr.strip() == "smpc: error: party 0: the launcher "
              "stopped before handing over the program (--wait-fd 7)", r.stderr)
        missing = os.path.join(d, "missing")
        r = party(["--key", key0, "--inputs-raw", missing])
        check(r.returncode == 1 and r.stderr.strip() == "smpc: error: party 0: cannot read the "
              "launcher's input file '%s'" % missing, r.stderr)
        r = party(["--key", key0, "--inputs-raw", garbage])
        check(r.returncode == 1 and r.stderr.strip() == "smpc: error: party 0: the launcher's "
              "input file is malformed", r.stderr)
        r = run(["dealer", "--config", cfg])
        check(r.returncode == 2 and r.stderr.strip() == "smpc: error: `smpc dealer` needs "
              "--key FILE or --key-fd N (see smpc dealer --help)", r.stderr)


def case_stale_job_id():
    # Party 1 runs with the configuration of an earlier job (same keys and
    # ports, another job_id). Whichever side hears the other first, both
    # errors say that the job ids differ, and neither suggests the keys.
    with tempfile.TemporaryDirectory() as d:
        cfg = make_cluster(d, 2, dealer=False)
        conf = json.load(open(cfg))
        conf["job_id"] = "today"
        conf["timeouts"]["connect_ms"] = 3000
        json.dump(conf, open(cfg, "w"))
        conf["job_id"] = "yesterday"
        old = os.path.join(d, "old.json")
        json.dump(conf, open(old, "w"))
        prog = compile_long(d, 20)
        procs = []
        for i, (c, inp) in enumerate([(cfg, "x=" + os.path.join(HERE, "long_x.csv")),
                                      (old, "y=" + os.path.join(HERE, "long_y.csv"))]):
            procs.append(subprocess.Popen(
                [SMPC, "party", "--config", c, "--id", str(i), "--key",
                 os.path.join(d, "party%d.key" % i), "--program", prog, "--input", inp],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        errs = []
        for p in procs:
            _, err = p.communicate(timeout=60)
            check(p.returncode == 1, "exit %s: %s" % (p.returncode, err))
            errs.append(err.strip())
        other = "sent a frame of another job: its job id differs from this node's '%s' (is it " \
                "still running an earlier job, or was it started with an earlier job's " \
                "configuration?); give every node the same cluster configuration"
        silent = "accepted this node's connection (the keys match) but sent nothing within " \
                 "3000 ms (timeouts.connect_ms): it most likely refused this node's job id (a " \
                 "node started with an earlier job's configuration?); give every node the same " \
                 "cluster configuration and see party %d's own error"
        want = [("smpc: error: party 0: party 1 " + other % "today",
                 "smpc: error: party 0: party 1 " + silent % 1),
                ("smpc: error: party 1: party 0 " + other % "yesterday",
                 "smpc: error: party 1: party 0 " + silent % 0)]
        for i in (0, 1):
            check(errs[i] in want[i], "party %d: %r" % (i, errs[i]))
        check(errs[0] == want[0][0] or errs[1] == want[1][0], "nobody saw the other job: %s" % errs)


def case_dealer_killed():
    # The dealer dies while it serves the job: party 0, its client, fails
    # naming it, and so does party 1 (directly, or through the reason in
    # party 0's Bye).
    with tempfile.TemporaryDirectory() as d:
        cfg = make_cluster(d, 2, dealer=True, peer_ms=KILL_PEER_MS)
        # 200 rounds of 16,384 products: party 0's read-ahead of material
        # covers a few rounds only, so it fails soon after the dealer dies
        # even on a loaded machine.
        prog = compile_long(d, 200, src="wide.smpc")
        procs = start_nodes(d, cfg, prog, 2)
        # Its material for 3,276,800 products takes about 0.5 s of CPU
        # once the parties connected: kill it in the middle of it.
        for _ in range(3000):
            time.sleep(0.02)
            if cpu_seconds(procs["dealer"].pid) >= 0.1 or procs["dealer"].poll() is not None:
                break
        check(procs["dealer"].poll() is None, "the dealer ended early")
        procs["dealer"].kill()
        procs["dealer"].wait()
        errs = {}
        for i in (0, 1):
            _, err = procs[i].communicate(timeout=30)
            check(procs[i].returncode == 1, "party %d exit %s: %s" % (i, procs[i].returncode, err))
            errs[i] = err.strip()
        check(errs[0] == "smpc: error: party 0: the dealer disconnected (its process exited or "
              "the network failed)", errs[0])
        # Directly, or through party 0's reason in its Bye.
        check(errs[1] in ("smpc: error: party 1: the dealer disconnected (its process exited or "
                          "the network failed)",
                          "smpc: error: party 1: party 0 failed the job: the dealer disconnected "
                          "(its process exited or the network failed)"), errs[1])
    # The same under `smpc run`: the launcher names the dealer too.
    with tempfile.TemporaryDirectory() as d:
        p = long_run(d, parties=2, n=200, src="wide.smpc")
        kids = []
        for _ in range(3000):
            time.sleep(0.02)
            kids = children(p.pid)
            if len(kids) == 3 and cpu_seconds(kids[0]) >= 0.1:
                break
        check(len(kids) == 3, "expected the dealer and 2 parties, found %s" % kids)
        os.kill(kids[0], signal.SIGKILL)  # spawn order: the dealer first
        try:
            out, err = p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("smpc run still runs 30 s after the dealer was killed")
        check(p.returncode == 1, "exit code %s" % p.returncode)
        check("smpc: error: the local cluster failed: the dealer was killed by signal 9" in err, err)
        for i in (0, 1):  # directly, or (party 1) through party 0's Bye
            check([l for l in err.splitlines() if l.startswith("smpc: error: party %d: " % i) and
                   "the dealer disconnected" in l], err)
        check("party 0 ended the job" not in err and "local cluster failed: party" not in err, err)
        check(out == "", "outputs printed after a failure: " + out)


def killed_hm_party(protocol, parties):
    with tempfile.TemporaryDirectory() as d:
        args = ["run", os.path.join(HERE, "long.smpc"), "-D", "n=200000", "--protocol", protocol,
                "--parties", str(parties), "--input", "x=" + os.path.join(HERE, "long_x.csv"),
                "--input", "y=" + os.path.join(HERE, "long_y.csv")]
        env = dict(os.environ, SMPC_PEER_TIMEOUT_MS=str(KILL_PEER_MS), TMPDIR=d)
        p = subprocess.Popen([SMPC] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
        kids = []
        for _ in range(100):  # the parties start, no dealer
            time.sleep(0.1)
            kids = children(p.pid)
            if len(kids) == parties:
                break
        check(len(kids) == parties, "expected %d parties and no dealer, found %s" % (parties, kids))
        wait_computing(kids, {"smpc run": p})  # kill party 1 once the job runs
        os.kill(kids[1], signal.SIGKILL)  # party 1
        try:
            out, err = p.communicate(timeout=KILL_GUARD_S)
        except subprocess.TimeoutExpired:
            p.kill()
            fail("smpc run still runs %d s after a party was killed" % KILL_GUARD_S)
        check(p.returncode == 1, "exit code %s" % p.returncode)
        check("the local cluster failed: party 1 was killed by signal 9" in err, err)
        for other in range(parties):
            if other != 1:
                check("smpc: error: party %d: " % other in err, err)
        check(out == "", "outputs printed after a failure: " + out)
        check(os.listdir(d) == [], "temp dir left behind: %s" % os.listdir(d))


def case_killed_party_rep3():
    killed_hm_party("rep3", 3)


def case_killed_party_shamir():
    killed_hm_party("shamir", 5)


def case_party_errors():
    with tempfile.TemporaryDirectory() as d:
        cfg = make_cluster(d, 2, dealer=False)
        prog = compile_long(d, 2)
        key0 = os.path.join(d, "party0.key")
        r = run(["party", "--config", cfg, "--id", "5", "--key", key0, "--program", prog])
        check(r.returncode == 1 and r.stderr.strip() ==
              "smpc: error: party 5: --id 5 is not a party of %s (it has 2 parties)" % cfg, r.stderr)
        r = run(["party", "--config", cfg, "--id", "0", "--key", key0, "--program", prog,
                 "--protocol", "rep3"])
        check(r.returncode == 1 and r.stderr.strip() ==
              "smpc: error: party 0: rep3 runs with exactly 3 parties, %s's party count is 2" % cfg,
              r.stderr)
        r = run(["party", "--config", cfg, "--id", "0", "--key", key0, "--program", prog,
                 "--protocol", "clear"])
        check(r.returncode == 2 and r.stderr.strip() ==
              "smpc: error: --protocol takes semi2k, rep3 or shamir, got 'clear'", r.stderr)
        r = run(["party", "--config", cfg, "--id", "0", "--key", key0, "--program", prog,
                 "--protocol", "shamir", "--preprocessing", "ot"])
        check(r.returncode == 2 and r.stderr.strip() == "smpc: error: --preprocessing applies to "
              "semi2k only; shamir needs no preprocessing, leave the option out", r.stderr)
        r = run(["party", "--config", cfg, "--id", "1", "--key", key0, "--program", prog,
                 "--input", "y=" + os.path.join(HERE, "long_y.csv")])
        check(r.stderr.strip() == "smpc: error: party 1: the secret key given for party 1 does not "
              "match the public key the cluster configuration pins for it", r.stderr)
        r = run(["party", "--config", cfg, "--id", "0", "--key", key0, "--program", prog])
        check(r.stderr.strip() == "smpc: error: party 0: input 'x' (party 0) has no data: pass "
              "--input x=FILE", r.stderr)
        r = run(["party", "--config", cfg, "--id", "0", "--key", key0, "--program", prog,
                 "--input", "x=" + os.path.join(HERE, "long_x.csv"),
                 "--input", "y=" + os.path.join(HERE, "long_y.csv")])
        check(r.stderr.strip() == "smpc: error: party 0: input 'y' belongs to party 1; do not "
              "give its data to party 0", r.stderr)
        os.chmod(key0, 0o644)
        r = run(["party", "--config", cfg, "--id", "0", "--key", key0, "--program", prog])
        check(r.stderr.strip() == "smpc: error: party 0: secret key file %s is accessible by group "
              "or others (mode 0644); run `chmod 600 %s`" % (key0, key0), r.stderr)
        os.chmod(key0, 0o600)
        bad = os.path.join(d, "bad.json")
        with open(bad, "w") as f:
            f.write('{"job_id": "x", "parties": [{"id": 0}]}')
        r = run(["party", "--config", bad, "--id", "0", "--key", key0, "--program", prog])
        check(r.stderr.strip() == "smpc: error: party 0: %s: parties: needs between 2 and 64 "
              "parties, found 1" % bad, r.stderr)
        r = run(["party", "--config", cfg, "--id", "0"])
        check(r.returncode == 2 and r.stderr == "smpc: error: `smpc party` needs --program "
              "PROG.smpcb (see smpc party --help)\n", r.stderr)
        r = run(["dealer", "--config", cfg, "--key", key0])
        check(r.stderr.strip() == "smpc: error: the dealer: %s has no \"dealer\" entry" % cfg,
              r.stderr)


CASES = {k[5:]: v for k, v in globals().items() if k.startswith("case_")}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print("usage: cluster_test.py SMPC CASE (%s)" % ", ".join(CASES))
        sys.exit(2)
    CASES[sys.argv[2]]()
    print("ok")
