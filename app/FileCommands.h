#pragma once
// The subcommands that only read and write files (validate-coco, export, import-coco,
// import-labelme, import-yolo): Qt Core and the engine's file formats, no LibTorch, so the
// small `sam3-annotate` launcher runs them without loading the model libraries.

#include <QStringList>

namespace sam3::app {

QStringList fileCommands();

// Runs `arguments` (program, command, options); returns the exit code (0 ok, 1 failure, 2 usage).
int runFileCommand(const QStringList& arguments);

}  // namespace sam3::app
