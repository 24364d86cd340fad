#pragma once
// Reading and writing `*.sam3proj` files.

#include <string>

#include "engine/annotation/Project.h"

namespace sam3::io {

// Atomic save (see AtomicFile). Absolute image paths inside the project's folder are written
// relative to it; readers resolve relative paths against the project file's folder. Throws std::runtime_error with the reason; on failure the
// previous file is untouched, so the caller keeps its document dirty and reports why.
void saveProject(const annotation::Project& project, const std::string& path);

// Throws std::runtime_error (unreadable file, invalid JSON with its position) or
// ProjectFormatError (with the JSON path of the problem).
annotation::Project loadProject(const std::string& path);

}  // namespace sam3::io
