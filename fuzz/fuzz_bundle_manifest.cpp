// Model bundle manifests from any bytes: parsing either yields a manifest whose fields satisfy
// what the loader relies on, or throws BundleError naming the field. Any other exception, or a
// crash, is a finding.
#include <sstream>
#include <string>

#include "engine/bundle/BundleManifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const sam3::bundle::BundleManifest manifest = sam3::bundle::BundleManifest::parse(text, "fuzz/manifest.json");
    for (const sam3::bundle::BundleFile& file : manifest.files()) {
      // The loader joins these to the bundle directory: they must stay inside it.
      // A ".." component would leave it; "vocab.txt..z" is a file name (the harness once trapped
      // on any "..", a false finding in CI).
      if (file.path.empty() || file.path[0] == '/') __builtin_trap();
      std::istringstream parts(file.path);
      for (std::string part; std::getline(parts, part, '/');)
        if (part == "..") __builtin_trap();
      if (file.sha256.size() != 64) __builtin_trap();
    }
    if (manifest.inputSize <= 0) __builtin_trap();
  } catch (const sam3::bundle::BundleError&) {
  }
  return 0;
}
