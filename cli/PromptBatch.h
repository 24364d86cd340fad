#pragma once
// `segment --prompts FILE.json --dump DIR`: many prompts on one encoded image in one run, each
// result written as DIR/<name>.safetensors (every candidate's mask and score, the low-res
// logits; or the found instances with boxes, scores and the presence score). The parity check
// against the official model (tools/check_bundle_parity.py) and scripted users read these.

#include <string>


namespace sam3::segment {
class Segmenter;
}

namespace sam3::cli {

// Runs every request of `promptsFile` on `engine`, whose image is already set. Returns "" or an
// error naming the request and what is wrong; results of earlier requests stay written.
std::string runPromptBatch(segment::Segmenter& engine, int imageHeight, int imageWidth, const std::string& promptsFile,
                           const std::string& dumpDirectory);

}  // namespace sam3::cli
