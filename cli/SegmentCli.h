#pragma once
// `segment`: one image, one prompt (points, box), an exemplar or phrase search, or a prompt file,
// with the classic engine or a SAM3 model bundle; writes the mask PNG (or safetensors dumps) and
// prints timings. Qt-free, so the same code is `sam3-annotate segment` and, on machines without
// Qt (a GPU server), the `sam3-segment` executable.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/segment/EngineOptions.h"
#include "engine/segment/Segmenter.h"

namespace sam3::cli {

// Opens the engine the options name; nullptr with `error` set when it cannot.
using EngineOpener = std::function<std::unique_ptr<segment::Segmenter>(const segment::EngineOptions&, std::string& error)>;

// Every engine (LibTorch: link sam3_cli): the factory, after the allocator setting the app uses.
EngineOpener anyEngineOpener();
// The classic engine only (sam3_cli_core, no LibTorch); a bundle is an error naming the app.
EngineOpener classicEngineOpener();

struct SegmentDefaults {
  std::string program = "sam3-segment";  // how usage lines and errors name the command
  std::string cacheDirectory;             // embedding cache when --cache is not given ("" = the user's)
  EngineOpener openEngine;                // required
};

// `arguments` excludes the program (and subcommand) name. Returns the exit code: 0, 1 for a
// failure (unreadable image, bad bundle, engine error), 2 for a usage error.
int runSegment(const std::vector<std::string>& arguments, const SegmentDefaults& defaults);

}  // namespace sam3::cli
