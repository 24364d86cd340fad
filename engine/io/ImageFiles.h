#pragma once
// The images of a folder as every part of the app lists them (GUI folder, batch, CLI): files
// OpenCV decodes, by extension, in natural order (img2 before img10), case-insensitive.

#include <string>
#include <vector>

namespace sam3::io {

// True when `a` sorts before `b` with digit runs compared as numbers.
bool naturalLess(const std::string& a, const std::string& b);

// Absolute paths; empty when the folder has no image (or is not a folder).
std::vector<std::string> listImageFiles(const std::string& folder);

}  // namespace sam3::io
