#include "http/json_body.h"

namespace formd::http {

namespace {

using Json = nlohmann::json;

// nlohmann's DOM builder, with a depth bound checked at every container start.
class BoundedDomSax {
 public:
  BoundedDomSax(Json& root, std::size_t max_depth) : dom_(root, /*allow_exceptions=*/false), max_depth_(max_depth) {}

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(Json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(Json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(Json::number_float_t v, const Json::string_t& s) { return dom_.number_float(v, s); }
  bool string(Json::string_t& v) { return dom_.string(v); }
  bool binary(Json::binary_t& v) { return dom_.binary(v); }
  bool key(Json::string_t& v) { return dom_.key(v); }
  bool start_object(std::size_t n) { return enter() && dom_.start_object(n); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return enter() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t position, const std::string&, const Exception& e) {
    error_position_ = position;
    out_of_range_ = std::is_same_v<Exception, nlohmann::detail::out_of_range>;
    static_cast<void>(e);
    return false;
  }

  [[nodiscard]] std::string error() const {
    if (too_deep_) {
      return "JSON trop profond : au plus " + std::to_string(max_depth_) + " niveaux de tableaux et d’objets imbriqués.";
    }
    if (out_of_range_) return "JSON invalide : nombre hors limites (octet " + std::to_string(error_position_) + ").";
    return "JSON invalide à l’octet " + std::to_string(error_position_) + ".";
  }

 private:
  bool enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<Json> dom_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
  bool too_deep_ = false;
  bool out_of_range_ = false;
  std::size_t error_position_ = 0;
};

}  // namespace

ParsedJson parse_json(std::string_view text, std::size_t max_depth) {
  ParsedJson out;
  Json root;
  BoundedDomSax sax(root, max_depth);
  if (Json::sax_parse(text, &sax, Json::input_format_t::json, /*strict=*/true)) {
    out.value = std::move(root);
  } else {
    out.error = sax.error();
  }
  // A partial tree is destroyed here; nlohmann's destructor is iterative,
  // and the depth bound keeps it shallow anyway.
  return out;
}

}  // namespace formd::http
