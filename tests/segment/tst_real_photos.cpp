// The classic engine on real photographs with hand-made ground truth (tests/data/real_photos):
// every case must keep the IoU floor cases.json gives it (box and click prompts), a lone click
// must offer more than one reading of its size, and the set's data must be what it says (each
// truth mask the size of its image, not empty).

#include <QtTest>
#include <opencv2/imgcodecs.hpp>

#include "engine/classic/ClassicSegmenter.h"
#include "support/RealPhotoCases.h"

using namespace sam3;

class TestRealPhotos : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    m_cases = test::loadRealPhotoCases();
    QVERIFY2(m_cases.size() >= 20, "the real-photo set lost cases");
  }

  void truthMatchesImages() {
    for (const auto& c : m_cases) {
      const cv::Mat image = cv::imread(c.imageFile, cv::IMREAD_COLOR);
      QVERIFY2(!image.empty(), c.imageFile.c_str());
      QCOMPARE(c.truth.size(), image.size());
      QVERIFY2(cv::countNonZero(c.truth) > 500, c.label.c_str());
      QVERIFY2(c.floors.count("classic"), (c.label + " has no classic floor").c_str());
    }
  }

  void classicKeepsItsFloors() {
    classic::ClassicSegmenter engine;
    std::string current;
    double clickSum = 0;
    int clicks = 0;
    for (const auto& c : m_cases) {
      const test::RealPhotoScore s = test::scoreCase(engine, c, current);
      QVERIFY2(s.error.empty(), (c.label + ": " + s.error).c_str());
      qInfo("%-40s IoU %.3f (floor %.2f)", c.label.c_str(), s.iou, c.floors.at("classic"));
      QVERIFY2(s.iou >= c.floors.at("classic"), qPrintable(QString("%1: IoU %2 below its floor %3")
                                                               .arg(QString::fromStdString(c.label))
                                                               .arg(s.iou, 0, 'f', 3)
                                                               .arg(c.floors.at("classic"))));
      if (!c.isBox) clickSum += s.iou, ++clicks;
    }
    // The single fixed include area of wave 1 averaged 0.55-0.57 on these ten clicks (its GrabCut
    // was unseeded), the size search 0.83.
    QVERIFY2(clickSum / clicks >= 0.75, qPrintable(QString("mean click IoU %1").arg(clickSum / clicks)));
  }

  void aClickOffersSeveralSizes() {
    // The cup click of issue #18: the candidates are different readings (part, cup, more).
    const auto it = std::find_if(m_cases.begin(), m_cases.end(), [](const test::RealPhotoCase& c) { return c.label == "cup / click 300,200"; });
    QVERIFY(it != m_cases.end());
    classic::ClassicSegmenter engine;
    QVERIFY(engine.setImage(cv::imread(it->imageFile, cv::IMREAD_COLOR), "cup").ok());
    const segment::Prediction p = engine.predict(it->prompt);
    QVERIFY2(p.status.ok(), p.status.message.c_str());
    QVERIFY2(p.candidates.size() >= 2, "a lone click should offer more than one size");
    for (size_t i = 0; i < p.candidates.size(); ++i) {
      QVERIFY(p.candidates[i].score > 0 && p.candidates[i].score <= 1);
      const auto& m = p.candidates[i].mask;
      const cv::Mat asTruth = cv::Mat(m.height(), m.width(), CV_8U, const_cast<uint8_t*>(m.data())) * 255;
      for (size_t j = 0; j < i; ++j) QVERIFY2(test::maskIou(p.candidates[j].mask, asTruth) <= 0.9, "candidates repeat each other");
    }
    const double first = test::maskIou(p.candidates[0].mask, it->truth);
    QVERIFY2(first >= it->floors.at("classic"), "the first candidate is the one the engine ranks best");
  }

 private:
  std::vector<test::RealPhotoCase> m_cases;
};

QTEST_GUILESS_MAIN(TestRealPhotos)
#include "tst_real_photos.moc"
