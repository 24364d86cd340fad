#pragma once
// Reader of the safetensors format (8-byte header length, JSON header, raw little-endian data).
// Torch-free. Every offset, size and shape is validated against the buffer before any tensor
// is exposed, so a malformed or truncated file is rejected instead of read past its end.

#include <cstddef>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace sam3::weights {

class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

size_t dtypeSize(DType dtype);
const char* dtypeName(DType dtype);

struct TensorView {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  const uint8_t* data;  // points into the file's buffer; valid while the file lives
  size_t bytes;

  int64_t numel() const;
};

class SafetensorsFile {
 public:
  // Reads and validates a whole file. Throws FormatError (or std::runtime_error on I/O failure)
  // with the path and the reason.
  static SafetensorsFile open(const std::string& path);
  // Validates an in-memory image of a file; `source` names it in error messages.
  static SafetensorsFile parse(std::vector<uint8_t> bytes, const std::string& source);

  bool contains(const std::string& name) const;
  // Throws FormatError naming the file when the tensor is absent.
  const TensorView& tensor(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted
  const std::map<std::string, std::string>& metadata() const { return m_metadata; }
  const std::string& source() const { return m_source; }

 private:
  std::string m_source;
  std::vector<uint8_t> m_bytes;
  std::map<std::string, TensorView> m_tensors;
  std::map<std::string, std::string> m_metadata;
};

}  // namespace sam3::weights
