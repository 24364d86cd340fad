#include "app/HeadlessCommands.h"

#include <QCoreApplication>
#include <cstdio>

#include "app/FileCommands.h"
#include "cli/LabelFolderCli.h"
#include "cli/SegmentCli.h"

namespace sam3::app {
namespace {

const QStringList kModelCommands = {QStringLiteral("segment"), QStringLiteral("label-folder")};

std::vector<std::string> optionsOf(const QStringList& arguments) {
  std::vector<std::string> rest;
  for (int i = 2; i < arguments.size(); ++i) rest.push_back(arguments.at(i).toStdString());
  return rest;
}

}  // namespace

bool usesModels(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i) {
    const QByteArray arg(argv[i]);
    if (arg == "-h" || arg == "--help" || arg == "--help-all" || arg == "-v" || arg == "--version") return false;
  }
  return argc < 2 || !fileCommands().contains(QString::fromLocal8Bit(argv[1]));
}

bool isHeadlessCommand(int argc, char* argv[]) {
  const QString command = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QString();
  return fileCommands().contains(command) || kModelCommands.contains(command);
}

int runHeadlessCommand(const QStringList& arguments) {
  const QString command = arguments.value(1);
  if (fileCommands().contains(command)) return runFileCommand(arguments);
  try {
    // The Qt-free workflows (cli/), shared with `sam3-segment`.
    if (command == QLatin1String("segment")) {
      cli::SegmentDefaults defaults;
      defaults.program = "sam3-annotate segment";
      defaults.openEngine = cli::anyEngineOpener();
      return cli::runSegment(optionsOf(arguments), defaults);
    }
    if (command == QLatin1String("label-folder")) return cli::runLabelFolder(optionsOf(arguments), "sam3-annotate label-folder");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sam3-annotate: %s\n", e.what());
    return 1;
  }
  std::fprintf(stderr, "sam3-annotate: unknown command '%s'\n", qPrintable(command));
  return 2;
}

}  // namespace sam3::app
