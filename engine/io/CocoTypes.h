#pragma once
// Shared result types of the COCO reader, writer and validator.

#include <string>
#include <vector>

namespace sam3::io {

// One finding, located by its JSON path (e.g. "annotations[12].bbox").
struct CocoProblem {
  enum class Severity { Error, Warning };
  Severity severity = Severity::Error;
  std::string path;
  std::string message;
};

inline bool hasErrors(const std::vector<CocoProblem>& problems) {
  for (const CocoProblem& p : problems) {
    if (p.severity == CocoProblem::Severity::Error) return true;
  }
  return false;
}

}  // namespace sam3::io
