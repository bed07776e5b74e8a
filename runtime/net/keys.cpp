//===- keys.cpp - CurveZMQ key pairs: generation, files, encodings --------===//
#include "runtime/net/keys.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

namespace smpc::net {

namespace {

void ensureSodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

bool isHex(std::string_view s) {
  for (char c : s)
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  return true;
}

// Decodes Z85 (40 chars) or hex (64 chars) into 32 bytes; false if neither.
bool decodeKey(std::string_view text, uint8_t *out) {
  if (text.size() == 40) {
    char buf[41];
    std::memcpy(buf, text.data(), 40);
    buf[40] = 0;
    return zmq_z85_decode(out, buf) != nullptr;
  }
  if (text.size() == 64 && isHex(text)) {
    size_t len = 0;
    return sodium_hex2bin(out, kKeyBytes, text.data(), text.size(), nullptr, &len, nullptr) == 0 &&
           len == kKeyBytes;
  }
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  return s;
}

// Reads a small key file (at most 4 KiB); `fd` is closed.
std::string readSmall(int fd, const std::string &path) {
  std::string data(4097, '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
  }
  ::close(fd);
  if (got > 4096) throw KeyError("key file " + path + " is too large to be a key file");
  data.resize(got);
  return data;
}

void writeNew(const std::string &path, const std::string &text, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST)
      throw KeyError("refusing to overwrite existing key file " + path +
                     "; remove it first or choose another --out prefix");
    throw KeyError("cannot create key file " + path + ": " + std::strerror(errno));
  }
  // The umask may have narrowed the mode; make it exact.
  ::fchmod(fd, mode);
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size());
  ok = (::fsync(fd) == 0) && ok;
  ::close(fd);
  if (!ok) throw KeyError("cannot write key file " + path);
}

} // namespace

SecretKey::~SecretKey() {
  sodium_memzero(sec_.data(), sec_.size());
}

SecretKey SecretKey::fromSecret(const uint8_t *secret) {
  ensureSodium();
  SecretKey k;
  std::memcpy(k.sec_.data(), secret, kKeyBytes);
  crypto_scalarmult_base(k.pub_.data(), k.sec_.data());
  return k;
}

SecretKey net_key_keygen() {
  ensureSodium();
  PublicKey pub;
  std::array<uint8_t, kKeyBytes> sec;
  crypto_box_keypair(pub.data(), sec.data());
  SecretKey k = SecretKey::fromSecret(sec.data());
  sodium_memzero(sec.data(), sec.size());
  return k;
}

std::string z85Encode(const uint8_t *bytes) {
  char buf[41];
  zmq_z85_encode(buf, bytes, kKeyBytes);
  std::string s(buf, 40);
  sodium_memzero(buf, sizeof buf);
  return s;
}

PublicKey parsePublicKey(std::string_view text, const std::string &what) {
  PublicKey k;
  if (!decodeKey(trim(text), k.data()))
    throw KeyError(what + " is not a Curve25519 public key: expected 40 Z85 characters or 64 hex "
                          "digits (as written by `smpc keygen`)");
  return k;
}

void writeKeyPair(const std::string &prefix, const SecretKey &key) {
  if (prefix.empty()) throw KeyError("key output prefix is empty; pass --out <prefix>");
  const std::string pubPath = prefix + ".pub", keyPath = prefix + ".key";
  struct stat st;
  for (const auto &p : {pubPath, keyPath})
    if (::lstat(p.c_str(), &st) == 0)
      throw KeyError("refusing to overwrite existing key file " + p +
                     "; remove it first or choose another --out prefix");
  std::string sec = z85Encode(key.secretBytes()) + "\n";
  writeNew(keyPath, sec, 0600);
  sodium_memzero(sec.data(), sec.size());
  writeNew(pubPath, z85Encode(key.publicKey().data()) + "\n", 0644);
}

SecretKey loadSecretKey(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) throw KeyError("cannot open secret key file " + path + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw KeyError("secret key file " + path + " is not a regular file");
  }
  if (st.st_mode & 077) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", unsigned(st.st_mode & 07777));
    throw KeyError("secret key file " + path + " is accessible by group or others (mode " + mode +
                   "); run `chmod 600 " + path + "`");
  }
  std::string text = readSmall(fd, path);
  std::array<uint8_t, kKeyBytes> raw;
  bool ok = decodeKey(trim(text), raw.data());
  sodium_memzero(text.data(), text.size());
  if (!ok)
    throw KeyError("secret key file " + path +
                   " is malformed: expected one line of 40 Z85 characters (as written by "
                   "`smpc keygen`)");
  SecretKey k = SecretKey::fromSecret(raw.data());
  sodium_memzero(raw.data(), raw.size());
  return k;
}

SecretKey readSecretKeyFd(int fd) {
  const std::string what = "--key-fd " + std::to_string(fd);
  if (fd < 3)
    throw KeyError(what +
                   ": descriptors 0, 1 and 2 are the standard streams; pass the key on 3 or above");
  struct stat st;
  if (::fcntl(fd, F_GETFD) < 0 || ::fstat(fd, &st) != 0)
    throw KeyError(what + ": descriptor " + std::to_string(fd) +
                   " is not open; start the command with the key on it (e.g. `3< party.key`)");
  if (S_ISREG(st.st_mode) && (st.st_mode & 077)) {
    ::close(fd);
    throw KeyError(what + ": the file on descriptor " + std::to_string(fd) +
                   " is accessible by group or others; make it mode 600");
  }
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode)) {
    ::close(fd);
    throw KeyError(what + ": descriptor " + std::to_string(fd) +
                   " is not a pipe, socket or regular file");
  }
  // One line: a writer that keeps its end open must not make us wait for
  // end of file.
  std::array<char, 4097> buf{};
  size_t got = 0;
  while (got < buf.size()) {
    ssize_t n = ::read(fd, buf.data() + got, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || buf[got] == '\n') break;
    ++got;
  }
  ::close(fd);
  std::array<uint8_t, kKeyBytes> raw;
  bool ok = got < 4096 && decodeKey(trim(std::string_view(buf.data(), got)), raw.data());
  sodium_memzero(buf.data(), buf.size());
  if (!ok)
    throw KeyError(what + ": expected one line of 40 Z85 characters (as `smpc keygen` writes a "
                          "secret key)");
  SecretKey k = SecretKey::fromSecret(raw.data());
  sodium_memzero(raw.data(), raw.size());
  return k;
}

PublicKey loadPublicKey(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw KeyError("cannot open public key file " + path + ": " + std::strerror(errno));
  return parsePublicKey(readSmall(fd, path), "public key file " + path);
}

} // namespace smpc::net
