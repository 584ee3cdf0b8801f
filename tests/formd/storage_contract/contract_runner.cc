// The storage contract's registry: every (backend, case) pair becomes one
// Catch test case, "<backend>: <case>", whichever of the backend files and
// the case files is initialised first.
#include "contract.h"

#include <sstream>
#include <stdexcept>
#include <vector>

namespace formd::storage::contract {

namespace {

struct CaseInfo {
  std::string name;
  Needs needs = Needs::OneStore;
  CaseBody body = nullptr;
  const char* file = "";
  std::size_t line = 0;
};

// Function-local statics: usable from the static initialisers of any file.
struct Registry {
  std::vector<CaseInfo> cases;
  std::vector<std::shared_ptr<const ContractBackend>> backends;
};

Registry& registry() {
  static Registry instance;
  return instance;
}

// One fresh database, store and clock per run; end_case once the stores are gone.
void run_case(const ContractBackend& backend, const CaseInfo& info) {
  struct EndCase {
    const ContractBackend& backend;
    ~EndCase() {
      if (backend.end_case) backend.end_case();
    }
  } end_case{backend};
  auto clock = std::make_shared<ManualClock>(kStartTime);
  Database database(backend, clock);
  std::unique_ptr<Store> store = backend.open_fresh(clock);
  REQUIRE(store != nullptr);
  info.body(*store, *clock, database);
}

class Invoker final : public Catch::ITestInvoker {
 public:
  Invoker(std::shared_ptr<const ContractBackend> backend, CaseInfo info)
      : backend_(std::move(backend)), info_(std::move(info)) {}
  void invoke() const override { run_case(*backend_, info_); }

 private:
  std::shared_ptr<const ContractBackend> backend_;
  CaseInfo info_;
};

void register_test(const std::shared_ptr<const ContractBackend>& backend, const CaseInfo& info) {
  if (info.needs == Needs::SecondConnection && !backend->open_second) return;
  const std::string name = backend->name + ": " + info.name;
  const std::string tags = "[storage_contract][" + backend->name + "]";
  // Catch copies the name and tags, and owns the invoker.
  const Catch::AutoReg registration(new Invoker(backend, info), Catch::SourceLineInfo(info.file, info.line),
                                    Catch::StringRef(), Catch::NameAndTags(name, tags));
}

// A name CTest can carry as one test: no ';' (its list separator), nothing
// Catch would read as a tag.
void check_name(const std::string& name, const char* what) {
  if (name.empty() || name.find_first_of(";[]") != std::string::npos) {
    throw std::logic_error(std::string("storage contract: invalid ") + what + " name '" + name + "'");
  }
}

}  // namespace

RegisterBackend::RegisterBackend(ContractBackend backend) {
  check_name(backend.name, "backend");
  if (!backend.open_fresh) throw std::logic_error("storage contract: backend '" + backend.name + "' has no open_fresh");
  auto& r = registry();
  for (const auto& known : r.backends) {
    if (known->name == backend.name) throw std::logic_error("storage contract: backend '" + backend.name + "' twice");
  }
  auto shared = std::make_shared<const ContractBackend>(std::move(backend));
  r.backends.push_back(shared);
  for (const auto& info : r.cases) register_test(shared, info);
}

RegisterCase::RegisterCase(std::string name, Needs needs, CaseBody body, const char* file, std::size_t line) {
  check_name(name, "case");
  auto& r = registry();
  for (const auto& known : r.cases) {
    if (known.name == name) throw std::logic_error("storage contract: case '" + name + "' twice");
  }
  r.cases.push_back(CaseInfo{std::move(name), needs, body, file, line});
  for (const auto& backend : r.backends) register_test(backend, r.cases.back());
}

std::unique_ptr<Store> Database::open_second() const {
  // Cross-connection cases are registered only for backends that have it.
  if (!backend_.open_second) throw std::logic_error("storage contract: backend '" + backend_.name + "' has no open_second");
  auto store = backend_.open_second(clock_);
  if (!store) throw std::logic_error("storage contract: open_second of '" + backend_.name + "' returned no store");
  return store;
}

std::string footprint(Store& store, std::int64_t request_id) {
  std::ostringstream out;
  const auto request = store.find_request_by_id(request_id);
  if (!request) {
    out << "no request " << request_id;
  } else {
    out << "request " << request->id << " v" << request->version << " " << domain::to_string(request->state)
        << " data=" << request->data_json << " updated_at=" << request->updated_at
        << " submitted_at=" << (request->submitted_at ? std::to_string(*request->submitted_at) : "-")
        << " submitted_data=" << request->submitted_data_json.value_or("-")
        << " reopened_at=" << (request->reopened_at ? std::to_string(*request->reopened_at) : "-")
        << " next_stage_from=" << (request->next_stage_from ? std::to_string(*request->next_stage_from) : "-")
        << " form=" << request->form_uid << "/" << request->definition_id << "/" << request->definition_hash
        << " applicant=" << request->user_id << "@" << request->organization_siret;
  }
  const auto events = store.events_of(request_id);
  out << "; events=" << events.size();
  if (!events.empty()) out << " newest=" << events.front().name;
  const auto habilitations = store.habilitations_of(request_id);
  out << "; habilitations=" << habilitations.size();
  for (const auto& h : habilitations) {
    out << " H" << h.id << ":" << domain::to_string(h.state) << ":" << h.applicant_user_id << "@" << h.organization_siret;
  }
  out << "; due outbox=" << store.due_outbox(1000).size();
  return out.str();
}

}  // namespace formd::storage::contract
