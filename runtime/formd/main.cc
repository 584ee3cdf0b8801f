// formd: hosts the forms formc compiles. See README.md ("formd") and server/app.h.
#include <csignal>
#include <sys/socket.h>
#include <filesystem>
#include <iostream>
#include <algorithm>
#include <thread>

#include <CLI/CLI.hpp>
#include <httplib.h>

#include "catalog/catalog_source.h"
#include "formc_registry.h"
#include "server/app.h"
#include "storage/sqlite_store.h"

namespace {

// Stops the server on SIGINT/SIGTERM: the signals are blocked in every thread
// and a dedicated thread waits for them, so no work happens in a signal handler.
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
  cli.add_option("--port", port, "Port TCP d’écoute")->capture_default_str()->check(CLI::Range(0, 65535));
  cli.add_option("--host", host, "Adresse d’écoute (boucle locale par défaut)")->capture_default_str();
  cli.add_option("--data", data_dir, "Répertoire de données : contient la base SQLite formd.sqlite3 (créé au besoin)")
      ->capture_default_str();
  cli.add_flag("--dev", dev,
               "Mode développement : recharge les définitions depuis le disque à chaque modification, par "
               "l’interpréteur de formc (sans redémarrage ni recompilation) ; la validation passe par l’interpréteur");
  cli.add_option("--definitions", definitions, "Répertoire des définitions")->capture_default_str();
  cli.add_option("--library", library, "Répertoire de la bibliothèque de blocs (par défaut : celle de formc)");
  cli.add_option("--assets", assets, "Répertoire de la distribution DSFR (npm @gouvfr/dsfr, dist/)")->capture_default_str();
  CLI11_PARSE(cli, argc, argv);

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
  formd::App app(*catalogs, *store, options);
  httplib::Server server;
  // cpp-httplib's defaults are tuned for tiny embedded servers (measured with
  // tests/bench/bench_formd.sh): without TCP_NODELAY every keep-alive
  // response waits ~40 ms for the client's delayed ACK (headers and body go
  // out in two writes); 5 requests per connection and 8 threads make loaded
  // clients reconnect and queue. A pool thread serves one keep-alive
  // connection at a time, so the pool is sized for many open connections
  // (idle threads cost only their stacks).
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100);
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
  std::thread stopper = stop_on_signals(server, signals);
  server.listen_after_bind();
  if (stopper.joinable()) {
    // listen ended on its own (not by a signal): wake the waiting thread.
    pthread_kill(stopper.native_handle(), SIGTERM);
    stopper.join();
  }
  return 0;
}
