#pragma once
// Subcommands that run without a display: validate-coco, export, import-coco, segment.

#include <QStringList>

namespace sam3::app {

// True when argv names a subcommand (argv[1]).
bool isHeadlessCommand(int argc, char* argv[]);

// Runs it; returns the process exit code (0 ok, 1 failure, 2 usage error).
int runHeadlessCommand(const QStringList& arguments);

}  // namespace sam3::app
