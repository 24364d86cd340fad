#pragma once
// Which engine to open and how: the request every front end hands to engine/factory (or, where
// LibTorch must stay out, to classic::openClassicEngine).

#include <string>

namespace sam3::segment {

struct EngineOptions {
  std::string bundleDirectory;     // "" = the classic engine
  std::string device = "auto";     // auto, cpu or cuda (SAM3)
  std::string precision = "auto";  // auto, fp32 or bf16 (SAM3's heavy graphs)
  std::string cacheDirectory;      // embedding cache; "" = factory::defaultCacheDirectory()
  int threads = 0;                 // intra-op threads (SAM3); 0 = the engine's default
};

}  // namespace sam3::segment
