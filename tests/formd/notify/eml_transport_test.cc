// EmlDirectoryTransport: one complete 0600 file per email, written
// atomically, nothing left behind when it fails.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "notify/eml_directory_transport.h"
#include "test_support.h"

namespace fs = std::filesystem;
using formd::notify::EmlDirectoryTransport;
using formd::notify::Email;
using formd::notify::render_rfc5322;
using formd::notify::SendStatus;
using formd::notify::testing::TempDir;

namespace {

constexpr std::int64_t kFeb1st2024 = 1706778300;  // 2024-02-01T09:05:00Z

Email sample(std::string id = "outbox-42@datapass.api.gouv.fr") {
  return Email{.from = "notifications@datapass.api.gouv.fr",
               .to = {"demandeur@example.fr"},
               .subject = "Votre demande a été soumise",
               .text_body = "Bonjour,\nmerci.\n",
               .message_id = std::move(id)};
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::vector<std::string> names_in(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  REQUIRE(::stat(path.c_str(), &info) == 0);
  return info.st_mode & 07777;
}

}  // namespace

TEST_CASE("an email becomes one complete .eml file, mode 0600, named by time and Message-ID", "[eml]") {
  TempDir temp;
  EmlDirectoryTransport transport(temp.path(), [] { return kFeb1st2024; });
  const auto result = transport.send(sample());
  CHECK(result.status == SendStatus::sent);
  const fs::path file = temp.path() / "20240201T090500Z-outbox-42_datapass.api.gouv.fr.eml";
  CHECK(result.message == "written to " + file.string());
  CHECK(names_in(temp.path()) == std::vector<std::string>{file.filename().string()});
  CHECK(read_file(file) == render_rfc5322(sample(), kFeb1st2024));
  CHECK(mode_of(file) == 0600);
}

TEST_CASE("the file is 0600 whatever the umask", "[eml]") {
  TempDir temp;
  EmlDirectoryTransport transport(temp.path(), [] { return kFeb1st2024; });
  const mode_t previous = ::umask(0);
  const auto result = transport.send(sample());
  ::umask(previous);
  REQUIRE(result.status == SendStatus::sent);
  CHECK(mode_of(temp.path() / EmlDirectoryTransport::file_name(kFeb1st2024, sample().message_id)) == 0600);
}

TEST_CASE("a missing directory is created 0700", "[eml]") {
  TempDir temp;
  const fs::path directory = temp.path() / "data" / "emails";
  EmlDirectoryTransport transport(directory, [] { return kFeb1st2024; });
  CHECK(fs::is_directory(directory));
  CHECK(mode_of(directory) == 0700);
  CHECK(transport.send(sample()).status == SendStatus::sent);
}

TEST_CASE("a path that is a file is refused at construction", "[eml]") {
  TempDir temp;
  std::ofstream(temp.path() / "file") << "x";
  CHECK_THROWS_AS(EmlDirectoryTransport(temp.path() / "file"), fs::filesystem_error);
}

TEST_CASE("file names keep only safe characters of the Message-ID", "[eml]") {
  CHECK(EmlDirectoryTransport::file_name(0, "a/../b@x.fr") == "19700101T000000Z-a_.._b_x.fr.eml");
  CHECK(EmlDirectoryTransport::file_name(kFeb1st2024, "x{y}$z@h") == "20240201T090500Z-x_y__z_h.eml");
  const std::string name = EmlDirectoryTransport::file_name(kFeb1st2024, std::string(300, 'a') + "@h");
  CHECK(name == "20240201T090500Z-" + std::string(100, 'a') + ".eml");
}

TEST_CASE("an invalid email is a permanent failure and writes nothing", "[eml]") {
  TempDir temp;
  EmlDirectoryTransport transport(temp.path(), [] { return kFeb1st2024; });
  Email email = sample();
  email.subject = "Objet\r\nBcc: victime@example.com";
  const auto result = transport.send(email);
  CHECK(result.status == SendStatus::permanent_failure);
  CHECK(result.message.find("victime") == std::string::npos);
  CHECK(names_in(temp.path()).empty());
}

TEST_CASE("a failed write is temporary and leaves no temporary file", "[eml]") {
  TempDir temp;
  EmlDirectoryTransport transport(temp.path(), [] { return kFeb1st2024; });
  // The final name is taken by a directory: the rename fails after the
  // temporary file was written and synced.
  const std::string name = EmlDirectoryTransport::file_name(kFeb1st2024, sample().message_id);
  fs::create_directory(temp.path() / name);
  const auto result = transport.send(sample());
  CHECK(result.status == SendStatus::temporary_failure);
  CHECK(result.message.find("cannot rename") != std::string::npos);
  CHECK(names_in(temp.path()) == std::vector<std::string>{name});
  CHECK(fs::is_empty(temp.path() / name));
}

TEST_CASE("a directory removed after construction is a temporary failure", "[eml]") {
  TempDir temp;
  const fs::path directory = temp.path() / "emails";
  EmlDirectoryTransport transport(directory, [] { return kFeb1st2024; });
  fs::remove(directory);
  const auto result = transport.send(sample());
  CHECK(result.status == SendStatus::temporary_failure);
  CHECK(result.message.find("cannot create a file in") != std::string::npos);
}

TEST_CASE("the same email in the same second replaces its file, later ones sort after", "[eml]") {
  TempDir temp;
  std::int64_t now = kFeb1st2024;
  EmlDirectoryTransport transport(temp.path(), [&now] { return now; });
  REQUIRE(transport.send(sample()).status == SendStatus::sent);
  REQUIRE(transport.send(sample()).status == SendStatus::sent);
  CHECK(names_in(temp.path()).size() == 1);
  now += 61;
  REQUIRE(transport.send(sample("outbox-43@datapass.api.gouv.fr")).status == SendStatus::sent);
  CHECK(names_in(temp.path()) ==
        std::vector<std::string>{"20240201T090500Z-outbox-42_datapass.api.gouv.fr.eml",
                                 "20240201T090601Z-outbox-43_datapass.api.gouv.fr.eml"});
}

TEST_CASE("threads sending at once each get their complete file", "[eml]") {
  TempDir temp;
  EmlDirectoryTransport transport(temp.path(), [] { return kFeb1st2024; });
  std::atomic<int> sent{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        const auto id = "m" + std::to_string(t) + "-" + std::to_string(i) + "@datapass.api.gouv.fr";
        if (transport.send(sample(id)).status == SendStatus::sent) ++sent;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(sent == 80);
  const auto names = names_in(temp.path());
  REQUIRE(names.size() == 80);
  for (const std::string& name : names) {
    INFO(name);
    CHECK(name.ends_with(".eml"));
    const std::string content = read_file(temp.path() / name);
    CHECK(content.starts_with("Date: "));
    CHECK(content.ends_with("merci.\r\n"));
  }
}
