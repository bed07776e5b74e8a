//===- fuzz_frame.cpp - libFuzzer: frames from an authenticated peer ------===//
//
// Feeds frames to a mesh node's receive path (Mesh::Impl::handleFrame:
// header checks, heartbeats, Bye, sequence numbers, reassembly, buffer
// limits, frames of jobs not open yet) as peers 1 and 2 would send them
// after the CurveZMQ handshake, into a one-shot and a multiplexed node. No
// sockets: the state is the one Mesh's constructor builds (Impl::init).
// After every step the buffer accounting must be exact and within bounds.
//
// Input: byte 0 chooses the mode (bit 0: multiplexed), then records
// `op [len lo, len hi, bytes]`:
//   op & 3 == 0  a frame from peer 1 + (op >> 2 & 1) of `len` bytes; with
//                op & 8 the harness writes a valid magic, version, job hash
//                (job op >> 4 & 3) and length into its header, so that the
//                fuzzer reaches the data path quickly
//   op & 3 == 1  open channel op >> 5 & 7 of job op >> 2 & 3 (multiplexed),
//                sequenced unless op & 16
//   op & 3 == 2  read every complete message (what receivers do)
//   op & 3 == 3  expire pending frames (as 61 s later)
//===----------------------------------------------------------------------===//
#include "runtime/net/mesh_impl.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sodium.h>

using namespace smpc::net;

namespace {

const char *const kJobs[] = {"job-config", "job-a", "job-b", "job-c"};

ClusterConfig makeConfig() {
  ClusterConfig c;
  c.jobId = kJobs[0];
  for (uint32_t i = 0; i < 3; ++i) {
    NodeConfig n;
    n.id = i;
    n.endpoint = n.bind = "tcp://127.0.0.1:" + std::to_string(7000 + i);
    c.parties.push_back(n);
  }
  // Small limits, so the fuzzer reaches them with short inputs.
  c.limits.channelBufferMib = 1;
  c.limits.peerBufferMib = 1;
  return c;
}

void check(bool ok, const char *what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_frame: invariant broken: %s\n", what);
  std::abort();
}

// What the counters say must be what the buffers hold, within the bounds.
void checkAccounting(Mesh::Impl &m) {
  std::vector<uint64_t> pend(m.nodes, 0), buf(m.nodes, 0);
  for (auto &[key, pf] : m.pending)
    for (auto &[from, f] : pf.frames)
      pend[from] += f.size();
  for (auto &[key, st] : m.chans)
    for (uint32_t p = 0; p < m.nodes; ++p) {
      const Link &l = st->links[p];
      auto bytesOf = [](const Message &msg) {
        uint64_t b = 0, charge = 0;
        for (const Chunk &c : msg.chunks) {
          b += c.payload().size();
          charge += frameCharge(c.payload().size());
        }
        check(b == msg.size, "a message's size differs from its chunks");
        check(charge == msg.charge, "a message's charge differs from its chunks'");
        return charge;
      };
      uint64_t held = bytesOf(l.partial);
      for (const auto &msg : l.q)
        held += bytesOf(msg);
      check(held == l.bytes, "a link's byte count differs from what it holds");
      check(l.bytes <= m.channelCap, "a link holds more than the channel limit");
      buf[p] += l.bytes;
    }
  for (uint32_t p = 0; p < m.nodes; ++p) {
    check(pend[p] == m.pendingBytes[p], "pendingBytes differs from the pending frames");
    check(pend[p] <= kMaxPendingBytesPerPeer, "pending frames exceed their bound");
    check(buf[p] == m.buffered[p], "buffered differs from what the links hold");
    check(buf[p] <= m.peerCap, "a peer's buffers exceed the peer limit");
  }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  return sodium_init() < 0 ? 1 : 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  static const ClusterConfig cfg = makeConfig();
  Mesh::Impl m;
  MeshOptions opts;
  opts.multiplex = data[0] & 1;
  m.init(cfg, 0, opts);
  size_t i = 1;
  while (i < size) {
    const uint8_t op = data[i++];
    switch (op & 3) {
    case 0: {
      if (size - i < 2) return 0;
      size_t len = data[i] | size_t(data[i + 1]) << 8;
      i += 2;
      len = std::min(len, size - i);
      std::vector<uint8_t> f(data + i, data + i + len);
      i += len;
      if ((op & 8) && f.size() >= kHeaderBytes) {
        FrameHeader h;
        h.type = FrameType(1 + f[5] % 4);
        h.channel = uint16_t(f[6] | f[7] << 8);
        h.job = hashJobId(kJobs[op >> 4 & 3]);
        std::memcpy(&h.seq, f.data() + 24, 8);
        h.length = f.size() - kHeaderBytes;
        encodeHeader(h, f.data());
      }
      m.handleFrame(1 + (op >> 2 & 1), f);
      break;
    }
    case 1:
      if (opts.multiplex) m.open(hashJobId(kJobs[op >> 2 & 3]), uint16_t(op >> 5 & 7), !(op & 16));
      break;
    case 2: {
      std::lock_guard lk(m.mu);
      for (auto &[key, st] : m.chans)
        for (uint32_t p = 0; p < m.nodes; ++p)
          while (!st->links[p].q.empty()) {
            Message msg = m.take(*st, p); // its chunks are wiped when dropped
            (void)msg;
          }
      break;
    }
    case 3:
      m.expirePending(Clock::now() + kPendingTtl + std::chrono::seconds(1));
      break;
    }
    std::lock_guard lk(m.mu);
    checkAccounting(m);
  }
  return 0;
}
