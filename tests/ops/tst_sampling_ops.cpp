// sam3::grid_sample, sam3::roi_align and sam3::sample_points_seq against independent
// references: LibTorch's grid_sampler for every mode combination, and a scalar port of
// torchvision's roi_align loop. Also bad input, non-finite coordinates and empty inputs.

#include <ATen/core/dispatch/Dispatcher.h>

#include <QtTest>

#include "support/TestSupport.h"

#include "RoiAlignOracle.h"
#include "engine/ops/OpsRegistry.h"
#include "engine/ops/SamplingOps.h"

using namespace sam3::ops;
using sam3::test::errorOf;

Q_DECLARE_METATYPE(at::ScalarType)

namespace {

at::Tensor floats(std::vector<float> values) { return at::tensor(at::ArrayRef<float>(values)); }


double maxAbsDiff(const at::Tensor& a, const at::Tensor& b) {
  return a.numel() == 0 ? 0.0 : (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

bool allClose(const at::Tensor& a, const at::Tensor& b, double rtol, double atol) {
  return a.sizes() == b.sizes() && at::allclose(a.to(at::kDouble), b.to(at::kDouble), rtol, atol);
}

// Grid values on a 1/64 lattice: every unnormalize is exact in float, so nearest-neighbour
// decisions (including exact .5 ties) cannot depend on evaluation order.
at::Tensor dyadicGrid(at::IntArrayRef sizes, at::ScalarType dtype) {
  return (at::randint(-96, 97, sizes, at::kLong).to(dtype) / 64.0);
}


}  // namespace

class TestSamplingOps : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    ensureOpsRegistered();
    at::manual_seed(7);
  }

  void gridSampleMatchesATen_data() {
    QTest::addColumn<int>("mode");
    QTest::addColumn<int>("padding");
    QTest::addColumn<bool>("alignCorners");
    QTest::addColumn<at::ScalarType>("dtype");
    for (int mode : {0, 1})
      for (int padding : {0, 1, 2})
        for (bool align : {false, true})
          for (at::ScalarType dtype : {at::kFloat, at::kDouble}) {
            QTest::addRow("%s_%s_ac%d_%s", mode ? "nearest" : "bilinear",
                          padding == 0 ? "zeros" : padding == 1 ? "border" : "reflection", int(align),
                          dtype == at::kFloat ? "f32" : "f64")
                << mode << padding << align << dtype;
          }
  }

  void gridSampleMatchesATen() {
    QFETCH(int, mode);
    QFETCH(int, padding);
    QFETCH(bool, alignCorners);
    QFETCH(at::ScalarType, dtype);
    const double tol = dtype == at::kFloat ? 1e-5 : 1e-12;
    const std::vector<std::vector<int64_t>> shapes = {{2, 3, 5, 7}, {1, 1, 1, 6}, {3, 2, 4, 1}, {1, 16, 9, 9}};
    for (const auto& shape : shapes) {
      const at::Tensor input = at::randn(shape, dtype);
      const at::Tensor grid = mode == 1 ? dyadicGrid({shape[0], 4, 6, 2}, dtype)
                                        : at::rand({shape[0], 4, 6, 2}, dtype) * 3.2 - 1.6;
      const at::Tensor expected = at::grid_sampler(input, grid, mode, padding, alignCorners);
      const at::Tensor actual = gridSample(input, grid, Interpolation(mode), Padding(padding), alignCorners);
      QVERIFY2(allClose(actual, expected, tol, tol),
               qPrintable(QStringLiteral("max diff %1").arg(maxAbsDiff(actual, expected))));

      // Non-contiguous views of the same data give the same result.
      const at::Tensor inputT = input.transpose(2, 3).contiguous().transpose(2, 3);
      const at::Tensor gridT = grid.transpose(1, 2).contiguous().transpose(1, 2);
      QVERIFY(!gridT.is_contiguous());
      if (shape[2] > 1 && shape[3] > 1) QVERIFY(!inputT.is_contiguous());
      const at::Tensor strided = gridSample(inputT, gridT, Interpolation(mode), Padding(padding), alignCorners);
      QVERIFY(at::equal(strided, actual));
    }
  }

  void samplePointsSeqMatchesGridSample() {
    for (int64_t batch : {1, 2}) {
      const int64_t h = 9, w = 13, c = 24, n = 17;
      const at::Tensor map = at::randn({batch, c, h, w});
      at::Tensor points = at::rand({n, batch, 2}) * 1.2 - 0.1;  // some outside [0,1]
      points[0][0][0] = 0.0; points[0][0][1] = 1.0;              // exact borders
      const at::Tensor grid = (points * 2 - 1).permute({1, 0, 2}).unsqueeze(2);  // [B,N,1,2]
      const at::Tensor expected = at::grid_sampler(map, grid, 0, 0, false).squeeze(3).permute({2, 0, 1});
      const at::Tensor feats = map.flatten(2).permute({2, 0, 1}).contiguous();  // [HW,B,C]
      const at::Tensor actual = samplePointsSeq(feats, points, h, w);
      QVERIFY2(allClose(actual, expected, 1e-5, 1e-6), qPrintable(QString::number(maxAbsDiff(actual, expected))));
    }
  }

  void roiAlignMatchesOracle_data() {
    QTest::addColumn<double>("scale");
    QTest::addColumn<int>("samplingRatio");
    QTest::addColumn<bool>("aligned");
    QTest::addColumn<at::ScalarType>("dtype");
    for (double scale : {1.0, 0.25})
      for (int ratio : {-1, 0, 2, 3})
        for (bool aligned : {false, true})
          for (at::ScalarType dtype : {at::kFloat, at::kDouble})
            QTest::addRow("s%g_sr%d_al%d_%s", scale, ratio, int(aligned), dtype == at::kFloat ? "f32" : "f64")
                << scale << ratio << aligned << dtype;
  }

  void roiAlignMatchesOracle() {
    QFETCH(double, scale);
    QFETCH(int, samplingRatio);
    QFETCH(bool, aligned);
    QFETCH(at::ScalarType, dtype);
    const at::Tensor input = at::randn({3, 5, 12, 15}, dtype);
    const int64_t k = 40;
    at::Tensor rois = at::empty({k, 5}, dtype);
    rois.select(1, 0).copy_(at::randint(0, 3, {k}).to(dtype));
    const at::Tensor xy = at::rand({k, 4}, dtype) * 80.0 - 10.0;  // boxes partly outside, inverted
    rois.slice(1, 1, 5).copy_(xy / (scale * 4.0));
    rois[0][3] = rois[0][1];  // zero width
    rois[1][4] = rois[1][2];  // zero height
    for (auto [outH, outW] : {std::pair<int64_t, int64_t>{7, 7}, {3, 5}}) {
      const at::Tensor expected = sam3::test::roiAlignOracle(input, rois, scale, outH, outW, samplingRatio, aligned);
      const at::Tensor actual = roiAlign(input, rois, scale, outH, outW, samplingRatio, aligned);
      const double tol = dtype == at::kFloat ? 2e-5 : 1e-11;
      QVERIFY2(allClose(actual, expected, tol, tol), qPrintable(QString::number(maxAbsDiff(actual, expected))));
      // A channels-last input takes the vectorized kernel: same values, contiguous output.
      const at::Tensor fromChannelsLast =
          roiAlign(input.contiguous(at::MemoryFormat::ChannelsLast), rois, scale, outH, outW, samplingRatio, aligned);
      QVERIFY(fromChannelsLast.is_contiguous());
      QVERIFY2(allClose(fromChannelsLast, expected, tol, tol), qPrintable(QString::number(maxAbsDiff(fromChannelsLast, expected))));
    }
  }

  void roiAlignPerImageListsMatchTensorForm() {
    const at::Tensor input = at::randn({2, 4, 10, 10});
    const at::Tensor boxesA = floats({1.0f, 1.0f, 6.0f, 5.0f, 0.0f, 0.0f, 9.0f, 9.0f}).view({2, 4});
    const at::Tensor boxesB = floats({2.0f, 3.0f, 4.0f, 8.0f}).view({1, 4});
    const at::Tensor rois = floats({0.0f, 1, 1, 6, 5, 0, 0, 0, 9, 9, 1, 2, 3, 4, 8}).view({3, 5});
    QVERIFY(at::equal(roiAlign(input, {boxesA, boxesB}, 1.0, 7, 7, -1, false),
                      roiAlign(input, rois, 1.0, 7, 7, -1, false)));
  }

  void emptyInputs() {
    const at::Tensor input = at::randn({1, 3, 4, 4});
    QCOMPARE(roiAlign(input, at::empty({0, 5}), 1.0, 7, 7).sizes().vec(), (std::vector<int64_t>{0, 3, 7, 7}));
    QCOMPARE(gridSample(input, at::empty({1, 0, 3, 2})).sizes().vec(), (std::vector<int64_t>{1, 3, 0, 3}));
    QCOMPARE(samplePointsSeq(at::randn({16, 1, 3}), at::empty({0, 1, 2}), 4, 4).sizes().vec(),
             (std::vector<int64_t>{0, 1, 3}));
    QCOMPARE(gridSample(at::randn({0, 3, 4, 4}), at::empty({0, 2, 2, 2})).numel(), int64_t(0));
  }

  // Non-finite coordinates: defined, finite output, no out-of-bounds read (ASan preset).
  void nonFiniteCoordinates() {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    const float inf = std::numeric_limits<float>::infinity();
    const at::Tensor input = at::rand({1, 2, 5, 5}) + 1.0;  // strictly positive values
    const at::Tensor grid = floats({nan, 0.f, 0.f, nan, inf, 0.f, -inf, -inf, 1e30f, 0.f, 0.f, 0.f}).view({1, 1, 6, 2});
    for (int padding : {0, 1, 2}) {
      for (int mode : {0, 1}) {
        const at::Tensor out = gridSample(input, grid, Interpolation(mode), Padding(padding), false);
        QVERIFY(at::isfinite(out).all().item<bool>());
        // The last point (0,0) is ordinary and must be non-zero; NaN points are zero.
        QVERIFY(out[0][0][0][5].item<float>() > 0.0f);
        QCOMPARE(out[0][0][0][0].item<float>(), 0.0f);
        QCOMPARE(out[0][0][0][1].item<float>(), 0.0f);
      }
    }
    const at::Tensor rois = floats({0.f, nan, 0.f, 3.f, 3.f, 0.f, 0.f, 0.f, inf, 3.f, 0.f, 1.f, 1.f, 3.f, 3.f}).view({3, 5});
    const at::Tensor pooled = roiAlign(input, rois, 1.0, 2, 2, 2, false);
    QVERIFY(at::isfinite(pooled).all().item<bool>());
    QCOMPARE(pooled[0].abs().sum().item<float>(), 0.0f);
    QCOMPARE(pooled[1].abs().sum().item<float>(), 0.0f);
    QVERIFY(pooled[2].abs().sum().item<float>() > 0.0f);
    const at::Tensor points = floats({nan, 0.5f, 0.5f, 0.5f}).view({2, 1, 2});
    const at::Tensor seq = samplePointsSeq(at::rand({25, 1, 2}) + 1.0, points, 5, 5);
    QCOMPARE(seq[0].abs().sum().item<float>(), 0.0f);
    QVERIFY(seq[1].abs().sum().item<float>() > 0.0f);
  }

  void badInputNamesTheArgument_data() {
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("expected");
    QTest::newRow("grid_sample 3-D input") << 0 << "`input` must be 4-D";
    QTest::newRow("grid_sample grid last dim") << 1 << "`grid` must be [N,H_out,W_out,2]";
    QTest::newRow("grid_sample batch mismatch") << 2 << "batch";
    QTest::newRow("grid_sample dtype mismatch") << 3 << "same dtype";
    QTest::newRow("grid_sample bad mode") << 4 << "`mode`";
    QTest::newRow("grid_sample integer input") << 5 << "floating-point";
    QTest::newRow("roi_align rois shape") << 6 << "`rois` must be [K,5]";
    QTest::newRow("roi_align negative output") << 7 << "output size must be positive";
    QTest::newRow("roi_align batch index") << 8 << "batch index";
    QTest::newRow("roi_align spatial scale") << 9 << "`spatial_scale`";
    QTest::newRow("sample_points_seq tokens") << 10 << "H*W";
    QTest::newRow("sample_points_seq points") << 11 << "`points` must be [N,B,2]";
    QTest::newRow("grid_sample half on cpu") << 12 << "float32 or float64";
  }

  void badInputNamesTheArgument() {
    QFETCH(int, which);
    QFETCH(QString, expected);
    const at::Tensor x = at::randn({1, 2, 4, 4});
    const std::vector<std::function<void()>> calls = {
        [&] { gridSample(at::randn({2, 4, 4}), at::zeros({1, 1, 1, 2})); },
        [&] { gridSample(x, at::zeros({1, 1, 1, 3})); },
        [&] { gridSample(x, at::zeros({2, 1, 1, 2})); },
        [&] { gridSample(x, at::zeros({1, 1, 1, 2}, at::kDouble)); },
        [&] { gridSample(x, at::zeros({1, 1, 1, 2}), Interpolation(5)); },
        [&] { gridSample(at::zeros({1, 2, 4, 4}, at::kLong), at::zeros({1, 1, 1, 2}, at::kLong)); },
        [&] { roiAlign(x, at::zeros({3, 4}), 1.0, 7, 7); },
        [&] { roiAlign(x, at::zeros({1, 5}), 1.0, -1, 7); },
        [&] { roiAlign(x, floats({3.f, 0, 0, 1, 1}).view({1, 5}), 1.0, 7, 7); },
        [&] { roiAlign(x, at::zeros({1, 5}), std::nan(""), 7, 7); },
        [&] { samplePointsSeq(at::randn({15, 1, 2}), at::zeros({1, 1, 2}), 4, 4); },
        [&] { samplePointsSeq(at::randn({16, 1, 2}), at::zeros({1, 1, 3}), 4, 4); },
        [&] { gridSample(x.to(at::kHalf), at::zeros({1, 1, 1, 2}, at::kHalf)); },
    };
    const QString message = errorOf(calls.at(which));
    QVERIFY2(message.contains(expected), qPrintable(QStringLiteral("got: '%1'").arg(message)));
  }

  void torchvisionCompatOpServesOurKernel() {
    QVERIFY(torchvisionCompatActive());
    const auto op = c10::Dispatcher::singleton().findSchemaOrThrow("torchvision::roi_align", "");
    const at::Tensor input = at::randn({1, 3, 8, 8});
    const at::Tensor rois = floats({0.f, 1, 1, 6, 7}).view({1, 5});
    const at::Tensor viaCompat =
        op.typed<at::Tensor(const at::Tensor&, const at::Tensor&, double, int64_t, int64_t, int64_t, bool)>()
            .call(input, rois, 1.0, 7, 7, -1, false);
    QVERIFY(at::equal(viaCompat, roiAlign(input, rois, 1.0, 7, 7, -1, false)));
  }
};

QTEST_GUILESS_MAIN(TestSamplingOps)
#include "tst_sampling_ops.moc"
