// The SAM3 engine end to end on the fixture bundle (tools/make_fixture_bundle.py): shapes,
// candidates and thresholds against the model's own outputs, the memory and disk caches
// (backbone runs counted), damaged cache entries, pre-encoding, cancellation, the CPU fallback,
// and bad bundles that must be refused with a clear message.

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/version.h>

#include "engine/classic/ClassicSegmenter.h"
#include "engine/io/AtomicFile.h"
#include "engine/weights/SafetensorsFile.h"
#include "engine/io/Sha256.h"
#include "engine/prompt/torch/GeometryPromptBuilder.h"
#include "engine/sam3/ImagePreprocess.h"
#include "engine/sam3/InteractivePredictor.h"
#include "engine/sam3/MaskPostprocess.h"
#include "engine/sam3/Sam3Model.h"
#include "engine/sam3/Sam3Segmenter.h"
#include "engine/segment/ImageConversion.h"
#include "support/SyntheticImage.h"
#include "support/TestSupport.h"

using namespace sam3;
namespace fs = std::filesystem;

namespace {

std::string fileHash(const fs::path& p) { return io::Sha256::hexOfFile(p.string()); }

// A copy of the fixture bundle with `edit` applied to its manifest.
QString variantOf(const QString& bundle, const QString& parent, const QString& name,
                  const std::function<void(const fs::path&, nlohmann::json&)>& edit) {
  const fs::path dir = fs::path(parent.toStdString()) / name.toStdString();
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& item : fs::directory_iterator(bundle.toStdString())) {
    if (item.is_regular_file()) fs::copy_file(item.path(), dir / item.path().filename());
  }
  nlohmann::json manifest = nlohmann::json::parse(io::readWholeFile((dir / "manifest.json").string()));
  edit(dir, manifest);
  io::writeFileAtomically((dir / "manifest.json").string(), manifest.dump(1));
  return QString::fromStdString(dir.string());
}

void rehash(const fs::path& dir, nlohmann::json& manifest, const char* role) {
  manifest["files"][role]["sha256"] = fileHash(dir / manifest["files"][role]["path"].get<std::string>());
}

}  // namespace

class TestSam3Engine : public QObject {
  Q_OBJECT

  QTemporaryDir m_work;
  QString m_bundle;

  std::unique_ptr<model::Sam3Segmenter> open(const QString& cacheDir = {}, const QString& device = QStringLiteral("cpu"),
                                             const char* precision = "fp32") {
    model::Sam3SegmenterOptions options;
    options.bundleDirectory = m_bundle.toStdString();
    options.cacheDirectory = cacheDir.toStdString();
    options.device = device.toStdString();
    options.precision = precision;
    std::string error;
    auto engine = model::Sam3Segmenter::open(options, error);
    if (!engine) qWarning("open failed: %s", error.c_str());
    return engine;
  }

  QString openError(const QString& bundle) {
    model::Sam3SegmenterOptions options;
    options.bundleDirectory = bundle.toStdString();
    options.precision = "fp32";  // the variants replace the fp32 graphs
    std::string error;
    auto engine = model::Sam3Segmenter::open(options, error);
    return engine ? QString() : QString::fromStdString(error);
  }

 private Q_SLOTS:
  void initTestCase() {
    if (!test::pythonHasTorch()) QSKIP("Debian's python3-torch is not installed; skipped");
    m_bundle = m_work.filePath(QStringLiteral("fixture.sam3bundle"));
    const QString error = test::makeFixtureBundle(m_bundle, /*withVariants=*/true);
    QVERIFY2(error.isEmpty(), qPrintable(error));
  }

  void loadsAndDescribesItself() {
    auto engine = open();
    QVERIFY(engine);
    QVERIFY(engine->name().find("fixture") != std::string::npos);
    const segment::Capabilities caps = engine->capabilities();
    QVERIFY(caps.multimask && caps.findSimilar);
    QCOMPARE(caps.text, test::fixtureHasText(m_bundle));
    QCOMPARE(engine->deviceDescription(), std::string("CPU"));
    QVERIFY2(engine->statusText().find(" · CPU · ") != std::string::npos, engine->statusText().c_str());
  }

  void failingGpuFallsBackToCpuWithAReason() {
    // Injected failure: "cuda" taken as asked without looking for a GPU, so the model's load on
    // CUDA fails for real here (no device or driver on a CUDA LibTorch build; no CUDA backend on
    // a CPU-only one), as an out-of-memory GPU or a driver mismatch would. The engine must open
    // on the CPU, say why, and work.
    // The fixture's graphs come from Debian's torch without the exporter's device rewrite: as
    // such a bundle it is kept on the CPU before any GPU load is tried, saying why.
    model::Sam3SegmenterOptions options;
    options.bundleDirectory = m_bundle.toStdString();
    options.device = "cuda";
    options.probeDevice = false;
    std::string error;
    auto cpuOnly = model::Sam3Segmenter::open(options, error);
    QVERIFY2(cpuOnly, error.c_str());
    QCOMPARE(cpuOnly->deviceDescription(), std::string("CPU"));
    QVERIFY2(cpuOnly->deviceReason().find("traced for the CPU only") != std::string::npos, cpuOnly->deviceReason().c_str());
    // Declared portable, the CUDA load is tried and fails for real.
    options.bundleDirectory = variantOf(m_bundle, m_work.path(), QStringLiteral("portable"),
                                        [](const fs::path&, nlohmann::json& m) { m["producer"]["device_portable"] = true; })
                                  .toStdString();
    auto engine = model::Sam3Segmenter::open(options, error);
    QVERIFY2(engine, error.c_str());
    if (engine->deviceDescription() != "CPU") QSKIP("the CUDA load succeeded (a GPU is present): no failure to inject");
    QVERIFY2(engine->deviceReason().find("CUDA 0 could not load the model (") != std::string::npos, engine->deviceReason().c_str());
    QVERIFY(engine->deviceReason().find("running on the CPU") != std::string::npos);
    QVERIFY(engine->statusText().find(engine->deviceReason()) != std::string::npos);
    QVERIFY(engine->setImage(test::randomDiscs(96, 64, 1), "x").ok());
    prompt::InteractivePrompt click;
    click.clicks.push_back({40, 30, true});
    QVERIFY(engine->predict(click).status.ok());
    // A broken bundle is still reported as the bundle's fault, not hidden behind the fallback.
    options.bundleDirectory = m_work.filePath(QStringLiteral("missing.sam3bundle")).toStdString();
    QVERIFY(!model::Sam3Segmenter::open(options, error));
    QVERIFY2(error.find("not a model bundle directory") != std::string::npos, error.c_str());
  }

  void cudaRequestFallsBackToCpuWithAReason() {
    auto engine = open({}, QStringLiteral("cuda"));
    QVERIFY(engine);
    if (engine->deviceDescription() != "CPU") QSKIP("a CUDA device is present: no fallback to check");
    QVERIFY(engine->deviceReason().find("CUDA was requested") != std::string::npos);
    QVERIFY(engine->statusText().find(engine->deviceReason()) != std::string::npos);
    QVERIFY(engine->setImage(test::randomDiscs(96, 64, 1), "x").ok());  // and it works
    model::Sam3SegmenterOptions bad;
    bad.bundleDirectory = m_bundle.toStdString();
    bad.device = "tpu";
    std::string error;
    QVERIFY(!model::Sam3Segmenter::open(bad, error));
    QVERIFY(error.find("unknown device") != std::string::npos);
  }

  void clicksGiveCandidatesEqualToTheModel() {
    auto engine = open();
    const cv::Mat image = test::randomDiscs(320, 200, 2);
    QVERIFY(engine->setImage(image, "a").ok());
    prompt::InteractivePrompt click;
    click.clicks = {{100.5, 80.5, true}};
    const segment::Prediction one = engine->predict(click);
    QVERIFY2(one.status.ok(), one.status.message.c_str());
    QCOMPARE(one.candidates.size(), size_t(3));  // an ambiguous single click
    for (size_t i = 0; i < 3; ++i) {
      QCOMPARE(one.candidates[i].mask.height(), 200);
      QCOMPARE(one.candidates[i].mask.width(), 320);
      if (i > 0) QVERIFY(one.candidates[i - 1].score >= one.candidates[i].score);
    }
    QCOMPARE(one.lowResLogits.size(), size_t(288 * 288));

    // The same prompt straight through the model: identical masks and scores.
    auto model = model::Sam3Model::load(m_bundle.toStdString(), c10::kCPU, "");
    const bundle::BundleManifest& m = model->manifest();
    const auto embedding = model->encodeImage(model::preprocessImage(segment::toBgr8(image), 1008, m.mean, m.std));
    const auto direct = model::InteractivePredictor(model->interactiveHeads())
                            .predict(model->interactiveImage(embedding), click, 200, 320, true, nullptr, true);
    const at::Tensor order = std::get<1>(direct.iou.sort(0, true));
    for (int64_t i = 0; i < 3; ++i) {
      const int64_t k = order[i].item<int64_t>();
      QCOMPARE(one.candidates[size_t(i)].score, direct.iou[k].item<double>());
      const at::Tensor expected = (direct.upsampledLogits[k] > 0).to(at::kByte).contiguous();
      QVERIFY(std::equal(one.candidates[size_t(i)].mask.data(), one.candidates[size_t(i)].mask.data() + 200 * 320,
                         expected.data_ptr<uint8_t>()));
    }

    // Box + clicks: one mask; the previous logits as a mask prompt are accepted.
    prompt::InteractivePrompt refine;
    refine.box = std::array<double, 4>{40, 30, 200, 160};
    refine.clicks = {{100, 80, true}, {180, 150, false}};
    refine.maskLogits = one.lowResLogits;
    const segment::Prediction refined = engine->predict(refine);
    QVERIFY2(refined.status.ok(), refined.status.message.c_str());
    QCOMPARE(refined.candidates.size(), size_t(1));
    QVERIFY(engine->predict(prompt::InteractivePrompt{}).status.message.find("empty") != std::string::npos);
    prompt::InteractivePrompt badMask;
    badMask.maskLogits = {1.f, 2.f};
    QVERIFY(engine->predict(badMask).status.message.find("288x288") != std::string::npos);
  }

  void reopeningAnImageDoesNotRunTheBackbone() {
    auto engine = open();
    const cv::Mat a = test::randomDiscs(160, 120, 3), b = test::randomDiscs(160, 120, 4);
    QVERIFY(engine->setImage(a, "a").ok());
    QVERIFY(engine->setImage(b, "b").ok());
    QCOMPARE(engine->stats().backboneRuns, 2);
    QVERIFY(engine->setImage(a, "a-renamed").ok());  // content-addressed: the name does not matter
    QCOMPARE(engine->stats().backboneRuns, 2);
    QCOMPARE(engine->stats().lastEmbeddingSource, std::string("memory"));
    QVERIFY(engine->stats().memoryHits >= 1);
    cv::Mat changed = a.clone();
    changed.at<cv::Vec3b>(5, 5)[0] ^= 1;  // one bit of one pixel
    QVERIFY(engine->setImage(changed, "a").ok());
    QCOMPARE(engine->stats().backboneRuns, 3);
  }

  void diskCacheSurvivesARestart() {
    QTemporaryDir cache;
    const cv::Mat image = test::randomDiscs(200, 150, 5);
    prompt::InteractivePrompt p;
    p.clicks = {{60, 50, true}, {120, 90, false}};
    segment::Prediction before;
    {
      auto engine = open(cache.path());
      QVERIFY(engine->setImage(image, "x").ok());
      QCOMPARE(engine->stats().backboneRuns, 1);
      before = engine->predict(p);
    }
    auto restarted = open(cache.path());
    QVERIFY(restarted->setImage(image, "x").ok());
    QCOMPARE(restarted->stats().backboneRuns, 0);
    QCOMPARE(restarted->stats().diskHits, 1);
    QCOMPARE(restarted->stats().lastEmbeddingSource, std::string("disk"));
    QVERIFY(restarted->statusText().find("disk cache") != std::string::npos);
    const segment::Prediction after = restarted->predict(p);
    QVERIFY(after.candidates.at(0).mask == before.candidates.at(0).mask);
    QCOMPARE(after.candidates[0].score, before.candidates[0].score);
  }

  void damagedCacheEntriesAreRecomputed_data() {
    QTest::addColumn<int>("damage");
    QTest::newRow("flipped data byte") << 0;
    QTest::newRow("truncated") << 1;
    QTest::newRow("garbage") << 2;
  }

  void damagedCacheEntriesAreRecomputed() {
    QFETCH(int, damage);
    QTemporaryDir cache;
    const cv::Mat image = test::randomDiscs(120, 90, 6);
    open(cache.path())->setImage(image, "x");
    QStringList entries = QDir(cache.path()).entryList({QStringLiteral("*.sam3emb")}, QDir::Files);
    QCOMPARE(entries.size(), 1);
    const std::string path = (cache.path() + QLatin1Char('/') + entries.first()).toStdString();
    std::string bytes = io::readWholeFile(path);
    if (damage == 0) bytes[bytes.size() - 1000] ^= 0x40;
    if (damage == 1) bytes.resize(bytes.size() / 2);
    if (damage == 2) bytes = "not a cache entry";
    io::writeFileAtomically(path, bytes);

    auto engine = open(cache.path());
    QVERIFY(engine->setImage(image, "x").ok());
    QCOMPARE(engine->stats().backboneRuns, 1);  // recomputed
    QVERIFY(engine->stats().corruptCacheEntries >= 1);
    auto again = open(cache.path());  // and rewritten intact
    again->setImage(image, "x");
    QCOMPARE(again->stats().backboneRuns, 0);
  }

  void diskCacheStaysWithinItsBudget() {
    QTemporaryDir cache;
    model::Sam3SegmenterOptions options;
    options.bundleDirectory = m_bundle.toStdString();
    options.cacheDirectory = cache.path().toStdString();
    options.cacheBudgetBytes = 40ull << 20;  // about two fixture entries
    std::string error;
    auto engine = model::Sam3Segmenter::open(options, error);
    for (int i = 0; i < 4; ++i) QVERIFY(engine->setImage(test::randomDiscs(64, 48, 10 + i), "x").ok());
    uint64_t total = 0;
    for (const QFileInfo& f : QDir(cache.path()).entryInfoList({QStringLiteral("*.sam3emb")}, QDir::Files)) total += uint64_t(f.size());
    QVERIFY2(total <= options.cacheBudgetBytes, qPrintable(QString::number(total)));
    QVERIFY(QDir(cache.path()).entryList({QStringLiteral("*.sam3emb")}, QDir::Files).size() >= 1);
  }

  void preEncodingFillsTheCacheWithoutChangingTheImage() {
    QTemporaryDir cache;
    auto engine = open(cache.path());
    const cv::Mat current = test::randomDiscs(100, 80, 20), next = test::randomDiscs(100, 80, 21);
    QVERIFY(engine->setImage(current, "current").ok());
    QVERIFY(!engine->isEncoded(next));
    segment::CancelToken cancel;
    cancel.cancel();
    QVERIFY(engine->preEncode(next, cancel).isCancelled());
    QVERIFY(!engine->isEncoded(next));
    QVERIFY(engine->preEncode(next).ok());
    QVERIFY(engine->isEncoded(next));
    QCOMPARE(engine->stats().backboneRuns, 2);
    QVERIFY(engine->preEncode(next).ok());  // already there: no work
    QCOMPARE(engine->stats().backboneRuns, 2);
    prompt::InteractivePrompt p;  // the current image is still the one predicted on
    p.box = std::array<double, 4>{10, 10, 60, 50};
    QCOMPARE(engine->predict(p).candidates.at(0).mask.width(), 100);
    QVERIFY(engine->setImage(next, "next").ok());
    QCOMPARE(engine->stats().backboneRuns, 2);
  }

  void findSimilarAppliesTheScoreThreshold() {
    auto engine = open();
    const cv::Mat image = test::randomDiscs(300, 200, 7);
    QVERIFY(engine->setImage(image, "x").ok());
    segment::FindSimilarRequest request;
    request.exemplars = {{{40, 30, 120, 110}, true}, {{200, 100, 260, 180}, false}};
    request.threshold = 0.0;
    const segment::FindSimilarResult all = engine->findSimilar(request);
    QVERIFY2(all.status.ok(), all.status.message.c_str());
    QCOMPARE(all.instances.size(), size_t(16));  // every query of the fixture's head

    // The scores are sigmoid(logit) * sigmoid(presence) of the model's own outputs.
    auto model = model::Sam3Model::load(m_bundle.toStdString(), c10::kCPU, "");
    const bundle::BundleManifest& m = model->manifest();
    const auto embedding = model->encodeImage(model::preprocessImage(segment::toBgr8(image), 1008, m.mean, m.std));
    prompt::GeometryPromptBuilder builder(300, 200);
    builder.addBox(40, 30, 120, 110, true);
    builder.addBox(200, 100, 260, 180, false);
    const auto geometry = model->geometryEncoder().encode(builder.build(), model->geometryImage(embedding));
    const auto [text, textMask] = model->textPrompt("");
    const model::GroundingOutput g =
        model->ground(embedding, at::cat({text, geometry.embeddings}, 0), at::cat({textMask, geometry.mask}, 1));
    const at::Tensor expected = std::get<0>(g.scores.sort(0, true));
    for (size_t i = 0; i < all.instances.size(); ++i) {
      QVERIFY(std::abs(all.instances[i].score - expected[int64_t(i)].item<double>()) < 1e-6);
      const auto& box = all.instances[i].box;
      QVERIFY(box[0] >= 0 && box[2] <= 300 && box[1] >= 0 && box[3] <= 200 && box[0] <= box[2]);
      QCOMPARE(all.instances[i].mask.height(), 200);
    }
    // The best instance's mask is its upsampled logits > 0 (sigmoid > 0.5).
    const int64_t best = std::get<1>(g.scores.sort(0, true))[0].item<int64_t>();
    const at::Tensor bestMask =
        (model::upsampleLogits(g.maskLogits[best].view({1, 1, 288, 288}), 200, 300)[0][0] > 0).to(at::kByte).contiguous();
    QVERIFY(std::equal(all.instances[0].mask.data(), all.instances[0].mask.data() + 200 * 300, bestMask.data_ptr<uint8_t>()));

    const double cut = expected[5].item<double>();
    request.threshold = cut;
    const segment::FindSimilarResult some = engine->findSimilar(request);
    QCOMPARE(int(some.instances.size()), (expected > cut).sum().item<int>());
    for (const auto& instance : some.instances) QVERIFY(instance.score > cut);
    request.threshold = 0.0;
    request.maxInstances = 3;
    QCOMPARE(engine->findSimilar(request).instances.size(), size_t(3));
  }

  void findSimilarByText() {
    auto engine = open();
    QVERIFY(engine->setImage(test::randomDiscs(200, 150, 8), "x").ok());
    segment::FindSimilarRequest request;
    request.text = "a yellow flower";
    request.threshold = 0.0;
    const segment::FindSimilarResult result = engine->findSimilar(request);
    if (!test::fixtureHasText(m_bundle)) {
      QVERIFY(result.status.message.find("no text encoder") != std::string::npos);
      QCOMPARE(result.status.code, segment::StatusCode::Unsupported);
      QSKIP("golden tokenizer vocabulary absent: the fixture has no text encoder");
    }
    QVERIFY2(result.status.ok(), result.status.message.c_str());
    QCOMPARE(result.instances.size(), size_t(16));
    request.text = "a red car";
    QVERIFY(engine->findSimilar(request).instances.at(0).score != result.instances.at(0).score);  // the text matters
  }

  void phrasesInOneBatchEqualPhrasesOneByOne() {
    // Class names as prompts: the phrases go through the text encoder and the grounding head
    // together; each answer equals the one asked alone (and a repeated phrase its first copy).
    if (!test::fixtureHasText(m_bundle)) QSKIP("golden tokenizer vocabulary absent: the fixture has no text encoder");
    auto engine = open(QString(), QStringLiteral("cpu"), "fp32");
    QVERIFY(engine->setImage(test::randomDiscs(200, 150, 8), "x").ok());
    std::vector<segment::FindSimilarRequest> requests;
    for (const char* text : {"cat", "a red car", "tree", "cat"}) {
      segment::FindSimilarRequest r;
      r.text = text;
      r.threshold = 0.2;
      requests.push_back(r);
    }
    segment::FindSimilarRequest exemplar;  // not a phrase alone: asked on its own inside the batch
    exemplar.exemplars.push_back({{20, 20, 60, 60}, true});
    requests.push_back(exemplar);
    const std::vector<segment::FindSimilarResult> batch = engine->findSimilarBatch(requests);
    QCOMPARE(batch.size(), requests.size());
    for (size_t i = 0; i < requests.size(); ++i) {
      const segment::FindSimilarResult alone = engine->findSimilar(requests[i]);
      QVERIFY2(batch[i].status.ok() && alone.status.ok(), (batch[i].status.message + alone.status.message).c_str());
      QCOMPARE(batch[i].instances.size(), alone.instances.size());
      QVERIFY(std::abs(batch[i].presence - alone.presence) < 1e-5);
      for (size_t k = 0; k < alone.instances.size(); ++k) {
        QVERIFY(std::abs(batch[i].instances[k].score - alone.instances[k].score) < 1e-5);
        // Pixels whose logit is within rounding of 0 may fall either way (other GEMM blockings).
        const mask::BinaryMask &x = batch[i].instances[k].mask, &y = alone.instances[k].mask;
        int64_t differ = 0;
        for (int64_t p = 0; p < x.pixelCount(); ++p) differ += x.data()[p] != y.data()[p];
        QVERIFY2(differ <= x.pixelCount() / 10000, qPrintable(QString::number(differ)));
      }
    }
    QVERIFY(!batch[0].instances.empty());
    QCOMPARE(batch[3].instances.size(), batch[0].instances.size());
  }

  void bf16GraphsWhenTheBundleHasThem() {
    // The LibTorch 2.x flavour's fixture has bf16 graphs (made like the exporter's): asked for,
    // the engine runs them, says so, and answers as the fp32 graphs do to bf16 rounding; asked
    // of a bundle without them, it refuses naming the re-export.
    const nlohmann::json manifest = nlohmann::json::parse(io::readWholeFile(m_bundle.toStdString() + "/manifest.json"));
    if (!manifest["files"].contains("backbone_bf16")) {
      QVERIFY(!open(QString(), QStringLiteral("cpu"), "bf16"));
      QSKIP("this flavour's fixture comes from Debian's torch 1.13, without bf16 graphs: the LibTorch 2.x flavour runs this");
    }
    auto fp32 = open(QString(), QStringLiteral("cpu"), "fp32");
    auto bf16 = open(QString(), QStringLiteral("cpu"), "bf16");
    QVERIFY(fp32 && bf16);
    QVERIFY2(bf16->precisionDescription().rfind("bf16", 0) == 0, bf16->precisionDescription().c_str());
    QVERIFY2(bf16->statusText().find("bf16") != std::string::npos, bf16->statusText().c_str());
    QCOMPARE(fp32->precisionDescription(), std::string("fp32"));
    const cv::Mat image = test::randomDiscs(200, 150, 8);
    QVERIFY(fp32->setImage(image, "x").ok() && bf16->setImage(image, "x").ok());
    prompt::InteractivePrompt click;
    click.clicks.push_back({100, 75, true});
    const segment::Prediction a = fp32->predict(click), b = bf16->predict(click);
    QVERIFY2(a.status.ok() && b.status.ok(), (a.status.message + b.status.message).c_str());
    QCOMPARE(a.candidates.size(), b.candidates.size());
    const mask::BinaryMask& ma = a.candidates[0].mask;
    const mask::BinaryMask& mb = b.candidates[0].mask;
    int64_t both = 0, either = 0;
    for (int64_t i = 0; i < ma.pixelCount(); ++i) {
      both += ma.data()[i] && mb.data()[i];
      either += ma.data()[i] || mb.data()[i];
    }
    QVERIFY2(either == 0 || double(both) / double(either) > 0.9, qPrintable(QString::number(double(both) / double(either))));
    QVERIFY(std::abs(a.candidates[0].score - b.candidates[0].score) < 0.05);
  }

  void cancellationAndErrorsAreValues() {
    auto engine = open();
    prompt::InteractivePrompt p;
    p.clicks = {{5, 5, true}};
    QVERIFY(engine->predict(p).status.message.find("no image") != std::string::npos);
    QCOMPARE(engine->predict(p).status.code, segment::StatusCode::InvalidInput);
    segment::FindSimilarRequest request;
    request.exemplars = {{{1, 1, 20, 20}, true}};
    QVERIFY(engine->findSimilar(request).status.message.find("no image") != std::string::npos);
    QCOMPARE(engine->setImage(cv::Mat(), "empty").code, segment::StatusCode::InvalidInput);
    QVERIFY(engine->setImage(test::randomDiscs(90, 60, 9), "x").ok());
    segment::CancelToken cancel;
    cancel.cancel();
    QVERIFY(engine->predict(p, cancel).status.isCancelled());
    QVERIFY(engine->findSimilar(request, cancel).status.isCancelled());
    QVERIFY(engine->findSimilar(segment::FindSimilarRequest{}).status.message.find("exemplar") != std::string::npos);
    p.clicks = {{std::nan(""), 5, true}};
    const segment::Prediction failed = engine->predict(p);
    QVERIFY(failed.status.message.find("SAM3 prediction failed") != std::string::npos);
    QCOMPARE(failed.status.code, segment::StatusCode::EngineFailure);
  }

  void badBundlesAreRefusedClearly() {
    const QString parent = m_work.filePath(QStringLiteral("variants"));
    QCOMPARE(openError(m_work.filePath(QStringLiteral("nowhere"))).contains(QStringLiteral("not a model bundle directory")), true);
    QDir().mkpath(m_work.filePath(QStringLiteral("empty")));
    QVERIFY(openError(m_work.filePath(QStringLiteral("empty"))).contains(QStringLiteral("no manifest.json")));

    const QString missing = variantOf(m_bundle, parent, QStringLiteral("missing"), [](const fs::path& dir, nlohmann::json&) {
      fs::remove(dir / "grounding_head.pt");
    });
    QVERIFY2(openError(missing).contains(QStringLiteral("missing file grounding_head.pt")), qPrintable(openError(missing)));

    const QString wrongHash = variantOf(m_bundle, parent, QStringLiteral("hash"), [](const fs::path& dir, nlohmann::json&) {
      std::ofstream(dir / "weights.safetensors", std::ios::app) << "x";
    });
    QVERIFY(openError(wrongHash).contains(QStringLiteral("does not match its sha256")));

    const QString future = variantOf(m_bundle, parent, QStringLiteral("future"), [](const fs::path&, nlohmann::json& m) {
      m["version"] = 7;
    });
    QVERIFY(openError(future).contains(QStringLiteral("version 7 is newer than this build reads")));

    const QString newer = variantOf(m_bundle, parent, QStringLiteral("libtorch2"), [](const fs::path&, nlohmann::json& m) {
      m["producer"]["target_libtorch"] = "2.x";
    });
    if (TORCH_VERSION_MAJOR < 2) {
      QVERIFY2(openError(newer).contains(QStringLiteral("exported for LibTorch 2.x; this build has 1.13: re-export with")),
               qPrintable(openError(newer)));
    } else {
      QVERIFY2(!openError(newer).contains(QStringLiteral("LibTorch")), qPrintable(openError(newer)));
    }
    QCOMPARE(QString::fromStdString(bundle::libtorchMismatch("1.13", 1, 13)), QString());
    QCOMPARE(QString::fromStdString(bundle::libtorchMismatch("2.x", 2, 11)), QString());
    QVERIFY(!bundle::libtorchMismatch("2.x", 1, 13).empty());
    const QString badTarget = variantOf(m_bundle, parent, QStringLiteral("target"), [](const fs::path&, nlohmann::json& m) {
      m["producer"]["target_libtorch"] = "3.0";
    });
    QVERIFY2(openError(badTarget).contains(QStringLiteral("target_libtorch")), qPrintable(openError(badTarget)));

    const QString missingOp = variantOf(m_bundle, parent, QStringLiteral("missing-op"), [&](const fs::path& dir, nlohmann::json& m) {
      fs::copy_file(fs::path(m_bundle.toStdString()) / "variants" / "backbone_missing_op.pt", dir / "backbone.pt",
                    fs::copy_options::overwrite_existing);
      rehash(dir, m, "backbone");
    });
    QVERIFY2(openError(missingOp).contains(QStringLiteral("fixture_only::identity")), qPrintable(openError(missingOp)));
    QVERIFY2(openError(missingOp).contains(QStringLiteral("does not provide")), qPrintable(openError(missingOp)));

    const QString needsOp = variantOf(m_bundle, parent, QStringLiteral("needs-op"), [](const fs::path&, nlohmann::json& m) {
      m["ops"].push_back("sam3::not_an_op");
    });
    QVERIFY(openError(needsOp).contains(QStringLiteral("needs the operator sam3::not_an_op")));

    const QString truncated = variantOf(m_bundle, parent, QStringLiteral("truncated"), [](const fs::path& dir, nlohmann::json& m) {
      const fs::path weights = dir / "weights.safetensors";
      fs::resize_file(weights, fs::file_size(weights) / 2);
      rehash(dir, m, "weights");
    });
    QVERIFY2(openError(truncated).contains(QStringLiteral("weights")), qPrintable(openError(truncated)));

    const QString shapes = variantOf(m_bundle, parent, QStringLiteral("shapes"), [](const fs::path&, nlohmann::json& m) {
      m["interactive"]["embed_dim"] = 64;  // the weights are 32 wide
    });
    QVERIFY2(openError(shapes).contains(QStringLiteral("tracker.")), qPrintable(openError(shapes)));

    const QString brokenJson = variantOf(m_bundle, parent, QStringLiteral("json"), [](const fs::path&, nlohmann::json&) {});
    io::writeFileAtomically((fs::path(brokenJson.toStdString()) / "manifest.json").string(), "{\"format\": ");
    QVERIFY(openError(brokenJson).contains(QStringLiteral("not valid JSON")));

    // After all that, the classic engine is untouched and works.
    classic::ClassicSegmenter classic;
    QVERIFY(classic.setImage(test::randomDiscs(120, 90, 1), "x").ok());
    prompt::InteractivePrompt p;
    p.box = std::array<double, 4>{10, 10, 60, 60};
    QVERIFY(classic.predict(p).status.ok());
  }

  void exporterRefusesWithoutItsPrerequisites() {
    // Debian's python3-torch is 1.13 without the official sam3 package: the exporter must stop
    // with exit code 2 and say what is missing, writing nothing.
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    const QString out = m_work.filePath(QStringLiteral("exported.sam3bundle"));
    python.start(test::systemPython(), {qEnvironmentVariable("SAM3_SOURCE_DIR") + QStringLiteral("/tools/export_sam3_bundle.py"),
                                        QStringLiteral("--checkpoint"), m_work.filePath(QStringLiteral("sam3.pt")),
                                        QStringLiteral("--out"), out});
    QVERIFY(python.waitForFinished(120000));
    const QString output = QString::fromUtf8(python.readAll());
    QCOMPARE(python.exitCode(), 2);
    QVERIFY2(output.contains(QStringLiteral("torch")) && output.contains(QStringLiteral("sam3")), qPrintable(output));
    QVERIFY(!QFileInfo::exists(out));
  }

  void verifiedFilesAreNotHashedAgain() {
    QTemporaryDir cache;
    bundle::BundleManifest manifest = bundle::BundleManifest::read(m_bundle.toStdString());
    const std::string stamp = (cache.path() + QStringLiteral("/stamp.json")).toStdString();
    bundle::verifyBundleFiles(manifest, m_bundle.toStdString(), stamp);
    QVERIFY(QFile::exists(QString::fromStdString(stamp)));
    // A lie in the manifest goes unnoticed only while size and mtime match the stamp's record
    // of the same hash: changing the recorded hash forces a re-check, which fails.
    manifest.weights.sha256 = std::string(64, '0');
    QVERIFY(test::errorOf([&] { bundle::verifyBundleFiles(manifest, m_bundle.toStdString(), stamp); })
                .contains(QStringLiteral("does not match")));
  }
};

QTEST_GUILESS_MAIN(TestSam3Engine)
#include "tst_sam3_engine.moc"
