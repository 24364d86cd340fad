#pragma once
// Crash-safe file replacement: the bytes go to a temporary file in the same folder, are
// flushed to disk, and the temporary is renamed over the target (then the folder is synced).
// Either the old or the new content survives a crash, never a mix.

#include <string>

namespace sam3::io {

// Throws std::runtime_error with the path and the system's reason; the target is untouched
// on failure and the temporary file is removed.
void writeFileAtomically(const std::string& path, const std::string& bytes);

// Reads a whole file; throws std::runtime_error naming the path when it cannot.
std::string readWholeFile(const std::string& path);

}  // namespace sam3::io
