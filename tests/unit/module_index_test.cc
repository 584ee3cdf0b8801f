// Module's lookups (find_definition, find_form, forms_of,
// first_eligibility_rule) give the same answers from the index reindex()
// builds as from a scan, and stay right for a module changed afterwards; and
// model::digest() feeds what outputs depend on, not where it was written.

#include <catch2/catch.hpp>

#include <string>

#include "model/ir.h"
#include "model/ir_digest.h"
#include "support/digest.h"

using formc::model::Definition;
using formc::model::EligibilityRule;
using formc::model::Form;
using formc::model::Module;

namespace {

Module sample() {
  Module m;
  for (const char* id : {"a", "b", "c"}) {
    Definition d;
    d.id = id;
    m.definitions.push_back(d);
  }
  for (const auto& [uid, def] : {std::pair{"f1", "a"}, {"f2", "b"}, {"f3", "a"}, {"f4", "zz"}}) {
    Form f;
    f.uid = uid;
    f.definition_id = def;
    m.forms.push_back(f);
  }
  for (const auto& [id, def] : {std::pair{1, "b"}, {2, "a"}, {3, "b"}}) {
    EligibilityRule r;
    r.id = id;
    r.definition_id = def;
    m.eligibility_rules.push_back(r);
  }
  return m;
}

// Every answer of `m`, as text.
std::string answers(const Module& m) {
  std::string out;
  for (const char* id : {"a", "b", "c", "d", "zz"}) {
    out += std::string(id) + ":" + (m.find_definition(id) ? m.find_definition(id)->id : "-") + ":";
    for (const Form* f : m.forms_of(id)) out += f->uid + ",";
    const EligibilityRule* r = m.first_eligibility_rule(id);
    out += ":" + (r ? std::to_string(r->id) : std::string("-")) + ";";
  }
  for (const char* uid : {"f1", "f2", "f3", "f4", "f5"}) out += std::string(m.find_form(uid) ? "y" : "n");
  return out;
}

std::string digest_of(const Definition& d) {
  formc::support::Digest digest;
  formc::model::digest(digest, d);
  return digest.hex();
}

}  // namespace

TEST_CASE("Module lookups: the index answers as a scan does") {
  const Module scanned = sample();
  Module indexed = sample();
  indexed.reindex();
  CHECK(answers(indexed) == answers(scanned));
  CHECK(answers(indexed) == "a:a:f1,f3,:2;b:b:f2,:1;c:c::-;d:-::-;zz:-:f4,:-;yyyyn");
  // A copy (or a move) keeps a valid index: it holds positions, not pointers.
  const Module copy = indexed;
  CHECK(answers(copy) == answers(scanned));
  CHECK(copy.find_definition("b") == &copy.definitions[1]);
}

TEST_CASE("Module lookups: a module changed after reindex() is still answered right") {
  Module m = sample();
  m.reindex();
  Form f;
  f.uid = "f5";
  f.definition_id = "c";
  m.forms.push_back(f);
  m.definitions.erase(m.definitions.begin());  // "a"
  CHECK(m.find_form("f5") != nullptr);
  CHECK(m.forms_of("c").size() == 1);
  CHECK(m.find_definition("a") == nullptr);
  CHECK(m.find_definition("c") == &m.definitions[1]);
}

TEST_CASE("model::digest feeds the content of a definition, not its place") {
  Definition a;
  a.id = "api_x";
  a.name = "API X";
  Definition b = a;
  b.span = {3, 10, 20};  // another place in another file
  b.value_spans["name"] = {3, 30, 40};
  CHECK(digest_of(a) == digest_of(b));
  b.name = "API X (bis)";
  CHECK(digest_of(a) != digest_of(b));
  // Values are fed with their lengths: moving a character between two
  // neighbouring strings changes the digest.
  Definition c = a, d = a;
  c.name = "ab";
  c.description = "c";
  d.name = "a";
  d.description = "bc";
  CHECK(digest_of(c) != digest_of(d));
}
