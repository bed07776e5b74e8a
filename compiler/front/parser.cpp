//===- parser.cpp - source text to AST via the ANTLR-generated parser -----===//
//
// Steps: check the bytes are UTF-8 text; lex while checking nesting depth
// (refusing pathological input before the recursive parser sees it); parse
// with ANTLR's recovering error strategy, collecting every syntax error;
// convert the parse tree to our AST.
//===----------------------------------------------------------------------===//
#include "compiler/front/parser.h"

#include "SmpcLexer.h"
#include "SmpcParser.h"
#include "antlr4-runtime.h"
#include "compiler/front/source_check.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

namespace smpc::front {
namespace {

using smpc_gen::SmpcLexer;
using smpc_gen::SmpcParser;

// Parses share ANTLR's DFA and prediction-context cache; resetting them
// needs every other parse finished.
std::mutex gParseMutex;
size_t gMaxDfaStates = kMaxParserDfaStates;

size_t dfaStates(SmpcParser &parser) {
  size_t n = 0;
  for (const auto &dfa : parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->decisionToDFA)
    n += dfa.states.size();
  return n;
}

/// Starts ANTLR's caches over when they hold more than gMaxDfaStates;
/// called with gParseMutex held, after the parse.
void boundDfa(SmpcParser &parser) {
  if (dfaStates(parser) <= gMaxDfaStates) return;
  auto *sim = parser.getInterpreter<antlr4::atn::ParserATNSimulator>();
  sim->clearDFA();
  sim->getSharedContextCache().clear();
}

// Longest chain of prefix operators or `else if`, and longest run of binary
// operators at one nesting level: each adds a level of recursion later on.
constexpr unsigned kMaxChain = 500;

/// The text ANTLR parses: the source with each dense literal
/// (dense_literals.h) replaced by a placeholder name; maps ANTLR's
/// code-point indices in that text back to pointers into the source.
class LocMap {
public:
  LocMap(const char *buf, size_t size, std::vector<DenseLiteral> dense) : buf_(buf), size_(size) {
    size_t pos = 0;
    for (DenseLiteral &d : dense) {
      text_.append(buf + pos, d.begin - pos);
      pieces_.push_back(
          {text_.size(), d.begin, d.end, std::make_shared<const DenseLiteral>(std::move(d))});
      text_ += kPlaceholder;
      pos = pieces_.back().srcEnd;
    }
    text_.append(buf + pos, size - pos);
    bool ascii = true;
    for (char c : text_)
      if (static_cast<unsigned char>(c) >= 0x80) {
        ascii = false;
        break;
      }
    if (!ascii)
      for (size_t i = 0; i < text_.size(); ++i)
        if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) cpToByte_.push_back(i);
  }
  const std::string &text() const { return text_; }
  SMLoc at(size_t cpIndex) const {
    return SMLoc::getFromPointer(buf_ + std::min(sourceByte(textByte(cpIndex)), size_));
  }
  SMLoc at(antlr4::Token *t) const { return at(t->getStartIndex()); }
  /// The dense literal a placeholder token stands for, or null.
  std::shared_ptr<const DenseLiteral> dense(antlr4::Token *t) const {
    if (!t || pieces_.empty()) return nullptr;
    const size_t b = textByte(t->getStartIndex());
    const Piece *p = pieceAt(b);
    return p && p->textStart == b ? p->lit : nullptr;
  }

private:
  static constexpr std::string_view kPlaceholder = "smpc_dense_literal_";
  struct Piece {
    size_t textStart, srcStart, srcEnd;
    std::shared_ptr<const DenseLiteral> lit;
  };
  size_t textByte(size_t cpIndex) const {
    return cpToByte_.empty()            ? std::min(cpIndex, text_.size())
           : cpIndex < cpToByte_.size() ? cpToByte_[cpIndex]
                                        : text_.size();
  }
  // The last piece starting at or before text byte b.
  const Piece *pieceAt(size_t b) const {
    auto it = std::upper_bound(pieces_.begin(), pieces_.end(), b,
                               [](size_t v, const Piece &p) { return v < p.textStart; });
    return it == pieces_.begin() ? nullptr : &*(it - 1);
  }
  size_t sourceByte(size_t b) const {
    const Piece *p = pieceAt(b);
    if (!p) return b;
    const size_t off = b - p->textStart;
    return off < kPlaceholder.size() ? p->srcStart : p->srcEnd + (off - kPlaceholder.size());
  }
  const char *buf_;
  size_t size_;
  std::string text_;
  std::vector<Piece> pieces_;
  std::vector<size_t> cpToByte_;
};

std::string tokenText(antlr4::Token *t) {
  if (!t || t->getType() == antlr4::Token::EOF) return "end of file";
  std::string s = t->getText();
  if (s.size() > 30) s = s.substr(0, 30) + "...";
  return "'" + s + "'";
}

// Token names as users know them.
std::string friendly(std::string s) {
  static const std::pair<const char *, const char *> kNames[] = {
      {"IDENT", "a name"}, {"FIXLIT", "a number"}, {"INT", "an integer"}, {"<EOF>", "end of file"}};
  for (const auto &[from, to] : kNames)
    for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + 1))
      if ((p == 0 || !std::isalnum(static_cast<unsigned char>(s[p - 1]))) &&
          (p + std::strlen(from) >= s.size() ||
           !std::isalnum(static_cast<unsigned char>(s[p + std::strlen(from)])))) {
        s.replace(p, std::strlen(from), to);
        p += std::strlen(to) - 1;
      }
  return s;
}

/// Turns ANTLR's messages into ours: what is wrong and what to do.
class SyntaxErrors : public antlr4::BaseErrorListener {
public:
  SyntaxErrors(Diagnostics &d, const LocMap &m) : diags_(d), map_(m) {}
  void syntaxError(antlr4::Recognizer *, antlr4::Token *tok, size_t, size_t, const std::string &msg,
                   std::exception_ptr) override {
    SMLoc loc = tok ? map_.at(tok) : SMLoc();
    std::string token = map_.dense(tok) ? "a vector literal" : friendly(tokenText(tok));
    size_t exp = msg.find("expecting ");
    std::string expected = exp == std::string::npos ? "" : friendly(msg.substr(exp + 10));
    if (msg.rfind("missing ", 0) == 0) {
      size_t at = msg.find(" at ");
      diags_.emit(loc, diag::SyntaxMissing,
                  friendly(msg.substr(8, at == std::string::npos ? std::string::npos : at - 8)),
                  token);
    } else if (msg.rfind("extraneous input", 0) == 0 && !expected.empty()) {
      diags_.emit(loc, diag::SyntaxExtraneous, token, expected);
    } else if (msg.rfind("mismatched input", 0) == 0 && !expected.empty()) {
      diags_.emit(loc, diag::SyntaxMismatched, token, expected);
    } else {
      diags_.emit(loc, diag::SyntaxInvalid, token);
    }
  }

private:
  Diagnostics &diags_;
  const LocMap &map_;
};

/// Lexes everything, refusing input nested deeper than kMaxNesting or with
/// operator chains longer than kMaxChain. Stops at the first such problem,
/// so 10 MB of '(' costs only a few hundred tokens.
bool lexChecked(SmpcLexer &lexer, Diagnostics &diags, const LocMap &map,
                std::vector<std::unique_ptr<antlr4::Token>> &out) {
  unsigned depth = 0, unaryRun = 0;
  std::vector<unsigned> binRun(1, 0), elseIfRun(1, 0);
  std::string prevText;
  size_t prevStart = 0;
  for (;;) {
    std::unique_ptr<antlr4::Token> t = lexer.nextToken();
    size_t type = t->getType();
    std::string text = type == antlr4::Token::EOF ? "" : t->getText();
    auto fail = [&](Diag<1> kind, unsigned limit) {
      diags.emit(map.at(t.get()), kind, limit);
      return false;
    };
    if (text == "(" || text == "[" || text == "{") {
      if (++depth > kMaxNesting) return fail(diag::NestingTooDeep, kMaxNesting);
      binRun.push_back(0);
      elseIfRun.push_back(0);
    } else if (text == ")" || text == "]" || text == "}") {
      if (depth > 0) {
        --depth;
        binRun.pop_back();
        elseIfRun.pop_back();
      }
    }
    bool isOp = binaryOpFromSpelling(text).has_value();
    if (unaryOpFromSpelling(text)) {
      if (++unaryRun > kMaxChain) return fail(diag::PrefixChainTooLong, kMaxChain);
    } else {
      unaryRun = 0;
    }
    if (text == ";" || text == "," || text == "{" || text == "}")
      binRun.back() = 0;
    else if (isOp && ++binRun.back() > kMaxChain)
      return fail(diag::OperatorChainTooLong, kMaxChain);
    if (text == "if" && prevText == "else") {
      if (++elseIfRun.back() > kMaxChain) return fail(diag::ElseIfChainTooLong, kMaxChain);
    } else if (prevText == "}" && text != "else") {
      elseIfRun.back() = 0;
    }
    // "/" directly followed by "*" can only come from a block comment the
    // lexer could not close.
    if (text == "*" && prevText == "/" && t->getStartIndex() == prevStart + 1) {
      diags.emit(map.at(prevStart), diag::UnclosedComment);
      return false;
    }
    prevText = text;
    prevStart = t->getStartIndex();
    out.push_back(std::move(t));
    if (type == antlr4::Token::EOF) return true;
  }
}

/// Parse tree -> AST.
class AstBuilder {
public:
  AstBuilder(Diagnostics &d, const LocMap &m) : diags_(d), map_(m) {}

  SMLoc loc(antlr4::ParserRuleContext *c) { return map_.at(c->getStart()); }
  SMLoc loc(antlr4::tree::TerminalNode *n) { return map_.at(n->getSymbol()); }

  std::unique_ptr<Module> file(SmpcParser::FileContext *ctx) {
    auto m = std::make_unique<Module>();
    for (auto *item : ctx->item()) {
      if (auto *c = dynamic_cast<SmpcParser::ImportItemContext *>(item)) {
        m->imports.push_back({c->IDENT()->getText(), loc(c->IDENT())});
      } else if (auto *c = dynamic_cast<SmpcParser::ParamItemContext *>(item)) {
        ParamDecl p;
        p.name = c->IDENT()->getText();
        p.loc = loc(c->IDENT());
        p.type = typeExpr(c->typeExpr());
        if (c->expr()) p.init = expr(c->expr());
        m->params.push_back(std::move(p));
      } else if (auto *c = dynamic_cast<SmpcParser::InputItemContext *>(item)) {
        InputDecl in;
        in.name = c->IDENT()->getText();
        in.loc = loc(c->IDENT());
        in.type = typeExpr(c->typeExpr());
        in.party = static_cast<uint32_t>(intValue(c->INT(), UINT32_MAX));
        m->inputs.push_back(std::move(in));
      } else if (auto *c = dynamic_cast<SmpcParser::FnItemContext *>(item)) {
        m->fns.push_back(fnDecl(c->fnDecl()));
      }
    }
    return m;
  }

private:
  int64_t intValue(antlr4::tree::TerminalNode *n, uint64_t max) {
    std::string s = n->getText();
    errno = 0;
    unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
    if (errno == ERANGE || v > max) {
      diags_.emit(loc(n), diag::IntegerLiteralTooLarge, s, max);
      return 0;
    }
    return static_cast<int64_t>(v);
  }

  std::unique_ptr<FnDecl> fnDecl(SmpcParser::FnDeclContext *c) {
    auto f = std::make_unique<FnDecl>();
    f->name = c->IDENT()->getText();
    f->loc = loc(c->IDENT());
    for (auto *g : c->generic()) {
      auto ids = g->IDENT();
      f->generics.push_back(
          {ids[0]->getText(), ids.size() > 1 ? ids[1]->getText() : "", loc(ids[0])});
    }
    for (auto *p : c->fnParam())
      f->params.push_back({p->IDENT()->getText(), typeExpr(p->typeExpr()), loc(p->IDENT())});
    if (c->typeExpr()) f->ret = std::make_unique<TypeExpr>(typeExpr(c->typeExpr()));
    f->body = block(c->block());
    return f;
  }

  TypeExpr typeExpr(SmpcParser::TypeExprContext *c) {
    TypeExpr t;
    auto ids = c->IDENT();
    t.elem = ids[0]->getText();
    if (ids.size() > 1) t.derived = ids[1]->getText();
    t.loc = loc(c);
    for (auto *e : c->expr())
      t.dims.push_back(expr(e));
    return t;
  }

  Block block(SmpcParser::BlockContext *c) {
    Block b;
    for (auto *s : c->stmt())
      b.push_back(stmt(s));
    return b;
  }

  StmtP ifStmt(SMLoc l, SmpcParser::ExprContext *cond,
               std::vector<SmpcParser::BlockContext *> blocks, SmpcParser::IfTailContext *tail) {
    auto s = std::make_unique<Stmt>(StmtKind::If, l);
    s->value = expr(cond);
    s->body = block(blocks[0]);
    if (blocks.size() > 1) {
      s->hasElse = true;
      s->elseBody = block(blocks[1]);
    } else if (tail) {
      s->hasElse = true;
      s->elseBody.push_back(ifStmt(loc(tail), tail->expr(), tail->block(), tail->ifTail()));
    }
    return s;
  }

  StmtP stmt(SmpcParser::StmtContext *ctx) {
    SMLoc l = loc(ctx);
    if (auto *c = dynamic_cast<SmpcParser::LetStmtContext *>(ctx))
      return binding(StmtKind::Let, l, c->IDENT(), c->typeExpr(), c->expr());
    if (auto *c = dynamic_cast<SmpcParser::LetTupleStmtContext *>(ctx)) {
      auto s = std::make_unique<Stmt>(StmtKind::LetTuple, l);
      for (auto *id : c->IDENT()) {
        s->names.push_back(id->getText());
        s->nameLocs.push_back(loc(id));
      }
      s->nameLoc = s->nameLocs[0];
      s->value = expr(c->expr());
      return s;
    }
    if (auto *c = dynamic_cast<SmpcParser::VarStmtContext *>(ctx))
      return binding(StmtKind::Var, l, c->IDENT(), c->typeExpr(), c->expr());
    if (auto *c = dynamic_cast<SmpcParser::ForStmtContext *>(ctx)) {
      auto s = std::make_unique<Stmt>(StmtKind::For, l);
      s->name = c->IDENT()->getText();
      s->nameLoc = loc(c->IDENT());
      s->lo = expr(c->expr(0));
      s->hi = expr(c->expr(1));
      s->body = block(c->block());
      return s;
    }
    if (auto *c = dynamic_cast<SmpcParser::IfStmtContext *>(ctx))
      return ifStmt(l, c->expr(), c->block(), c->ifTail());
    if (auto *c = dynamic_cast<SmpcParser::WhileStmtContext *>(ctx)) {
      auto s = std::make_unique<Stmt>(StmtKind::While, l);
      s->value = expr(c->expr());
      s->body = block(c->block());
      return s;
    }
    if (auto *c = dynamic_cast<SmpcParser::ReturnStmtContext *>(ctx)) {
      auto s = std::make_unique<Stmt>(StmtKind::Return, l);
      if (c->expr()) s->value = expr(c->expr());
      return s;
    }
    if (auto *c = dynamic_cast<SmpcParser::OutputStmtContext *>(ctx)) {
      auto s = std::make_unique<Stmt>(StmtKind::Output, l);
      s->name = c->IDENT()->getText();
      s->nameLoc = loc(c->IDENT());
      s->value = expr(c->expr());
      if (auto *p = dynamic_cast<SmpcParser::PartyRecipientsContext *>(c->recipients())) {
        for (auto *n : p->INT()) {
          s->recipients.push_back(static_cast<uint32_t>(intValue(n, UINT32_MAX)));
          s->recipientLocs.push_back(loc(n));
        }
      } else {
        auto *all = dynamic_cast<SmpcParser::AllRecipientsContext *>(c->recipients());
        if (all->IDENT()->getText() != "all")
          diags_.emit(loc(all->IDENT()), diag::BadRecipients, all->IDENT()->getText());
        s->toAll = true;
      }
      return s;
    }
    if (auto *c = dynamic_cast<SmpcParser::AssignStmtContext *>(ctx)) {
      auto s = std::make_unique<Stmt>(StmtKind::Assign, l);
      s->name = c->IDENT()->getText();
      s->nameLoc = loc(c->IDENT());
      for (auto *i : c->index())
        s->target.push_back(index(i));
      if (std::string op = c->op->getText(); op != "=") // "+=" is Add, ...
        s->compound = binaryOpFromSpelling(op.substr(0, op.size() - 1));
      s->value = expr(c->expr());
      return s;
    }
    auto *c = dynamic_cast<SmpcParser::ExprStmtContext *>(ctx);
    auto s = std::make_unique<Stmt>(StmtKind::ExprStmt, l);
    s->value = expr(c->expr());
    return s;
  }

  StmtP binding(StmtKind k, SMLoc l, antlr4::tree::TerminalNode *id, SmpcParser::TypeExprContext *t,
                SmpcParser::ExprContext *e) {
    auto s = std::make_unique<Stmt>(k, l);
    s->name = id->getText();
    s->nameLoc = loc(id);
    if (t) s->type = std::make_unique<TypeExpr>(typeExpr(t));
    s->value = expr(e);
    return s;
  }

  IndexPart index(SmpcParser::IndexContext *ctx) {
    IndexPart p;
    p.loc = loc(ctx);
    if (auto *r = dynamic_cast<SmpcParser::RangeIndexContext *>(ctx)) {
      p.isRange = true;
      if (r->lo) p.lo = expr(r->lo);
      if (r->hi) p.hi = expr(r->hi);
    } else {
      p.lo = expr(dynamic_cast<SmpcParser::SingleIndexContext *>(ctx)->expr());
    }
    return p;
  }

  ExprP expr(SmpcParser::ExprContext *ctx) {
    SMLoc l = loc(ctx);
    if (auto *c = dynamic_cast<SmpcParser::ParenExprContext *>(ctx)) return expr(c->expr());
    if (auto *c = dynamic_cast<SmpcParser::IntExprContext *>(ctx)) {
      auto e = std::make_unique<Expr>(ExprKind::IntLit, l);
      e->ival = intValue(c->INT(), INT64_MAX);
      return e;
    }
    if (auto *c = dynamic_cast<SmpcParser::FixExprContext *>(ctx)) {
      auto e = std::make_unique<Expr>(ExprKind::FixLit, l);
      e->fval = std::strtod(c->FIXLIT()->getText().c_str(), nullptr);
      return e;
    }
    if (dynamic_cast<SmpcParser::BoolExprContext *>(ctx)) {
      auto e = std::make_unique<Expr>(ExprKind::BoolLit, l);
      e->ival = ctx->getText() == "true";
      return e;
    }
    if (auto *c = dynamic_cast<SmpcParser::NameExprContext *>(ctx)) {
      if (auto d = map_.dense(c->IDENT()->getSymbol())) {
        auto e = std::make_unique<Expr>(ExprKind::Vector, l);
        e->dense = std::move(d);
        return e;
      }
      auto e = std::make_unique<Expr>(ExprKind::Name, l);
      e->name = c->IDENT()->getText();
      return e;
    }
    if (auto *c = dynamic_cast<SmpcParser::CallExprContext *>(ctx)) {
      auto e = std::make_unique<Expr>(ExprKind::Call, l);
      auto ids = c->IDENT();
      e->name = ids[0]->getText();
      if (ids.size() > 1) e->member = ids[1]->getText();
      for (auto *a : c->arg()) {
        e->argNames.push_back(a->IDENT() ? a->IDENT()->getText() : "");
        e->argLocs.push_back(loc(a));
        e->kids.push_back(expr(a->expr()));
      }
      return e;
    }
    if (auto *c = dynamic_cast<SmpcParser::IndexExprContext *>(ctx)) {
      auto e = std::make_unique<Expr>(ExprKind::Index, l);
      e->kids.push_back(expr(c->expr()));
      for (auto *i : c->index())
        e->index.push_back(index(i));
      return e;
    }
    if (auto *c = dynamic_cast<SmpcParser::UnaryExprContext *>(ctx)) {
      auto e = std::make_unique<Expr>(ExprKind::Unary, l);
      e->unOp = unaryOpFromSpelling(c->op->getText()).value(); // the grammar allows only these
      e->kids.push_back(expr(c->expr()));
      return e;
    }
    if (auto *c = dynamic_cast<SmpcParser::BinaryExprContext *>(ctx)) {
      // Point binary operators at the operator, where the caret helps most.
      auto e = std::make_unique<Expr>(ExprKind::Binary, l);
      e->opLoc = map_.at(c->op);
      e->binOp = binaryOpFromSpelling(c->op->getText()).value();
      e->kids.push_back(expr(c->expr(0)));
      e->kids.push_back(expr(c->expr(1)));
      return e;
    }
    auto *c = dynamic_cast<SmpcParser::VectorExprContext *>(ctx);
    auto e = std::make_unique<Expr>(ExprKind::Vector, l);
    for (auto *a : c->expr())
      e->kids.push_back(expr(a));
    return e;
  }

  Diagnostics &diags_;
  const LocMap &map_;
};

} // namespace

std::unique_ptr<Module> parseModule(Diagnostics &diags, unsigned id) {
  if (!checkSourceText(diags, id)) return nullptr;
  unsigned before = diags.errorCount();
  const std::string_view source(diags.bufferStart(id), diags.bufferSize(id));
  LocMap map(source.data(), source.size(), findDenseLiterals(source));
  std::lock_guard lock(gParseMutex);
  try {
    antlr4::ANTLRInputStream input(map.text());
    SmpcLexer lexer(&input);
    lexer.removeErrorListeners();
    std::vector<std::unique_ptr<antlr4::Token>> tokens;
    if (!lexChecked(lexer, diags, map, tokens)) return nullptr;
    antlr4::ListTokenSource source(std::move(tokens));
    antlr4::CommonTokenStream stream(&source);
    SmpcParser parser(&stream);
    SyntaxErrors listener(diags, map);
    parser.removeErrorListeners();
    parser.addErrorListener(&listener);
    SmpcParser::FileContext *tree = parser.file();
    boundDfa(parser);
    if (diags.errorCount() != before) return nullptr;
    AstBuilder builder(diags, map);
    auto m = builder.file(tree);
    if (diags.errorCount() != before) return nullptr;
    m->bufferId = id;
    m->path = diags.sourceMgr().getMemoryBuffer(id)->getBufferIdentifier().str();
    return m;
  } catch (const std::exception &) {
    // The recovering strategy should never throw; if the runtime does,
    // report it as a syntax problem rather than crash.
    diags.emit(SMLoc::getFromPointer(diags.bufferStart(id)), diag::ParserGaveUp);
    return nullptr;
  }
}

size_t parserDfaStates() {
  std::lock_guard lock(gParseMutex);
  antlr4::ANTLRInputStream input("");
  SmpcLexer lexer(&input);
  antlr4::CommonTokenStream stream(&lexer);
  SmpcParser parser(&stream);
  return dfaStates(parser);
}

void setMaxParserDfaStatesForTest(size_t states) {
  std::lock_guard lock(gParseMutex);
  gMaxDfaStates = states;
}

} // namespace smpc::front
