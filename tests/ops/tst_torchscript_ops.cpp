// TorchScript round trip: a module scripted by Debian's Python (calling torch.ops.sam3.* and
// torch.ops.torchvision.roi_align) loads in C++ and runs on our kernels, equal to direct calls.

#include <torch/script.h>

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "engine/ops/OpsRegistry.h"
#include "engine/ops/SamplingOps.h"
#include "support/TestSupport.h"

namespace {
at::Tensor floats(std::vector<float> values) { return at::tensor(at::ArrayRef<float>(values)); }

}  // namespace

class TestTorchScriptOps : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void scriptedModuleRunsOurKernels() {
    sam3::ops::ensureOpsRegistered();
    if (!sam3::test::pythonHasTorch()) QSKIP("Debian's python3-torch is not installed; skipped");
    QTemporaryDir dir;
    const QString module = dir.filePath(QStringLiteral("ops.pt"));
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    python.start(sam3::test::systemPython(),
                 {qEnvironmentVariable("SAM3_SOURCE_DIR") + QStringLiteral("/tests/ops/make_scripted_ops.py"),
                  qEnvironmentVariable("SAM3_OPS_LIBRARY"), module});
    QVERIFY(python.waitForFinished(300000));
    QVERIFY2(python.exitCode() == 0, python.readAll().constData());

    // No real torchvision in this process: torchvision::roi_align is our stand-in.
    QVERIFY(sam3::ops::torchvisionCompatActive());
    torch::jit::Module scripted = torch::jit::load(module.toStdString());
    const at::Tensor x = at::randn({2, 3, 16, 20});
    const at::Tensor rois = floats({0.f, 2, 3, 20, 25, 1, 0, 0, 39, 31, 1, 10, 4, 6, 30}).view({3, 5});
    const at::Tensor grid = at::rand({2, 5, 4, 2}) * 2.4 - 1.2;
    const auto outputs = scripted.forward({x, rois, grid}).toTuple()->elements();
    QCOMPARE(outputs.size(), size_t(3));
    const at::Tensor direct = sam3::ops::roiAlign(x, rois, 0.5, 7, 7, -1, false);
    QVERIFY(at::equal(outputs[0].toTensor(), direct));
    QVERIFY(at::equal(outputs[1].toTensor(), direct));
    const at::Tensor sampled = sam3::ops::gridSample(x, grid, sam3::ops::Interpolation::Bilinear,
                                                     sam3::ops::Padding::Reflection, true);
    QVERIFY(at::equal(outputs[2].toTensor(), sampled));
  }
};

QTEST_GUILESS_MAIN(TestTorchScriptOps)
#include "tst_torchscript_ops.moc"
