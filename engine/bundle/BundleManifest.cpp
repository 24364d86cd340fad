#include "engine/bundle/BundleManifest.h"

#include <filesystem>
#include <regex>

#include "engine/io/AtomicFile.h"
#include "engine/io/Sha256.h"

namespace sam3::bundle {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& source, const std::string& why) {
  throw BundleError(source + ": " + why);
}

const nlohmann::json& require(const nlohmann::json& object, const char* key, const std::string& source,
                              const std::string& where) {
  if (!object.is_object() || !object.contains(key)) fail(source, "missing \"" + where + key + "\"");
  return object.at(key);
}

BundleFile readFile(const nlohmann::json& files, const char* key, const std::string& source) {
  const nlohmann::json& entry = require(files, key, source, "files.");
  if (!entry.is_object() || !entry.contains("path") || !entry.at("path").is_string() || !entry.contains("sha256") ||
      !entry.at("sha256").is_string()) {
    fail(source, std::string("files.") + key + " needs string fields \"path\" and \"sha256\"");
  }
  BundleFile file{entry.at("path").get<std::string>(), entry.at("sha256").get<std::string>()};
  static const std::regex hex64("[0-9a-f]{64}");
  if (!std::regex_match(file.sha256, hex64)) fail(source, std::string("files.") + key + ".sha256 is not 64 lowercase hex digits");
  const fs::path relative(file.path);
  if (file.path.empty() || relative.is_absolute() ||
      std::any_of(relative.begin(), relative.end(), [](const fs::path& part) { return part == ".."; })) {
    fail(source, std::string("files.") + key + ".path must be a relative path inside the bundle");
  }
  return file;
}

void readTriple(const nlohmann::json& image, const char* key, double (&out)[3], const std::string& source) {
  if (!image.contains(key)) return;
  const nlohmann::json& v = image.at(key);
  if (!v.is_array() || v.size() != 3 || !std::all_of(v.begin(), v.end(), [](const auto& x) { return x.is_number(); })) {
    fail(source, std::string("image.") + key + " must be three numbers");
  }
  for (int i = 0; i < 3; ++i) out[i] = v[size_t(i)].get<double>();
}

}  // namespace

BundleManifest BundleManifest::read(const std::string& bundleDir) {
  const std::string path = (fs::path(bundleDir) / "manifest.json").string();
  if (!fs::is_directory(bundleDir)) throw BundleError(bundleDir + ": not a model bundle directory");
  if (!fs::exists(path)) throw BundleError(bundleDir + ": no manifest.json (is this a SAM3 model bundle?)");
  return parse(io::readWholeFile(path), path);
}

BundleManifest BundleManifest::parse(const std::string& jsonText, const std::string& source) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(jsonText);
  } catch (const nlohmann::json::exception& e) {
    fail(source, std::string("not valid JSON (") + e.what() + ")");
  }
  if (!j.is_object()) fail(source, "the manifest is not a JSON object");
  const nlohmann::json& format = require(j, "format", source, "");
  if (!format.is_string() || format.get<std::string>() != kFormat) {
    fail(source, std::string("\"format\" must be \"") + kFormat + "\"");
  }
  const nlohmann::json& version = require(j, "version", source, "");
  if (!version.is_number_integer()) fail(source, "\"version\" must be an integer");
  BundleManifest m;
  const int64_t number = version.get<int64_t>();
  if (number > kVersion) {
    fail(source, "bundle format version " + std::to_string(number) + " is newer than this build reads (up to " +
                     std::to_string(kVersion) + "); update SAM3 Annotate or re-export the bundle");
  }
  if (number < 1) fail(source, "\"version\" must be at least 1");
  m.version = int(number);
  // Found by fuzz_bundle_manifest: value() throws json's type_error for a field of another type.
  if (j.contains("name") && !j.at("name").is_string()) fail(source, "\"name\" must be a string");
  m.name = j.value("name", std::string("unnamed"));
  if (j.contains("producer") && j.at("producer").is_object()) {
    const nlohmann::json& producer = j.at("producer");
    if (producer.contains("torch") && !producer.at("torch").is_string()) fail(source, "producer.torch must be a string");
    m.producedWithTorch = producer.value("torch", "");
    const auto target = producer.find("target_libtorch");
    if (target != producer.end()) {
      if (!target->is_string() || (*target != "1.13" && *target != "2.x")) fail(source, "producer.target_libtorch must be \"1.13\" or \"2.x\"");
      m.targetLibtorch = target->get<std::string>();
    }
    const auto portable = producer.find("device_portable");
    if (portable != producer.end()) {
      if (!portable->is_boolean()) fail(source, "producer.device_portable must be true or false");
      m.devicePortable = portable->get<bool>();
    }
  }

  if (j.contains("image")) {
    const nlohmann::json& image = j.at("image");
    if (!image.is_object()) fail(source, "\"image\" must be an object");
    if (image.contains("size") && !image.at("size").is_number_integer()) fail(source, "image.size must be an integer");
    m.inputSize = image.value("size", 1008);
    readTriple(image, "mean", m.mean, source);
    readTriple(image, "std", m.std, source);
    for (double s : m.std)
      if (!(s > 0)) fail(source, "image.std values must be positive");
  }
  if (m.inputSize != 1008) fail(source, "image.size must be 1008 (SAM3's input), got " + std::to_string(m.inputSize));

  const nlohmann::json& files = require(j, "files", source, "");
  m.backbone = readFile(files, "backbone", source);
  m.groundingHead = readFile(files, "grounding_head", source);
  m.weights = readFile(files, "weights", source);
  if (files.contains("text_encoder")) m.textEncoder = readFile(files, "text_encoder", source);
  if (files.contains("vocabulary")) m.vocabulary = readFile(files, "vocabulary", source);
  if (m.textEncoder.has_value() != m.vocabulary.has_value()) {
    fail(source, "files.text_encoder and files.vocabulary come together");
  }
  if (files.contains("backbone_bf16")) m.backboneBf16 = readFile(files, "backbone_bf16", source);
  if (files.contains("grounding_head_bf16")) m.groundingHeadBf16 = readFile(files, "grounding_head_bf16", source);
  if (files.contains("text_encoder_bf16")) m.textEncoderBf16 = readFile(files, "text_encoder_bf16", source);
  if (m.backboneBf16.has_value() != m.groundingHeadBf16.has_value() ||
      (m.backboneBf16 && m.textEncoder.has_value() != m.textEncoderBf16.has_value()) || (!m.backboneBf16 && m.textEncoderBf16)) {
    fail(source, "the bf16 graphs come as a set: files.backbone_bf16 and files.grounding_head_bf16, and text_encoder_bf16 "
                 "when there is a text encoder");
  }
  if (j.contains("ops")) {
    if (!j.at("ops").is_array()) fail(source, "\"ops\" must be a list of operator names");
    for (const auto& op : j.at("ops")) {
      if (!op.is_string() || op.get<std::string>().find("::") == std::string::npos) {
        fail(source, "\"ops\" entries must be names like \"sam3::roi_align\"");
      }
      m.requiredOps.push_back(op.get<std::string>());
    }
  }
  m.geometryEncoderArgs = require(j, "geometry_encoder", source, "");
  m.interactiveArgs = require(j, "interactive", source, "");
  if (!m.geometryEncoderArgs.is_object() || !m.interactiveArgs.is_object()) {
    fail(source, "\"geometry_encoder\" and \"interactive\" must be objects");
  }
  if (j.contains("grounding")) {
    const nlohmann::json& grounding = j.at("grounding");
    if (!grounding.is_object() || (grounding.contains("score_threshold") && !grounding.at("score_threshold").is_number())) {
      fail(source, "\"grounding\" must be an object with a numeric score_threshold");
    }
    m.scoreThreshold = grounding.value("score_threshold", 0.5);
  }
  return m;
}

std::vector<BundleFile> BundleManifest::files() const {
  std::vector<BundleFile> all{backbone, groundingHead, weights};
  if (textEncoder) all.push_back(*textEncoder);
  if (vocabulary) all.push_back(*vocabulary);
  for (const auto* bf16 : {&backboneBf16, &groundingHeadBf16, &textEncoderBf16})
    if (*bf16) all.push_back(**bf16);
  return all;
}

void verifyBundleFiles(const BundleManifest& manifest, const std::string& bundleDir, const std::string& stampPath) {
  nlohmann::json stamp = nlohmann::json::object();
  if (!stampPath.empty() && fs::exists(stampPath)) {
    try {
      stamp = nlohmann::json::parse(io::readWholeFile(stampPath));
    } catch (const std::exception&) {
      stamp = nlohmann::json::object();  // an unreadable stamp only costs a re-hash
    }
  }
  nlohmann::json verified = nlohmann::json::object();
  for (const BundleFile& file : manifest.files()) {
    const fs::path path = fs::path(bundleDir) / file.path;
    std::error_code error;
    const auto size = fs::file_size(path, error);
    if (error) throw BundleError(bundleDir + ": missing file " + file.path + " (listed in manifest.json)");
    const auto modified = fs::last_write_time(path, error).time_since_epoch().count();
    const nlohmann::json record = {{"sha256", file.sha256}, {"size", size}, {"mtime", modified}};
    const std::string key = fs::absolute(path).string();
    if (!(stamp.contains(key) && stamp.at(key) == record)) {
      const std::string actual = io::Sha256::hexOfFile(path.string());
      if (actual != file.sha256) {
        throw BundleError(bundleDir + ": " + file.path + " does not match its sha256 in manifest.json (expected " +
                          file.sha256.substr(0, 12) + "…, found " + actual.substr(0, 12) +
                          "…); the file is damaged or was replaced");
      }
    }
    verified[key] = record;
  }
  if (!stampPath.empty() && verified != stamp) {
    try {
      fs::create_directories(fs::path(stampPath).parent_path());
      io::writeFileAtomically(stampPath, verified.dump(1));
    } catch (const std::exception&) {
      // Not fatal: the next load hashes again.
    }
  }
}

std::string libtorchMismatch(const std::string& target, int major, int minor) {
  // A 1.13 target uses only operators both versions have; a 2.x target calls 2.x-only ones
  // (scaled_dot_product_attention, the fused attention fast paths).
  if (target != "2.x" || major >= 2) return {};
  return "exported for LibTorch 2.x; this build has " + std::to_string(major) + "." + std::to_string(minor) +
         ": re-export with tools/export_sam3_bundle.py --target-libtorch 1.13, or build with tools/build.sh --torch pip";
}

}  // namespace sam3::bundle
