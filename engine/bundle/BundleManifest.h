#pragma once
// The model bundle's manifest.json (contract in engine/bundle/BUNDLE.md): format and version,
// image preprocessing, the files with their sha256, the torch ops the graphs need, and the
// native modules' constructor arguments. Parsing validates everything a loader relies on and
// names the offending field; verifying checks the files on disk.

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sam3::bundle {

class BundleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct BundleFile {
  std::string path;    // relative to the bundle directory
  std::string sha256;  // 64 lowercase hex digits
};

struct BundleManifest {
  static constexpr const char* kFormat = "sam3-annotate-bundle";
  static constexpr int kVersion = 1;  // the newest version this build reads

  int version = 0;
  std::string name;
  std::string producedWithTorch;
  // LibTorch the graphs were traced for: "1.13" (Debian's; no 2.x-only operators) or "2.x".
  // Empty in bundles made before the field existed (treated as "1.13").
  std::string targetLibtorch;
  // producer.device_portable: the exporter made the graphs follow their input's device (no
  // device constants traced in). Bundles without it were traced for the CPU only.
  bool devicePortable = false;
  int inputSize = 1008;
  double mean[3] = {0.5, 0.5, 0.5};
  double std[3] = {0.5, 0.5, 0.5};
  BundleFile backbone, groundingHead, weights;
  std::optional<BundleFile> textEncoder, vocabulary;
  // The same graphs traced in bfloat16 (files.backbone_bf16, ...; bundles for LibTorch 2.x):
  // all three, or only the two a bundle without a text encoder has, or none.
  std::optional<BundleFile> backboneBf16, groundingHeadBf16, textEncoderBf16;
  bool hasBf16() const { return backboneBf16.has_value(); }
  std::vector<std::string> requiredOps;  // "namespace::name"
  nlohmann::json geometryEncoderArgs;    // GeometryEncoderConfig::fromConstructorArgs format
  nlohmann::json interactiveArgs;        // see interactiveConfig() in Sam3Model.cpp
  double scoreThreshold = 0.5;

  // Reads and validates `<dir>/manifest.json`. Throws BundleError naming the field.
  static BundleManifest read(const std::string& bundleDir);
  static BundleManifest parse(const std::string& jsonText, const std::string& source);

  std::vector<BundleFile> files() const;  // every listed file
};

// "" when a build with LibTorch `major`.`minor` can run graphs exported for `target`, else why
// not and how to fix it ("exported for LibTorch 2.x; this build has 1.13: re-export with ...").
std::string libtorchMismatch(const std::string& target, int major, int minor);

// Checks that every listed file exists and matches its sha256. A file whose size and
// modification time match `stampPath`'s record of an earlier successful check is not hashed
// again (hashing a 3 GB backbone takes seconds); pass "" to always hash. Throws BundleError.
void verifyBundleFiles(const BundleManifest& manifest, const std::string& bundleDir, const std::string& stampPath);

}  // namespace sam3::bundle
