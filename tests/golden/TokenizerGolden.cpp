// Kind "sam3_tokenizer": every case's cleaned text, BPE ids and context-32/77 ids, exactly.
// The vocabulary is read from the golden folder (never copied into this repository).

#include "GoldenRunner.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "engine/text/BpeTokenizer.h"
#include "engine/text/TextCleaner.h"

namespace sam3::golden {
namespace {

std::string bytesOf(const weights::SafetensorsFile& file, const std::string& name) {
  const weights::TensorView& v = file.tensor(name);
  return std::string(reinterpret_cast<const char*>(v.data), v.bytes);
}

std::vector<int64_t> idsOf(const weights::SafetensorsFile& file, const std::string& name) {
  const at::Tensor t = weights::loadTensor(file, name).to(at::kLong).flatten().contiguous();
  return std::vector<int64_t>(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
}

void runTokenizer(const nlohmann::json& manifest, const std::filesystem::path& base, Report& report) {
  noteCpuOnly("sam3_tokenizer");
  const std::string vocab = (base / manifest.value("vocabulary", std::string("bpe_simple_vocab_16e6.txt.gz"))).string();
  const text::BpeTokenizer tokenizer = text::BpeTokenizer::fromFile(vocab);
  for (const auto& c : manifest.at("cases")) {
    const std::string name = c.at("name");
    try {
      const weights::SafetensorsFile file = weights::SafetensorsFile::open((base / c.at("file").get<std::string>()).string());
      const std::string input = bytesOf(file, "text_utf8");
      Comparison result;
      if (text::cleanText(input) != bytesOf(file, "cleaned_utf8")) result.problem += " cleaned text differs;";
      if (tokenizer.encode(input) != idsOf(file, "bpe_ids")) result.problem += " bpe ids differ;";
      if (tokenizer.tokenize(input, 32) != idsOf(file, "input_ids_ctx32")) result.problem += " ctx-32 ids differ;";
      if (file.contains("input_ids_ctx77") && tokenizer.tokenize(input, 77) != idsOf(file, "input_ids_ctx77")) {
        result.problem += " ctx-77 ids differ;";
      }
      report.record(name, result);
    } catch (const std::exception& e) {
      report.fail(name, e.what());
    }
  }
}

const KindRegistration registration("sam3_tokenizer", &runTokenizer);

}  // namespace
}  // namespace sam3::golden
