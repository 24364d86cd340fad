#pragma once
// Subcommands that run without a display: validate-coco, export, import-coco, import-labelme,
// import-yolo, segment, label-folder.

#include <QStringList>

namespace sam3::app {

// True when argv names a subcommand (argv[1]).
bool isHeadlessCommand(int argc, char* argv[]);

// False for the commands that only read and write files (and --help / --version anywhere):
// they need no OpenMP tuning, so they skip its re-execution.
bool usesModels(int argc, char* argv[]);

// Runs it; returns the process exit code (0 ok, 1 failure, 2 usage error).
int runHeadlessCommand(const QStringList& arguments);

}  // namespace sam3::app
