#include "gen/manifest.h"

#include <nlohmann/json.hpp>

#include "gen/paths.h"

namespace formc::gen {

void add_manifest(const model::Module& module, OutputSet& out) {
  add_manifest(module, [&](const std::string& path) { return out.contains(path); }, out);
}

void add_manifest(const model::Module& module, const std::function<bool(const std::string&)>& exists, OutputSet& out) {
  using json = nlohmann::ordered_json;
  auto present = [&](const std::string& path) { return exists(path) ? json(path) : json(nullptr); };
  json forms = json::array();
  for (const auto& form : module.forms) {
    const model::Definition* def = module.find_definition(form.definition_id);
    if (!def) continue;
    json f;
    f["uid"] = form.uid;
    f["definition"] = def->id;
    f["name"] = form.name.value_or(def->name);
    f["schema"] = present(paths::schema(form.uid));
    json steps = json::object();
    const auto& step_names = form.steps;
    if (!step_names.empty()) {
      for (const auto& s : step_names) {
        if (exists(paths::html_step(form.uid, s.value))) steps[s.value] = paths::html_step(form.uid, s.value);
      }
    } else {
      for (const auto& b : def->block_names) {
        if (exists(paths::html_step(form.uid, b.value))) steps[b.value] = paths::html_step(form.uid, b.value);
      }
    }
    json html;
    html["steps"] = steps;
    html["summary"] = present(paths::html_summary(form.uid));
    html["submit"] = present(paths::html_submit(form.uid));
    html["eligibility"] = present(paths::html_eligibility(def->id));
    f["html"] = html;
    f["cpp"] = json{{"header", present(paths::cpp_header(def->provider, def->id))},
                    {"source", present(paths::cpp_source(def->provider, def->id))}};
    forms.push_back(std::move(f));
  }
  json root;
  root["forms"] = forms;
  out.add(std::string(paths::kManifest), root.dump(2) + "\n");
}

}  // namespace formc::gen
