// The precision of SAM3's heavy graphs: the CPU's bf16 units read from CPUID agree with what the
// kernel reports in /proc/cpuinfo; auto takes bf16 only where it is native and the bundle has
// it; bf16 asked of a bundle without it names the re-export; a manifest lists bf16 graphs as a
// set.

#include <QFile>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <torch/version.h>

#include "engine/bundle/BundleManifest.h"
#include "engine/sam3/PrecisionChoice.h"
#include "engine/platform/CpuFeatures.h"

using namespace sam3;

namespace {

QSet<QString> cpuinfoFlags() {
  QFile file(QStringLiteral("/proc/cpuinfo"));
  if (!file.open(QIODevice::ReadOnly)) return {};
  for (const QByteArray& line : file.readAll().split('\n')) {
    if (line.startsWith("flags")) {
      const QStringList flags = QString::fromLatin1(line.mid(line.indexOf(':') + 1)).split(QLatin1Char(' '), Qt::SkipEmptyParts);
      return {flags.begin(), flags.end()};
    }
  }
  return {};
}

// A manifest with the three required files and `extra` file roles (each a 64-digit dummy hash).
std::string manifestWith(const std::vector<std::string>& extra) {
  nlohmann::json files;
  for (const std::string& role : {std::string("backbone"), std::string("grounding_head"), std::string("weights")}) {
    files[role] = {{"path", role + ".pt"}, {"sha256", std::string(64, '0')}};
  }
  for (const std::string& role : extra) files[role] = {{"path", role + ".bf16.pt"}, {"sha256", std::string(64, '0')}};
  return nlohmann::json{{"format", "sam3-annotate-bundle"}, {"version", 1}, {"files", files},
                        {"geometry_encoder", nlohmann::json::object()}, {"interactive", nlohmann::json::object()}}
      .dump();
}

}  // namespace

class TestPrecision : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void cpuidAgreesWithTheKernel() {
    const QSet<QString> flags = cpuinfoFlags();
    if (flags.isEmpty()) QSKIP("no /proc/cpuinfo flags on this system");
    const platform::CpuFeatures& cpu = platform::cpuFeatures();
    qInfo("CPU: %s; AVX2 %d, AVX-512 %d, AVX512-BF16 %d, AMX-BF16 %d", cpu.model.c_str(), cpu.avx2, cpu.avx512, cpu.avx512Bf16,
          cpu.amxBf16);
    QCOMPARE(cpu.avx2, flags.contains(QStringLiteral("avx2")));
    QCOMPARE(cpu.avx512, flags.contains(QStringLiteral("avx512f")));
    QCOMPARE(cpu.avx512Bf16, flags.contains(QStringLiteral("avx512_bf16")));
    QCOMPARE(cpu.amxBf16, flags.contains(QStringLiteral("amx_bf16")));
    QVERIFY(!cpu.model.empty());
    QCOMPARE(cpu.nativeBf16(), !cpu.bf16Unit().empty());
  }

  void autoTakesBf16OnlyWhereNativeAndPresent() {
#if TORCH_VERSION_MAJOR < 2
    const model::PrecisionChoice debian = model::choosePrecision(model::PrecisionPreference::Auto, c10::kCPU, true);
    QVERIFY(!debian.bf16);  // LibTorch 1.13 runs fp32 graphs only, and points to the fast build where it would help
    QCOMPARE(debian.reason.find("tools/run_sam3.sh") != std::string::npos, platform::cpuFeatures().nativeBf16());
    QVERIFY_THROWS_EXCEPTION(bundle::BundleError, model::choosePrecision(model::PrecisionPreference::BFloat16, c10::kCPU, true));
    QSKIP("the rest is the LibTorch 2.x build's");
#endif
    const bool native = platform::cpuFeatures().nativeBf16();
    const model::PrecisionChoice withBf16 = model::choosePrecision(model::PrecisionPreference::Auto, c10::kCPU, true);
    QCOMPARE(withBf16.bf16, native);
    QCOMPARE(QString::fromStdString(withBf16.description),
             native ? QStringLiteral("bf16 (%1)").arg(QString::fromStdString(platform::cpuFeatures().bf16Unit())) : QStringLiteral("fp32"));
    const model::PrecisionChoice without = model::choosePrecision(model::PrecisionPreference::Auto, c10::kCPU, false);
    QVERIFY(!without.bf16);
    QCOMPARE(without.reason.find("re-export") != std::string::npos, native);  // only worth saying where bf16 would be faster
    QVERIFY(!model::choosePrecision(model::PrecisionPreference::Float32, c10::kCPU, true).bf16);
    const model::PrecisionChoice asked = model::choosePrecision(model::PrecisionPreference::BFloat16, c10::kCPU, true);
    QVERIFY(asked.bf16);
    QCOMPARE(asked.reason.find("emulated") != std::string::npos, !native);  // a warning where it is slower
  }

  void bf16OfABundleWithoutItNamesTheReExport() {
#if TORCH_VERSION_MAJOR < 2
    QSKIP("the LibTorch 1.13 build refuses bf16 for every bundle (autoTakesBf16OnlyWhereNativeAndPresent)");
#endif
    try {
      model::choosePrecision(model::PrecisionPreference::BFloat16, c10::kCPU, false);
      QFAIL("accepted");
    } catch (const bundle::BundleError& e) {
      QVERIFY2(std::string(e.what()).find("--target-libtorch 2.x") != std::string::npos, e.what());
    }
    QCOMPARE(model::parsePrecisionPreference("BF16"), model::PrecisionPreference::BFloat16);
    QCOMPARE(model::parsePrecisionPreference("float32"), model::PrecisionPreference::Float32);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model::parsePrecisionPreference("fp16"));
  }

  void aManifestListsBf16GraphsAsASet() {
    QVERIFY(!bundle::BundleManifest::parse(manifestWith({}), "m").hasBf16());
    const bundle::BundleManifest m = bundle::BundleManifest::parse(manifestWith({"backbone_bf16", "grounding_head_bf16"}), "m");
    QVERIFY(m.hasBf16());
    QCOMPARE(m.files().size(), size_t(5));  // verified like the others
    try {
      bundle::BundleManifest::parse(manifestWith({"backbone_bf16"}), "m");
      QFAIL("half a set accepted");
    } catch (const bundle::BundleError& e) {
      QVERIFY2(std::string(e.what()).find("come as a set") != std::string::npos, e.what());
    }
  }
};

QTEST_GUILESS_MAIN(TestPrecision)
#include "tst_precision.moc"
