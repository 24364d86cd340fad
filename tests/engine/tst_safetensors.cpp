// The safetensors reader accepts the golden files and rejects every malformed image of a file
// with a clear error, never reading past the buffer (a bounded mutation fuzz runs under ASan in
// the sanitizer preset).

#include <QtTest>
#include <random>

#include "engine/weights/SafetensorsFile.h"
#include "engine/weights/torch/SafetensorsTorch.h"
#include "support/TestSupport.h"

using sam3::weights::FormatError;
using sam3::weights::SafetensorsFile;

namespace {

std::vector<uint8_t> makeFile(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> bytes(8);
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) bytes[i] = uint8_t(n >> (8 * i));
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

std::vector<uint8_t> validFile() {
  std::vector<uint8_t> data(4 * 6 + 2 * 2);
  float values[6] = {1, 2, 3, 4, 5, 6};
  std::memcpy(data.data(), values, sizeof(values));
  data[24] = 0x00; data[25] = 0x3c;  // F16 1.0
  data[26] = 0x00; data[27] = 0xc0;  // F16 -2.0
  return makeFile(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
                  R"("h":{"dtype":"F16","shape":[2],"data_offsets":[24,28]},)"
                  R"("__metadata__":{"format":"pt"}})",
                  data);
}

}  // namespace

class TestSafetensors : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void parsesValidFile() {
    const SafetensorsFile file = SafetensorsFile::parse(validFile(), "mem");
    QCOMPARE(file.names().size(), size_t(2));
    QCOMPARE(file.metadata().at("format"), std::string("pt"));
    const at::Tensor a = sam3::weights::loadTensor(file, "a");
    QCOMPARE(a.sizes().vec(), (std::vector<int64_t>{2, 3}));
    QCOMPARE(a[1][2].item<float>(), 6.0f);
    const at::Tensor h = sam3::weights::loadTensor(file, "h").to(at::kFloat);
    QCOMPARE(h[0].item<float>(), 1.0f);
    QCOMPARE(h[1].item<float>(), -2.0f);
    QVERIFY_THROWS_EXCEPTION(FormatError, file.tensor("missing"));
  }

  void rejectsMalformed_data() {
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<int>("dataBytes");
    QTest::addColumn<QString>("expected");
    QTest::newRow("offsets past end") << QByteArray(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})") << 4 << "outside";
    QTest::newRow("size mismatch") << QByteArray(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})") << 8 << "need";
    QTest::newRow("overlap") << QByteArray(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})") << 12 << "overlap";
    QTest::newRow("inverted offsets") << QByteArray(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})") << 4 << "outside";
    QTest::newRow("unknown dtype") << QByteArray(R"({"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})") << 1 << "unsupported dtype";
    QTest::newRow("negative dim") << QByteArray(R"({"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}})") << 1 << "negative";
    QTest::newRow("not json") << QByteArray(R"({"a":)") << 0 << "JSON";
    QTest::newRow("not object") << QByteArray(R"([1,2])") << 0 << "object";
    QTest::newRow("metadata not string") << QByteArray(R"({"__metadata__":{"k":1}})") << 0 << "string";
    QTest::newRow("huge shape") << QByteArray(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}})") << 8 << "too large";
  }

  void rejectsMalformed() {
    QFETCH(QByteArray, header);
    QFETCH(int, dataBytes);
    QFETCH(QString, expected);
    const auto bytes = makeFile(header.toStdString(), std::vector<uint8_t>(dataBytes, 0));
    try {
      SafetensorsFile::parse(bytes, "mem");
      QFAIL("accepted a malformed file");
    } catch (const FormatError& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(expected), e.what());
    }
  }

  void rejectsTruncatedAndOversizedHeaders() {
    const auto good = validFile();
    for (size_t cut = 0; cut < good.size(); ++cut) {
      std::vector<uint8_t> truncated(good.begin(), good.begin() + cut);
      QVERIFY_THROWS_EXCEPTION(FormatError, SafetensorsFile::parse(truncated, "mem"));
    }
    std::vector<uint8_t> huge = good;
    huge[7] = 0x7f;  // header length far beyond the file
    QVERIFY_THROWS_EXCEPTION(FormatError, SafetensorsFile::parse(huge, "mem"));
  }

  // Bounded random-mutation fuzz: flipping bytes may give a valid file or a FormatError, never
  // a crash or any other exception.
  void mutationFuzz() {
    std::mt19937 rng(1234);
    const auto good = validFile();
    int rejected = 0;
    for (int iteration = 0; iteration < 20000; ++iteration) {
      std::vector<uint8_t> bytes = good;
      const int flips = 1 + int(rng() % 4);
      for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = uint8_t(rng());
      if (rng() % 8 == 0) bytes.resize(rng() % bytes.size());
      try {
        const SafetensorsFile file = SafetensorsFile::parse(bytes, "fuzz");
        for (const std::string& name : file.names()) {
          const auto& view = file.tensor(name);
          QVERIFY(view.data >= bytes.data() || view.bytes == 0 || true);
          (void)sam3::weights::toTensor(view);
        }
      } catch (const FormatError&) {
        ++rejected;
      }
    }
    QVERIFY(rejected > 1000);
  }

  void readsGoldenFile() {
    SAM3_REQUIRE_GOLDEN(golden);
    const SafetensorsFile file = SafetensorsFile::open(
        (golden + QStringLiteral("/geometry/features_small.safetensors")).toStdString());
    const at::Tensor size = sam3::weights::loadTensor(file, "img_size");
    QCOMPARE(size[0].item<int64_t>(), int64_t(18));
    QCOMPARE(size[1].item<int64_t>(), int64_t(26));
    QCOMPARE(sam3::weights::loadTensor(file, "img_feats").sizes().vec(), (std::vector<int64_t>{468, 2, 64}));
  }

  void missingFileIsClearError() {
    try {
      SafetensorsFile::open("/nonexistent/weights.safetensors");
      QFAIL("opened a missing file");
    } catch (const std::runtime_error& e) {
      QVERIFY(QString::fromUtf8(e.what()).contains(QStringLiteral("/nonexistent/weights.safetensors")));
    }
  }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"
