#include "engine/annotation/Category.h"

#include <algorithm>

namespace sam3::annotation {

namespace {

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

}  // namespace

std::vector<std::string> conceptPhrases(const Category& category) {
  std::vector<std::string> phrases;
  size_t start = 0;
  while (start <= category.phrase.size()) {
    const size_t end = std::min(category.phrase.find(',', start), category.phrase.size());
    const std::string phrase = trimmed(category.phrase.substr(start, end - start));
    if (!phrase.empty() && std::find(phrases.begin(), phrases.end(), phrase) == phrases.end()) phrases.push_back(phrase);
    start = end + 1;
  }
  if (phrases.empty() && !trimmed(category.name).empty()) phrases.push_back(trimmed(category.name));
  return phrases;
}

}  // namespace sam3::annotation
