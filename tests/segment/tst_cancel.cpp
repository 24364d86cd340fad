// The one cancellation type (engine/segment/Cancel.h): copies share one state, a stream
// cancels the work it handed out before, and an engine's long step stops on it.
#include <QtTest>

#include "engine/classic/ClassicSegmenter.h"
#include "engine/segment/Cancel.h"

using namespace sam3;

class TestCancel : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void copiesShareOneState() {
    const segment::CancelToken token;
    const segment::CancelToken copy = token;  // as it travels to the engine thread
    QVERIFY(!copy.isCancelled());
    token.cancel();
    QVERIFY(copy.isCancelled());
    QVERIFY(!segment::CancelToken().isCancelled());  // a new one starts live
  }

  void aStreamCancelsWhatItStartedBefore() {
    segment::CancelStream stream;
    const segment::CancelToken first = stream.start();
    const segment::CancelToken second = stream.start();
    QVERIFY(first.isCancelled());  // newer work abandons the older
    QVERIFY(!second.isCancelled());
    stream.cancel();
    QVERIFY(second.isCancelled());
    QVERIFY(!stream.start().isCancelled());
  }

  void anEngineAnswersACancelledTokenWithTheCancelledCode() {
    classic::ClassicSegmenter engine;
    QVERIFY(engine.setImage(cv::Mat(48, 64, CV_8UC3, cv::Scalar(20, 40, 60)), "plain").ok());
    prompt::InteractivePrompt box;
    box.box = std::array<double, 4>{10, 10, 40, 30};
    segment::CancelToken cancel;
    cancel.cancel();
    const segment::Prediction p = engine.predict(box, cancel);
    QCOMPARE(p.status.code, segment::StatusCode::Cancelled);
    QVERIFY(p.candidates.empty());
    QVERIFY(engine.predict(box).status.ok());
  }
};

QTEST_MAIN(TestCancel)
#include "tst_cancel.moc"
