#!/usr/bin/env python3
"""Writes the hand-made seeds of tests/fuzz/corpus/{frame,inputs} (the
fuzzers add what they find). Frame records follow fuzz_frame.cpp's header
comment; input seeds are byte 0 (mode) + byte 1 (size) + a data file, as in
fuzz_inputs.cpp. Usage: python3 tests/fuzz/make_seeds.py"""
import hashlib
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
JOBS = ["job-config", "job-a", "job-b", "job-c"]
DATA, END, HEARTBEAT, BYE = 1, 2, 3, 4


def frame(ftype, chan, seq, payload, job=0):
    h = b"SMPF" + bytes([1, ftype]) + struct.pack("<H", chan)
    h += hashlib.blake2b(JOBS[job].encode(), digest_size=16).digest()
    return h + struct.pack("<QQ", seq, len(payload)) + payload


def send(f, peer=1, fixup=False, job=0):
    op = (peer - 1) << 2 | (8 if fixup else 0) | job << 4
    return bytes([op]) + struct.pack("<H", len(f)) + f


def open_job(job, chan, sequenced=True):
    return bytes([1 | job << 2 | (0 if sequenced else 16) | chan << 5])


READ, EXPIRE = bytes([2]), bytes([3])

frames = {
    "oneshot_messages": bytes([0]) + send(frame(END, 0, 0, b"hello")) +
    send(frame(DATA, 0, 1, b"a" * 64)) + send(frame(END, 0, 2, b"b" * 64)) +
    send(frame(END, 3, 0, b"x"), peer=2) + READ + send(frame(HEARTBEAT, 0, 0, bytes(16))) +
    send(frame(BYE, 0, 0, b"")),
    "oneshot_replay": bytes([0]) + send(frame(END, 0, 0, b"m")) + send(frame(END, 0, 0, b"m")),
    "oneshot_gap": bytes([0]) + send(frame(END, 1, 5, b"m"), peer=2),
    "oneshot_wrong_job": bytes([0]) + send(frame(END, 0, 0, b"m", job=1)),
    "oneshot_bad_header": bytes([0]) + send(b"SMPF\x02" + bytes(40)) + send(b"short"),
    "multiplex_jobs": bytes([1]) + open_job(1, 0) + send(frame(END, 0, 0, b"m", job=1)) +
    send(frame(END, 1, 0, b"early", job=2), peer=2) + send(frame(DATA, 1, 1, b"x" * 300, job=2)) +
    open_job(2, 1) + READ + send(frame(END, 2, 0, b"late", job=3)) + EXPIRE,
    "multiplex_restart": bytes([1]) + open_job(0, 0, sequenced=False) +
    send(frame(HEARTBEAT, 0, 0, b"\x01" * 16)) + send(frame(END, 0, 0, b"m")) +
    send(frame(HEARTBEAT, 0, 0, b"\x02" * 16)) + send(frame(END, 0, 0, b"again")) +
    send(frame(BYE, 0, 0, b"")) + send(frame(HEARTBEAT, 0, 0, b"\x03" * 16)),
    "multiplex_fixup": bytes([1]) + open_job(1, 0) +
    send(frame(END, 0, 0, b"m", job=0), fixup=True, job=1),
}

# mode: bit 0 JSON, bits 1-2 element (int, fix, bool), bits 3-4 dims,
# bit 5 declared shape (byte 1: rows - 1 | (cols - 1) << 4), bit 6 shape only.
inputs = {
    "csv_int_vector": (0 | 1 << 3 | 32, 2, b"1\n2\n-3\n"),
    "csv_fix_matrix": (2 | 2 << 3 | 32, 1 | 2 << 4, b"1.5,2,-0.25\n3,4e2,5\n"),
    "csv_bool_open": (4 | 1 << 3, 0, b"0\n1\n1\n"),
    "csv_scalar": (0, 0, b"42\n"),
    "csv_bom_crlf": (0 | 2 << 3, 0, b"\xef\xbb\xbf1,2\r\n3,4\r\n"),
    "csv_shape_only": (2 | 1 << 3 | 64, 0, b"0.5\n1e-3\n"),
    "json_int_vector": (1 | 1 << 3 | 32, 2, b"[1, 2, -3]"),
    "json_fix_matrix": (3 | 2 << 3, 0, b"[[1.5, 2], [3, -4.25]]"),
    "json_bool_scalar": (5, 0, b"true"),
    "json_nested_bad": (1 | 2 << 3, 0, b'[[1, [2]], {"a": 1}]'),
}


def write(sub, name, data):
    with open(os.path.join(HERE, "corpus", sub, name), "wb") as f:
        f.write(data)


for name, data in frames.items():
    write("frame", name, data)
for name, (mode, n, body) in inputs.items():
    write("inputs", name, bytes([mode, n]) + body)
