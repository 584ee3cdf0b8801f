// SmtpTransport against a real SMTP server: Debian's python3-aiosmtpd with
// the handler in smtp_sink.py, which decodes each message with Python's
// email package and writes what arrived as JSON. Exits 77 (CTest: skipped)
// only when python3-aiosmtpd is not installed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "notify/smtp_transport.h"
#include "test_support.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using formd::notify::Email;
using formd::notify::SendStatus;
using formd::notify::SmtpTimeouts;
using formd::notify::SmtpTransport;
using formd::notify::testing::TempDir;
using nlohmann::json;

namespace {

// Debian's interpreter: the python3 first on PATH may be another one,
// without Debian's dist-packages.
constexpr const char* kPython = "/usr/bin/python3";
constexpr std::int64_t kFeb1st2024 = 1706778300;  // 2024-02-01T09:05:00Z

bool aiosmtpd_installed() {
  const int status = std::system("/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1");
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// `python3 -m aiosmtpd` on a free port, writing into its own directory;
// stopped (SIGTERM) by stop() or the destructor.
class SmtpServer {
 public:
  SmtpServer() : port_(free_port()) {
    const std::string listen = "127.0.0.1:" + std::to_string(port_);
    const std::string out = received_.path().string();
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setenv("PYTHONPATH", FORMD_NOTIFY_TEST_DIR, 1);
      // -B: no __pycache__ in the source tree; -n: do not setuid to nobody.
      ::execl(kPython, kPython, "-B", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
              "smtp_sink.DirectoryHandler", out.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    REQUIRE(pid_ > 0);
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (!accepts_connections(port_)) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL("aiosmtpd exited at start (status " << status << ")");
      }
      if (std::chrono::steady_clock::now() > deadline) FAIL("aiosmtpd did not listen within 15 s");
      std::this_thread::sleep_for(50ms);
    }
  }
  SmtpServer(const SmtpServer&) = delete;
  SmtpServer& operator=(const SmtpServer&) = delete;
  ~SmtpServer() { stop(); }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  [[nodiscard]] std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // What arrived, in order: one JSON record per accepted message.
  [[nodiscard]] std::vector<json> received() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(received_.path())) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    std::vector<json> records;
    for (const auto& file : files) records.push_back(json::parse(std::ifstream(file)));
    return records;
  }

 private:
  TempDir received_;
  int port_;
  pid_t pid_ = -1;
};

SmtpTransport transport_to(const SmtpServer& server) {
  return SmtpTransport(server.url(), SmtpTimeouts{.connect = 2s, .total = 10s}, [] { return kFeb1st2024; });
}

void check_well_formed(const json& record) {
  INFO(record.dump(2));
  CHECK(record["defects"] == json::array());
  CHECK(record["content_type"] == "text/plain");
  CHECK(record["charset"] == "utf-8");
  CHECK(record["headers"]["MIME-Version"] == "1.0");
  CHECK(record["headers"]["Content-Transfer-Encoding"] == "quoted-printable");
  CHECK(record["headers"]["Auto-Submitted"] == "auto-generated");
  CHECK(record["date_datetime"] == "2024-02-01T09:05:00+00:00");
  const std::string raw = record["raw"];
  for (char c : raw) CHECK(static_cast<unsigned char>(c) < 0x80);
  for (const std::string& line : formd::notify::testing::crlf_lines(raw)) CHECK(line.size() <= 78);
}

}  // namespace

TEST_CASE("three emails arrive exactly as sent", "[smtp-server]") {
  SmtpServer server;
  SmtpTransport transport = transport_to(server);

  const Email first{.from = "notifications@datapass.api.gouv.fr",
                    .to = {"demandeur@example.fr"},
                    .subject = "Votre demande a ete soumise",
                    .text_body = "Bonjour,\n\nVotre demande est soumise.\n",
                    .message_id = "outbox-1@datapass.api.gouv.fr"};
  const Email second{.from = "notifications@datapass.api.gouv.fr",
                     .to = {"demandeur@example.fr", "dpo@mairie-exemple.fr"},
                     .subject = "Votre demande n° 42 « API Particulier » a été validée – prochaine étape",
                     .text_body = "Bonjour Élise,\n\nL’habilitation est délivrée : vous pouvez désormais accéder "
                                  "aux données de l’API Particulier, dans le respect du cadre juridique déclaré.\n"
                                  "\nCordialement,\nL’équipe DataPass\n",
                     .message_id = "outbox-2@datapass.api.gouv.fr"};
  std::string long_subject;
  for (int i = 0; i < 6; ++i) long_subject += "Modifications demandées à votre demande « Cadre juridique » ";
  long_subject += "fin";
  const Email third{.from = "notifications@datapass.api.gouv.fr",
                    .to = {"instructeur@dgfip.finances.gouv.fr"},
                    .subject = long_subject,
                    .text_body = ".\n..deux points\nFrom: pas un en-tête\nespaces en fin   \n" + std::string(200, 'x') +
                                 "\n\nQUIT\n",
                    .message_id = "outbox-3@datapass.api.gouv.fr"};

  for (const Email* email : {&first, &second, &third}) {
    const auto result = transport.send(*email);
    INFO(result.message);
    REQUIRE(result.status == SendStatus::sent);
    CHECK(result.message == "SMTP reply 250: accepted");
  }

  const std::vector<json> received = server.received();
  REQUIRE(received.size() == 3);
  const Email* sent[] = {&first, &second, &third};
  for (std::size_t i = 0; i < 3; ++i) {
    const Email& email = *sent[i];
    const json& record = received[i];
    INFO("email " << i + 1);
    check_well_formed(record);
    CHECK(record["mail_from"] == email.from);
    CHECK(record["rcpt_tos"] == json(email.to));
    CHECK(record["to_addresses"] == json(email.to));
    CHECK(record["headers"]["From"] == email.from);
    CHECK(record["headers"]["Subject"] == email.subject);
    CHECK(record["headers"]["Message-ID"] == "<" + email.message_id + ">");
    CHECK(record["body"] == email.text_body);
  }
}

TEST_CASE("a refused recipient fails the whole email permanently, nothing is delivered", "[smtp-server]") {
  SmtpServer server;
  SmtpTransport transport = transport_to(server);
  Email email{.from = "notifications@datapass.api.gouv.fr",
              .to = {"demandeur@example.fr", "refuse@example.fr"},
              .subject = "Test",
              .text_body = "Bonjour\n",
              .message_id = "outbox-9@datapass.api.gouv.fr"};
  const auto result = transport.send(email);
  INFO(result.message);
  CHECK(result.status == SendStatus::permanent_failure);
  CHECK(result.message.starts_with("SMTP reply 550: "));
  CHECK(server.received().empty());
}

TEST_CASE("a 4xx reply is a temporary failure", "[smtp-server]") {
  SmtpServer server;
  SmtpTransport transport = transport_to(server);
  Email email{.from = "notifications@datapass.api.gouv.fr",
              .to = {"later@example.fr"},
              .subject = "Test",
              .text_body = "Bonjour\n",
              .message_id = "outbox-10@datapass.api.gouv.fr"};
  const auto result = transport.send(email);
  INFO(result.message);
  CHECK(result.status == SendStatus::temporary_failure);
  CHECK(result.message.starts_with("SMTP reply 451: "));
  CHECK(server.received().empty());
}

TEST_CASE("credentials over smtp:// are never sent without STARTTLS", "[smtp-server]") {
  SmtpServer server;  // aiosmtpd without a certificate offers no STARTTLS
  const std::string url = "smtp://formd:secret@" + server.url().substr(std::string("smtp://").size());
  SmtpTransport transport(url, SmtpTimeouts{.connect = 2s, .total = 10s}, [] { return kFeb1st2024; });
  Email email{.from = "notifications@datapass.api.gouv.fr",
              .to = {"demandeur@example.fr"},
              .subject = "Test",
              .text_body = "Bonjour\n",
              .message_id = "outbox-11@datapass.api.gouv.fr"};
  const auto result = transport.send(email);
  INFO(result.message);
  CHECK(result.status == SendStatus::temporary_failure);
  CHECK(result.message.find("check the SMTP configuration") != std::string::npos);
  CHECK(result.message.find("secret") == std::string::npos);
  CHECK(server.received().empty());
}

TEST_CASE("with the server stopped, sending is a temporary failure, quickly", "[smtp-server]") {
  SmtpServer server;
  SmtpTransport transport = transport_to(server);
  Email email{.from = "notifications@datapass.api.gouv.fr",
              .to = {"demandeur@example.fr"},
              .subject = "Avant l’arrêt",
              .text_body = "Bonjour\n",
              .message_id = "outbox-12@datapass.api.gouv.fr"};
  REQUIRE(transport.send(email).status == SendStatus::sent);
  server.stop();
  email.message_id = "outbox-13@datapass.api.gouv.fr";
  const auto start = std::chrono::steady_clock::now();
  const auto result = transport.send(email);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  INFO(result.message);
  CHECK(result.status == SendStatus::temporary_failure);
  CHECK(elapsed < 3s);  // connection refused: no wait; the connect timeout (2 s) bounds it anyway
  CHECK(server.received().size() == 1);
}

int main(int argc, char* argv[]) {
  if (!aiosmtpd_installed()) {
    std::cout << "SKIP: python3-aiosmtpd is not installed (" << kPython << " -m aiosmtpd); apt-get install python3-aiosmtpd\n";
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
