// Printer: writes generated C++ with $variable$ substitution and indentation
// (after protoc's io::Printer).
//
// Contract: print() appends text; at the start of every non-empty line it
// adds the current indentation (two spaces per level). `$name$` is replaced by
// the value of `name` in `vars` (a multi-line value continues at the same
// indentation); `$$` is a literal dollar. An unknown variable is a bug in the
// generator and asserts. emit() takes a raw-string template written at any
// indentation in the generator's source, strips the common leading
// indentation and a leading newline, and ends it with a newline.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace formc::gen::cpp {

class Printer {
 public:
  using Vars = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  explicit Printer(std::string& out) : out_(out) {}
  Printer(const Printer&) = delete;
  Printer& operator=(const Printer&) = delete;

  void print(std::string_view text, Vars vars = {});
  void emit(Vars vars, std::string_view templ);
  void emit(std::string_view templ) { emit({}, templ); }
  // One line (a newline is added).
  void line(std::string_view text, Vars vars = {});
  void blank_line();

  class Indent {
   public:
    explicit Indent(Printer& p, int levels) : p_(p), levels_(levels) { p_.level_ += levels_; }
    ~Indent() { p_.level_ -= levels_; }
    Indent(const Indent&) = delete;
    Indent& operator=(const Indent&) = delete;

   private:
    Printer& p_;
    int levels_;
  };
  [[nodiscard]] Indent indent(int levels = 1) { return Indent(*this, levels); }

 private:
  void put_char(char c);
  void put_text(std::string_view text);

  std::string& out_;
  int level_ = 0;
  bool at_line_start_ = true;
};

}  // namespace formc::gen::cpp
