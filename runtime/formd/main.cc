// formd: hosts the forms formc compiles. See README.md ("formd") and server/app.h.
#include <malloc.h>

#include <csignal>
#include <sys/socket.h>
#include <filesystem>
#include <fstream>
#include <cctype>
#include <iostream>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <CLI/CLI.hpp>
#include <httplib.h>

#include "catalog/catalog_source.h"
#include "cli/roles_command.h"
#include "documents/gc_command.h"
#include "formc_registry.h"
#include "http/strict_server.h"
#include "notify/address.h"
#include "notify/eml_directory_transport.h"
#include "notify/outbox_worker.h"
#include "notify/smtp_transport.h"
#include "server/app.h"
#include "storage/sqlite_store.h"

namespace {

// Stops the server on SIGINT/SIGTERM: the signals are blocked in every thread
// and a dedicated thread waits for them, so no work happens in a signal handler.
// Purges expired sessions every `interval` until `stop` is set (a failure is
// logged and retried at the next round: the database may be busy).
std::thread purge_sessions_every(formd::App& app, std::chrono::seconds interval, std::atomic<bool>& stop) {
  return std::thread([&app, interval, &stop] {
    auto next = std::chrono::steady_clock::now() + interval;
    while (!stop) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (std::chrono::steady_clock::now() < next) continue;
      next += interval;
      try {
        if (const auto purged = app.purge_expired_sessions()) std::cerr << "formd: purged " << purged << " expired sessions\n";
      } catch (const std::exception& e) {
        std::cerr << "formd: purging expired sessions: " << e.what() << "\n";
      }
    }
  });
}

// --public-url: http(s)://host[:port][/path], printable ASCII without
// spaces, query or fragment (it starts every link of every email).
std::string check_public_url(std::string& given) {
  std::string url = given;  // a trailing "/" is fine: the links drop it
  while (url.size() > 1 && url.back() == '/') url.pop_back();
  const bool scheme = url.starts_with("http://") || url.starts_with("https://");
  const auto host_at = url.find("://") + 3;
  bool clean = scheme && url.size() > host_at && url[host_at] != '/';
  for (const char c : url) clean = clean && c > 0x20 && c < 0x7f && c != '?' && c != '#' && c != '\\';
  return clean ? "" : "adresse attendue de la forme http(s)://hôte[:port][/chemin], sans espace, « ? » ni « # »";
}

std::thread stop_on_signals(httplib::Server& server, sigset_t signals) {
  return std::thread([&server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    std::cerr << "formd: stopping\n";
    server.stop();
  });
}

}  // namespace

int main(int argc, char** argv) {
  // Request bodies and answers reach 1 MiB. glibc raises its mmap threshold
  // each time such a block is freed, after which they come from the arenas
  // of formd's 64 threads and stay there: fixed at 256 KiB, large blocks are
  // always mapped, and given back to the system when freed.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  CLI::App cli{"formd — serveur des formulaires DataPass compilés par formc.\n"
               "Sert le catalogue, le questionnaire d’éligibilité, le parcours de demande, l’aperçu des "
               "fournisseurs (/preview/<uid>) et l’API JSON (/api/v1, /healthz).",
               "formd"};
  int port = 8080;
  std::string host = "127.0.0.1";
  std::string data_dir = "data";
  bool dev = false;
  std::string definitions = FORMD_DEFAULT_DEFINITIONS;
  std::string library;
  std::string assets = FORMD_DEFAULT_ASSETS;
  long session_ttl = 8 * 3600;
  long purge_interval = 600;
  bool dev_login = false;
  std::string smtp_url;
  std::string mail_from = "ne-pas-repondre@localhost";
  std::string public_url;
  long mail_retry_delay = 30;
  cli.add_option("--port", port, "Port TCP d’écoute")->capture_default_str()->check(CLI::Range(0, 65535));
  cli.add_option("--host", host, "Adresse d’écoute (boucle locale par défaut)")->capture_default_str();
  cli.add_option("--data", data_dir, "Répertoire de données : contient la base SQLite formd.sqlite3 (créé au besoin)")
      ->capture_default_str();
  cli.add_flag("--dev", dev,
               "Mode développement : recharge les définitions depuis le disque à chaque modification, par "
               "l’interpréteur de formc (sans redémarrage ni recompilation) ; la validation passe par l’interpréteur");
  cli.add_option("--definitions", definitions,
                 "Répertoire des définitions ; s’il contient library/, c’est sa bibliothèque de blocs qui est utilisée")
      ->capture_default_str();
  cli.add_option("--library", library,
                 "Répertoire de la bibliothèque de blocs (par défaut : le library/ des définitions, sinon celle de formc)");
  cli.add_option("--assets", assets, "Répertoire de la distribution DSFR (npm @gouvfr/dsfr, dist/)")->capture_default_str();
  cli.add_option("--session-ttl", session_ttl, "Durée de vie d’une session, en secondes")
      ->capture_default_str()
      ->check(CLI::Range(1L, 30L * 24 * 3600));
  cli.add_option("--session-purge-interval", purge_interval,
                 "Intervalle de purge des sessions expirées, en secondes")
      ->capture_default_str()
      ->check(CLI::Range(1L, 24L * 3600));
  cli.add_flag("--dev-login", dev_login,
               "Connexion de développement (/connexion, POST /api/v1/session) : n’importe qui se connecte avec "
               "n’importe quelle adresse et n’importe quel SIRET. À n’utiliser qu’en local ; sans ce drapeau, ces "
               "adresses répondent 404");
  cli.add_option("--smtp-url", smtp_url,
                 "Serveur SMTP qui reçoit les emails : smtp://hôte:port (smtps:// pour TLS implicite, "
                 "smtp://utilisateur:mot-de-passe@hôte:port exige STARTTLS). Sans cette option, chaque email est "
                 "écrit en fichier .eml dans <data>/emails/")
      ->check(CLI::Validator(
          [](std::string& url) {
            try {
              formd::notify::SmtpTransport check(url);
              return std::string();
            } catch (const std::invalid_argument& e) {
              return std::string("URL SMTP invalide (") + e.what() + ")";
            }
          },
          "URL", "smtp-url"));
  cli.add_option("--mail-from", mail_from, "Adresse d’expédition des emails (adresse seule, sans nom affiché)")
      ->capture_default_str()
      ->check(CLI::Validator(
          [](std::string& address) {
            return formd::notify::is_valid_address(address) ? std::string() : std::string("adresse email invalide");
          },
          "ADRESSE", "mail-from"));
  cli.add_option("--public-url", public_url,
                 "Adresse publique de formd, qui commence les liens des emails (par défaut http://localhost:<port>)")
      ->check(CLI::Validator(check_public_url, "URL", "public-url"));
  cli.add_option("--mail-retry-delay", mail_retry_delay,
                 "Attente avant de réessayer un email que le serveur SMTP n’a pas pris, en secondes ; doublée à "
                 "chaque nouvel essai (au plus 1 h), abandon après 10 essais")
      ->capture_default_str()
      ->check(CLI::Range(1L, 3600L));
  // ProConnect (issue 13): the OpenID Connect login, also from the
  // environment (FORMD_OIDC_*) or a configuration file (--config).
  std::string oidc_issuer, oidc_client_id, oidc_client_secret_file;
  long session_idle = 2 * 3600;
  cli.set_config("--config", "", "Fichier de configuration (TOML ou INI : une ligne nom = valeur par option longue)");
  auto* oidc_issuer_option =
      cli.add_option("--oidc-issuer", oidc_issuer,
                     "Émetteur OpenID Connect de ProConnect (intégration : https://fca.integ01.dev-agentconnect.fr/api/v2, "
                     "production : https://auth.agentconnect.gouv.fr/api/v2) ; active « S’identifier avec ProConnect »")
          ->envname("FORMD_OIDC_ISSUER");
  auto* oidc_client_option =
      cli.add_option("--oidc-client-id", oidc_client_id, "Identifiant client ProConnect de formd")->envname("FORMD_OIDC_CLIENT_ID");
  auto* oidc_secret_option =
      cli.add_option("--oidc-client-secret-file", oidc_client_secret_file,
                     "Fichier contenant le secret client ProConnect (jamais sur la ligne de commande)")
          ->envname("FORMD_OIDC_CLIENT_SECRET_FILE");
  oidc_issuer_option->needs(oidc_client_option)->needs(oidc_secret_option);
  oidc_client_option->needs(oidc_issuer_option);
  oidc_secret_option->needs(oidc_issuer_option);
  cli.add_option("--session-idle", session_idle, "Une session inutilisée pendant cette durée, en secondes, prend fin (0 : jamais)")
      ->capture_default_str()
      ->check(CLI::Range(0L, 30L * 24 * 3600));
  // formd roles grant|revoke|list: see cli/roles_command.h.
  formd::cli::RolesCommand roles_command;
  auto* roles = cli.add_subcommand("roles", "Gère les rôles des utilisateurs (format DataPass : "
                                            "<fournisseur>:<définition>:<rôle>, <fournisseur>:*:<rôle>, admin)");
  roles->require_subcommand(1);
  auto* grant = roles->add_subcommand("grant", "Accorde un rôle (l’utilisateur est créé s’il ne s’est jamais connecté)");
  auto* revoke = roles->add_subcommand("revoke", "Retire un rôle");
  auto* list = roles->add_subcommand("list", "Liste les rôles accordés");
  for (auto* verb : {grant, revoke, list}) {
    verb->add_option("--data", roles_command.data_dir, "Répertoire de données de formd")->capture_default_str();
  }
  for (auto* verb : {grant, revoke}) {
    verb->add_option("email", roles_command.email, "Adresse électronique de l’utilisateur")->required();
    verb->add_option("role", roles_command.role, "Rôle, par exemple ans:api_pro_sante_connect:instructor")->required();
  }
  formd::cli::GcCommand gc_command;
  auto* gc = cli.add_subcommand("gc", "Supprime les fichiers de documents qu’aucune demande ni habilitation ne référence");
  gc->add_option("--data", gc_command.data_dir, "Répertoire de données de formd")->capture_default_str();
  gc->add_option("--min-age", gc_command.min_age_seconds,
                 "Âge minimal, en secondes, d’un fichier pour être supprimé (un envoi en cours est épargné)")
      ->capture_default_str()
      ->check(CLI::Range(0L, 365L * 24 * 3600));
  std::size_t max_upload_bytes = 64u << 20;
  cli.add_option("--max-upload-bytes", max_upload_bytes,
                 "Taille maximale du corps d’un envoi de documents, en octets (chaque champ a aussi sa propre limite)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 40));
  CLI11_PARSE(cli, argc, argv);
  if (*gc) return formd::cli::run_gc_command(gc_command, std::cout, std::cerr);
  if (*roles) {
    roles_command.verb = *grant ? formd::cli::RolesVerb::Grant
                         : *revoke ? formd::cli::RolesVerb::Revoke
                                   : formd::cli::RolesVerb::List;
    return formd::cli::run_roles_command(roles_command, std::cout, std::cerr);
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  formd::catalog::LoadOptions load;
  load.definitions_dir = definitions;
  load.library_dir = library;
  load.validator = dev ? formd::catalog::ValidatorKind::Interpreted : formd::catalog::ValidatorKind::Compiled;
  load.registry = formc_generated::registry();
  std::string error;
  auto catalogs = formd::catalog::CatalogSource::open(load, dev, std::chrono::milliseconds(200), error);
  if (!catalogs) {
    std::cerr << "formd: error: " << error << "\n";
    return 1;
  }

  std::unique_ptr<formd::storage::SqliteStore> store;
  try {
    store = formd::storage::SqliteStore::open(data_dir);
  } catch (const formd::storage::StorageError& e) {
    std::cerr << "formd: error: " << e.what() << "\n";
    return 1;
  }

  formd::AppOptions options;
  options.assets_dir = assets;
  options.session_ttl_seconds = session_ttl;
  options.dev_login = dev_login;
  options.documents_dir = (std::filesystem::path(data_dir) / "documents").string();
  options.max_upload_bytes = max_upload_bytes;
  options.public_url = public_url.empty() ? "http://localhost:" + std::to_string(port) : public_url;
  options.session_idle_seconds = session_idle;
  if (!oidc_issuer.empty()) {
    std::ifstream secret_file(oidc_client_secret_file);
    std::string secret((std::istreambuf_iterator<char>(secret_file)), std::istreambuf_iterator<char>());
    while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
    if (!secret_file || secret.empty()) {
      std::cerr << "formd: error: --oidc-client-secret-file " << oidc_client_secret_file << " : fichier illisible ou vide\n";
      return 1;
    }
    formd::auth::oidc::RelyingPartyConfig oidc;
    oidc.issuer = oidc_issuer;
    oidc.client_id = oidc_client_id;
    oidc.client_secret = secret;
    oidc.redirect_uri = options.public_url + "/auth/proconnect/callback";
    options.proconnect = std::make_shared<formd::auth::oidc::RelyingParty>(oidc);
    std::cerr << "formd: ProConnect login through " << oidc_issuer << ", callback " << oidc.redirect_uri << "\n";
  }
  std::unique_ptr<formd::App> app_holder;
  try {
    app_holder = std::make_unique<formd::App>(*catalogs, *store, options);
  } catch (const formd::storage::StorageError& e) {
    std::cerr << "formd: error: " << e.what() << "\n";
    return 1;
  }
  formd::App& app = *app_holder;

  // Emails: use cases commit them to the outbox; this worker sends them,
  // over SMTP with --smtp-url, else as .eml files under <data>/emails/.
  std::unique_ptr<formd::notify::MailTransport> transport;
  std::string mail_destination;
  try {
    if (!smtp_url.empty()) {
      auto smtp = std::make_unique<formd::notify::SmtpTransport>(smtp_url);
      mail_destination = "sent to " + smtp->redacted_url();
      transport = std::move(smtp);
    } else {
      auto eml = std::make_unique<formd::notify::EmlDirectoryTransport>(std::filesystem::path(data_dir) / "emails");
      mail_destination = "written as .eml files in " + std::filesystem::absolute(eml->directory()).string() +
                         " (no --smtp-url)";
      transport = std::move(eml);
    }
  } catch (const std::exception& e) {
    std::cerr << "formd: error: emails: " << e.what() << "\n";
    return 1;
  }
  const formd::storage::SystemClock mail_clock;
  formd::notify::OutboxWorkerOptions mail_options;
  mail_options.mail_from = mail_from;
  mail_options.retry.first_delay = std::chrono::seconds(mail_retry_delay);
  formd::notify::OutboxWorker mailer(*store, *transport, mail_clock, mail_options,
                                     [](std::string_view line) { std::cerr << "formd: " << line << "\n"; });
  // Strict framing, bounded request heads, idle keep-alive connections
  // closed after 5 s. Slow clients are nginx's job in the supported
  // deployment (README "Deployment"): a thread serves one connection here.
  formd::http::StrictServer server;
  // cpp-httplib's defaults are tuned for tiny embedded servers (measured with
  // tests/bench/bench_formd.sh): without TCP_NODELAY every keep-alive
  // response waits ~40 ms for the client's delayed ACK (headers and body go
  // out in two writes); 5 requests per connection and 8 threads make loaded
  // clients reconnect and queue. A pool thread serves one keep-alive
  // connection at a time, so the pool is sized for many open connections
  // (idle threads cost only their stacks).
  server.set_tcp_nodelay(true);
  server.new_task_queue = [] {
    return new httplib::ThreadPool(std::max(64u, 16 * std::thread::hardware_concurrency()));
  };
  // SO_REUSEADDR only: cpp-httplib also sets SO_REUSEPORT, which would let a
  // second formd bind the same port and silently take half the connections.
  server.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  if (!app.install(server)) {
    std::cerr << "formd: error: DSFR assets not found in " << assets
              << " (run scripts/setup.sh, or pass --assets <node_modules/@gouvfr/dsfr/dist>)\n";
    return 1;
  }
  if (!server.bind_to_port(host, port)) {
    std::cerr << "formd: error: cannot listen on " << host << ":" << port << "\n";
    return 1;
  }
  const auto catalog = catalogs->current();
  std::cerr << "formd: listening on http://" << host << ":" << port << " (" << catalog->module().definitions.size()
            << " definitions, " << catalog->forms().size() << " forms, "
            << (dev ? "dev mode: interpreter, reload on change" : "compiled validators") << ", data in "
            << std::filesystem::absolute(data_dir).string() << ")\n";
  std::cerr << "formd: emails " << mail_destination << ", from " << mail_from << ", links to " << options.public_url
            << "\n";
  if (dev_login) std::cerr << "formd: --dev-login: anyone can sign in as any email and SIRET (development only)\n";
  std::thread stopper = stop_on_signals(server, signals);
  std::atomic<bool> stop_purging{false};
  std::thread purger = purge_sessions_every(app, std::chrono::seconds(purge_interval), stop_purging);
  mailer.start();
  server.listen_after_bind();
  stop_purging = true;
  purger.join();
  mailer.stop();  // after the send in progress, if any (bounded by the SMTP timeouts)
  if (stopper.joinable()) {
    // listen ended on its own (not by a signal): wake the waiting thread.
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
  }
  return 0;
}
