//===- keys_test.cpp - key generation, files, permissions, encodings ------===//
#include "runtime/net/keys.h"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>

using namespace smpc::net;
namespace fs = std::filesystem;

namespace {
struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/smpc-keys-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};
std::string errorOf(auto &&f) {
  try {
    f();
  } catch (const KeyError &e) {
    return e.what();
  }
  return "(no error)";
}
} // namespace

TEST_CASE("keygen writes a 0600 secret key and a public key that load back") {
  TempDir d;
  std::string prefix = (d.path / "p0").string();
  auto k = net_key_keygen();
  writeKeyPair(prefix, k);
  struct stat st;
  REQUIRE(::stat((prefix + ".key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = loadSecretKey(prefix + ".key");
  CHECK(loaded.publicKey() == k.publicKey());
  CHECK(loadPublicKey(prefix + ".pub") == k.publicKey());
  CHECK(net_key_keygen().publicKey() != k.publicKey());

  CHECK(errorOf([&] { writeKeyPair(prefix, k); }) ==
        "refusing to overwrite existing key file " + prefix +
            ".pub; remove it first or choose another --out prefix");
}

TEST_CASE("a secret key readable by others is refused") {
  TempDir d;
  std::string prefix = (d.path / "p1").string();
  writeKeyPair(prefix, net_key_keygen());
  ::chmod((prefix + ".key").c_str(), 0644);
  CHECK(errorOf([&] { loadSecretKey(prefix + ".key"); }) ==
        "secret key file " + prefix +
            ".key is accessible by group or others (mode 0644); run "
            "`chmod 600 " +
            prefix + ".key`");
}

TEST_CASE("malformed and missing key files are clear errors") {
  TempDir d;
  std::string bad = (d.path / "bad.key").string();
  { std::ofstream(bad) << "this is not a key\n"; }
  ::chmod(bad.c_str(), 0600);
  CHECK(errorOf([&] { loadSecretKey(bad); }) ==
        "secret key file " + bad +
            " is malformed: expected one line of 40 Z85 characters (as written by `smpc keygen`)");
  CHECK(errorOf([&] { loadSecretKey("/nonexistent.key"); }) ==
        "cannot open secret key file /nonexistent.key: No such file or directory");
  std::string pub = (d.path / "bad.pub").string();
  { std::ofstream(pub) << "zz\n"; }
  CHECK(errorOf([&] { loadPublicKey(pub); }) ==
        "public key file " + pub +
            " is not a Curve25519 public key: expected 40 Z85 characters or 64 hex digits (as "
            "written by `smpc keygen`)");
}

TEST_CASE("public keys parse from Z85 and hex alike") {
  auto k = net_key_keygen();
  std::string z = z85Encode(k.publicKey().data());
  CHECK(z.size() == 40);
  CHECK(parsePublicKey(z, "k") == k.publicKey());
  std::string hex;
  for (uint8_t b : k.publicKey()) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", b);
    hex += buf;
  }
  CHECK(parsePublicKey(hex, "k") == k.publicKey());
  CHECK_THROWS_AS(parsePublicKey(hex.substr(1), "k"), KeyError);
}
