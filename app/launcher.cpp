// `sam3-annotate`: a small launcher. The file commands (validate-coco, export, import-*),
// --help, --version and `segment` with the classic engine run here, without loading LibTorch
// (whose start-up alone took ~0.5 s of the 1.3 s a missing-file error used to cost); everything
// else (the window, segment with a bundle, label-folder) is the application proper,
// sam3-annotate-app, which this executes in place.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <climits>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>
#include <unistd.h>

#include "app/AppOptions.h"
#include "app/FileCommands.h"
#include "cli/SegmentCli.h"

#ifndef SAM3_VERSION
#define SAM3_VERSION "0.0.0"
#endif
#ifndef SAM3_APP_RELATIVE
#define SAM3_APP_RELATIVE "../libexec/sam3-annotate/sam3-annotate-app"
#endif

namespace {

// Beside the launcher (the build tree), else where the package installs it.
std::string applicationPath() {
  char self[PATH_MAX] = {};
  const ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  const std::string dir = n > 0 ? std::string(self, size_t(n)).substr(0, std::string(self, size_t(n)).rfind('/')) : ".";
  for (const std::string& candidate : {dir + "/sam3-annotate-app", dir + "/" + SAM3_APP_RELATIVE}) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return dir + "/sam3-annotate-app";
}

bool anyArgument(int argc, char* argv[], std::initializer_list<const char*> names) {
  for (int i = 1; i < argc; ++i)
    for (const char* name : names) {
      const size_t n = std::strlen(name);
      if (std::strncmp(argv[i], name, n) == 0 && (argv[i][n] == 0 || argv[i][n] == '=')) return true;
    }
  return false;
}

// `segment` without a bundle: the classic engine, in this process.
int classicSegment(int argc, char* argv[]) {
  sam3::cli::SegmentDefaults defaults;
  defaults.program = "sam3-annotate segment";
  defaults.openEngine = sam3::cli::classicEngineOpener();
  try {
    return sam3::cli::runSegment(std::vector<std::string>(argv + 2, argv + argc), defaults);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sam3-annotate: %s\n", e.what());
    return 1;
  }
}

}  // namespace

int main(int argc, char* argv[]) {
  if (argc == 2 && (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "-v") == 0)) {
    std::printf("sam3-annotate %s\n", SAM3_VERSION);
    return 0;
  }
  if (argc > 1 && sam3::app::fileCommands().contains(QString::fromLocal8Bit(argv[1]))) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("sam3-annotate"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SAM3_VERSION));
    return sam3::app::runFileCommand(QCoreApplication::arguments());
  }
  if (argc > 1 && std::strcmp(argv[1], "segment") == 0 && !anyArgument(argc, argv, {"--bundle"})) return classicSegment(argc, argv);
  const bool command = argc > 1 && argv[1][0] != '-' && (std::strcmp(argv[1], "segment") == 0 || std::strcmp(argv[1], "label-folder") == 0);
  if (!command && anyArgument(argc, argv, {"-h", "--help", "--help-all"})) {
    QCoreApplication app(argc, argv);  // the application's own options and texts (AppOptions)
    QCoreApplication::setApplicationName(QStringLiteral("sam3-annotate"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SAM3_VERSION));
    QCommandLineParser parser;
    sam3::app::AppOptions().addTo(parser);
    parser.process(app);  // prints the help and exits
  }
  const std::string app = applicationPath();
  execv(app.c_str(), argv);
  std::fprintf(stderr, "sam3-annotate: cannot start %s: %s\n", app.c_str(), std::strerror(errno));
  return 127;
}
