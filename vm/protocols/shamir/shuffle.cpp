//===- shuffle.cpp - shamir secret shuffle without a dealer ---------------===//
#include "vm/bytecode/cost.h"
#include "vm/bytecode/protocols.h"
#include "vm/core/errors.h"
#include "vm/protocols/hm/rows.h"
#include "vm/protocols/shamir/shamir.h"

#include <algorithm>
#include <string>

namespace smpc::shamir {

namespace {

/// One turn per set A of t+1 parties (docs/protocols.md, "rep3 and shamir
/// shuffle"; Laur, Willemson, Zhang 2011): the members of A hold the
/// additive sharing u_a = coef0(lambda^A_a x_a) of x; each permutes its u_a
/// with pi_A, drawn from the stream of A, and deals pi_A(u_a) with degree
/// t; everyone adds up the t+1 dealings. The order is the composition of
/// every set's pi_A; since N - t >= t+1, some set has no corrupt member, and
/// its pi_A is uniform and unknown to the coalition, while the dealings it
/// sees (t shares of each) are uniform.
class ShuffleTask final : public hm::Task {
public:
  ShuffleTask(Shamir &p, vm::InteractiveOp &op)
      : p_(p), op_(op), d_(p.params().d()), n_(op.out.size() / d_), rows_(n_ / op.width),
        cur_(Words::uninit(d_ * n_)) {
    std::copy(op.x.begin(), op.x.end(), cur_.data());
  }
  void send(Exchange &ex) override {
    const Params &P = p_.params();
    const std::vector<uint32_t> &set = P.sets[turn_];
    Words mine; // pi_A(u_a) on a member
    for (size_t k = 0; k < set.size(); ++k) {
      if (set[k] != p_.partyId()) continue;
      Words u = Words::uninit(n_);
      ArithAlg::coef0(P.ext, P.setLam[turn_][k], cur_.data(), u.data(), n_);
      std::vector<uint32_t> perm = hm::drawPerm(*p_.setStream(turn_), rows_);
      mine = Words::uninit(n_);
      hm::permuteRows(perm, u.data(), mine.data(), op_.width);
      hm::wipePerm(perm);
    }
    group_ = std::make_unique<StepGroup>();
    dealt_.clear();
    for (uint32_t a : set) {
      dealt_.emplace_back(size_t(d_) * n_);
      group_->add(makeDeal<ArithAlg>(p_.ctx(), a, false, mine.span(), dealt_.back().span(), n_));
    }
    group_->send(ex);
  }
  void receive(Exchange &ex) override {
    group_->receive(ex);
    std::fill_n(cur_.data(), cur_.size(), 0);
    for (const Words &w : dealt_)
      for (size_t i = 0; i < cur_.size(); ++i)
        cur_[i] += w[i];
    group_.reset();
    if (++turn_ == p_.params().sets.size()) {
      std::copy_n(cur_.data(), cur_.size(), op_.out.begin());
      done_ = true;
    }
  }

private:
  Shamir &p_;
  vm::InteractiveOp &op_;
  uint32_t d_;
  size_t n_, rows_;
  Words cur_;
  std::vector<Words> dealt_;
  std::unique_ptr<StepGroup> group_;
  size_t turn_ = 0;
};

} // namespace

std::unique_ptr<hm::Task> Shamir::shuffle(vm::InteractiveOp &op) {
  if (P_.sets.empty())
    throw vm::ProtocolError(
        "shamir: shuffle.s (shuffle, sort and unsort of secret values) takes one round per set "
        "of t+1 parties, " +
        std::string(bc::shamirShuffleSets(P_.N) == UINT64_MAX
                        ? "too many"
                        : std::to_string(bc::shamirShuffleSets(P_.N))) +
        " with " + std::to_string(P_.N) +
        " parties; run it with at most 11 parties or under semi2k");
  return std::make_unique<ShuffleTask>(*this, op);
}

} // namespace smpc::shamir
