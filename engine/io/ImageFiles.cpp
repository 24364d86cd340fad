#include "engine/io/ImageFiles.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace sam3::io {
namespace {
namespace fs = std::filesystem;

bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
char lower(char c) { return char(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

bool naturalLess(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (isDigit(a[i]) && isDigit(b[j])) {
      size_t ie = i, je = j;
      while (ie < a.size() && isDigit(a[ie])) ++ie;
      while (je < b.size() && isDigit(b[je])) ++je;
      // Compare the numbers without leading zeros: the shorter is the smaller.
      const std::string ta = a.substr(i, ie - i), tb = b.substr(j, je - j);
      const std::string za = ta.substr(std::min(ta.find_first_not_of('0'), ta.size() - 1));
      const std::string zb = tb.substr(std::min(tb.find_first_not_of('0'), tb.size() - 1));
      if (za.size() != zb.size()) return za.size() < zb.size();
      if (za != zb) return za < zb;
      i = ie;
      j = je;
      continue;
    }
    if (lower(a[i]) != lower(b[j])) return lower(a[i]) < lower(b[j]);
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

std::vector<std::string> listImageFiles(const std::string& folder) {
  static const std::vector<std::string> kExtensions = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pbm", ".pgm", ".ppm"};
  std::error_code error;
  std::vector<std::string> images;
  if (!fs::is_directory(folder, error)) return images;
  for (const fs::directory_entry& entry : fs::directory_iterator(folder, error)) {
    std::string ext = entry.path().extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), lower);
    if (entry.is_regular_file(error) && std::find(kExtensions.begin(), kExtensions.end(), ext) != kExtensions.end()) {
      images.push_back(fs::absolute(entry.path()).string());
    }
  }
  std::sort(images.begin(), images.end(), [](const std::string& a, const std::string& b) {
    return naturalLess(fs::path(a).filename().string(), fs::path(b).filename().string());
  });
  return images;
}

}  // namespace sam3::io
