#pragma once
// `label-folder`: every image of a folder labelled by phrases (each phrase is a class) with a
// SAM3 bundle that has a text encoder, written as COCO JSON; progress per image on the terminal,
// or as one JSON object per line with --json. Qt-free.

#include <string>
#include <vector>

namespace sam3::cli {

// `arguments` excludes the program and command names. Exit code: 0, 1 (unreadable folder,
// unusable bundle, engine error), 2 (usage).
int runLabelFolder(const std::vector<std::string>& arguments, const std::string& program);

}  // namespace sam3::cli
