#!/usr/bin/env python3
"""`smpc healthcheck URL`: the probe the image uses instead of a shell and
curl. A real HTTP server on a free loopback port answers 200 on /healthz
and 503 on /readyz; a silent server and a non-HTTP server cover the failures.

usage: healthcheck_test.py SMPC
"""
import http.server
import socket
import subprocess
import sys
import threading

SMPC = sys.argv[1]


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def hc(*args):
    return subprocess.run([SMPC, "healthcheck"] + list(args), capture_output=True, text=True,
                          timeout=30)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        code = {"/healthz": 200, "/readyz": 503}.get(self.path, 404)
        self.send_response(code, "Peers Missing" if code == 503 else None)
        self.end_headers()
        self.wfile.write(b"ok\n" if code == 200 else b"no\n")

    def log_message(self, *args):
        pass


def serve_raw(reply):
    """A TCP server that answers every connection with `reply` (None: never
    answers) and returns its port."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    conns = []

    def loop():
        while True:
            c, _ = s.accept()
            conns.append(c)
            if reply is not None:
                c.recv(4096)
                c.sendall(reply)
                c.close()
    threading.Thread(target=loop, daemon=True).start()
    return s.getsockname()[1]


def main():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % httpd.server_address[1]

    r = hc(base + "/healthz")
    check(r.returncode == 0 and r.stdout.strip() == base + "/healthz: 200 OK", "healthz: %r %r" % (r.stdout, r.stderr))
    r = hc(base + "/readyz")
    check(r.returncode == 1 and r.stderr.strip() ==
          "smpc: error: %s/readyz answered 503 Peers Missing" % base, r.stderr)
    r = hc("http://localhost:%d/healthz" % httpd.server_address[1], "--timeout-ms", "5000")
    check(r.returncode == 0, "by name: " + r.stderr)

    # Nothing listens: a free port, closed again.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    r = hc("http://127.0.0.1:%d/healthz" % port)
    check(r.returncode == 1 and r.stderr.strip() ==
          "smpc: error: cannot connect to 127.0.0.1:%d: Connection refused" % port, r.stderr)

    silent = serve_raw(None)
    r = hc("http://127.0.0.1:%d/healthz" % silent, "--timeout-ms", "300")
    check(r.returncode == 1 and r.stderr.strip() ==
          "smpc: error: http://127.0.0.1:%d/healthz did not answer within 300 ms" % silent, r.stderr)
    garbage = serve_raw(b"SSH-2.0-OpenSSH\r\n")
    r = hc("http://127.0.0.1:%d/" % garbage)
    check(r.returncode == 1 and r.stderr.strip() ==
          "smpc: error: http://127.0.0.1:%d/ did not answer with HTTP" % garbage, r.stderr)
    closer = serve_raw(b"")
    r = hc("http://127.0.0.1:%d/x" % closer)
    check(r.returncode == 1 and "closed the connection without an HTTP status line" in r.stderr, r.stderr)

    for bad in ["https://x:1/", "http://:80/", "http://h:0/", "http://h:99999/", "http://h:8a/",
                "http://[::1/", "http://h:1/a b", "ftp://h/"]:
        r = hc(bad)
        check(r.returncode == 2 and r.stderr.strip() ==
              "smpc: error: '%s' is not an http://HOST:PORT/PATH URL" % bad, "%s: %r" % (bad, r.stderr))
    r = hc()
    check(r.returncode == 2 and "needs a URL" in r.stderr, r.stderr)
    r = hc(base, "--timeout-ms", "0")
    check(r.returncode == 2 and r.stderr.strip() ==
          "smpc: error: --timeout-ms takes an integer from 1 to 600000, got '0'", r.stderr)
    r = hc(base, "--timeout-ms", "5s")
    check(r.returncode == 2 and "--timeout-ms takes an integer from 1 to 600000, got '5s'" in r.stderr, r.stderr)
    r = hc("--help")
    check(r.returncode == 0 and r.stdout.startswith("usage: smpc healthcheck URL") and
          "--timeout-ms N" in r.stdout, r.stdout)
    # A name that cannot be resolved: in a network namespace of its own
    # (root), no query leaves the machine.
    import os
    if os.geteuid() == 0:
        r = subprocess.run(["unshare", "--net", SMPC, "healthcheck", "http://smpc-node-x.invalid:80/"],
                           capture_output=True, text=True, timeout=30)
        check(r.returncode == 1 and r.stderr.startswith(
            "smpc: error: cannot resolve 'smpc-node-x.invalid': "), r.stderr)
    print("PASS: healthcheck")


main()
