// matrixProduct / matrixProductTransposedA against at::mm, with strided operands, alpha/beta
// and products big enough for the row-split path; the linear layers built on them (either
// weight layout, the transposed copies, the matrix-vector switch) against at::linear, and the
// CPU attention against the batched form other devices run. Built twice: with the configured backend
// (oneDNN when found) and with ATen's BLAS only (tst_matrix_product_aten).

#include <ATen/ATen.h>
#include <QtTest>
#include <limits>

#include "engine/sam3/MatrixProduct.h"
#include "engine/sam3/NnOps.h"

using namespace sam3::model;

class TestMatrixProduct : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void productsEqualAtenMm_data() {
    QTest::addColumn<int>("m");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::newRow("few rows") << 3 << 70 << 16;
    QTest::newRow("row split") << 600 << 96 << 128;  // above the parallel threshold
    QTest::newRow("single") << 1 << 1 << 1;
  }

  void productsEqualAtenMm() {
    QFETCH(int, m);
    QFETCH(int, n);
    QFETCH(int, k);
    at::manual_seed(1);
    // Operands as column blocks of wider matrices, so the leading dimensions differ from the widths.
    const at::Tensor aWide = at::randn({m, k + 5}), bWide = at::randn({k, n + 3}), btWide = at::randn({n, k + 2});
    const at::Tensor atWide = at::randn({k, m + 4});
    const at::Tensor a = aWide.narrow(1, 2, k), b = bWide.narrow(1, 1, n), bt = btWide.narrow(1, 0, k), at_ = atWide.narrow(1, 3, m);
    const at::Tensor seed = at::randn({m, n});
    const float alpha = 0.5f, beta = 2.0f;
    auto check = [&](const at::Tensor& got, const at::Tensor& expected, const char* what) {
      const double error = (got - expected).abs().max().item<double>();
      QVERIFY2(error <= 1e-4 * (1.0 + expected.abs().max().item<double>()), qPrintable(QStringLiteral("%1: %2").arg(what).arg(error)));
    };
    at::Tensor out = seed.clone();
    matrixProduct(m, n, k, alpha, a.data_ptr<float>(), a.stride(0), b.data_ptr<float>(), b.stride(0), false, beta, out.data_ptr<float>(), n);
    check(out, beta * seed + alpha * at::mm(a, b), "A B");
    out = seed.clone();
    matrixProduct(m, n, k, alpha, a.data_ptr<float>(), a.stride(0), bt.data_ptr<float>(), bt.stride(0), true, beta, out.data_ptr<float>(), n);
    check(out, beta * seed + alpha * at::mm(a, bt.t()), "A B^T");
    out = at::full({m, n}, std::numeric_limits<float>::quiet_NaN());  // beta = 0 must not read C
    matrixProduct(m, n, k, 1.0f, a.data_ptr<float>(), a.stride(0), b.data_ptr<float>(), b.stride(0), false, 0.0f, out.data_ptr<float>(), n);
    check(out, at::mm(a, b), "beta 0");
    out = seed.clone();
    matrixProductTransposedA(m, n, k, alpha, at_.data_ptr<float>(), at_.stride(0), b.data_ptr<float>(), b.stride(0), beta,
                             out.data_ptr<float>(), n);
    check(out, beta * seed + alpha * at::mm(at_.t(), b), "A^T B");
  }

  // The CPU attention (one task per head, raw products) against the batched ATen form that
  // other devices run, with a key padding mask.
  void attentionPathsAgree() {
    at::manual_seed(3);
    const int64_t batch = 2, heads = 4, queries = 5, keys = 9, depth = 8;
    const at::Tensor q = at::randn({batch * heads, queries, depth}), keysT = at::randn({batch * heads, depth, keys});
    const at::Tensor values = at::randn({batch * heads, keys, depth});
    at::Tensor mask = at::zeros({batch, keys}, at::kBool);
    mask[1].narrow(0, 6, 3).fill_(true);  // the second item's last three keys are padding
    for (const at::Tensor& m : {at::Tensor(), mask}) {
      const at::Tensor cpu = attention(q, keysT, values, batch, m), batched = batchedAttention(q, keysT, values, batch, m);
      QCOMPARE(cpu.sizes().vec(), batched.sizes().vec());
      QVERIFY2((cpu - batched).abs().max().item<double>() < 1e-5, qPrintable(QString::number((cpu - batched).abs().max().item<double>())));
    }
    // Padded keys get no weight: changing their values changes nothing.
    at::Tensor otherValues = values.clone();
    otherValues.narrow(0, heads, heads).narrow(1, 6, 3).fill_(1e3);
    QVERIFY(at::allclose(attention(q, keysT, otherValues, batch, mask), attention(q, keysT, values, batch, mask)));
  }

  void linearLayersInEitherLayout_data() {
    QTest::addColumn<int>("rows");
    for (int rows : {1, 2, 3, 17}) QTest::newRow(qPrintable(QString("%1 row(s)").arg(rows))) << rows;  // both sides of the switch
  }

  void linearLayersInEitherLayout() {
    QFETCH(int, rows);
    at::manual_seed(2);
    const at::Tensor x = at::randn({rows, 1, 48}), weight = at::randn({40, 48}), bias = at::randn({40}), base = at::randn({rows, 1, 40});
    const at::Tensor expected = at::linear(x, weight, bias);
    auto check = [&](const at::Tensor& got, const at::Tensor& want, const char* what) {
      QCOMPARE(got.sizes().vec(), want.sizes().vec());
      const double error = (got - want).abs().max().item<double>();
      QVERIFY2(error <= 1e-4 * (1.0 + want.abs().max().item<double>()), qPrintable(QStringLiteral("%1: %2").arg(what).arg(error)));
    };
    check(linear(x, weight, bias), expected, "linear, [out, in] weight");
    check(linear(x, transposedLinear(weight, bias)), expected, "linear, transposed layer");
    check(productOnto(x, weight.t(), base), base + at::matmul(x, weight.t()), "product onto, transposed view");
    check(productOnto(x, weight.t().contiguous(), base), base + at::matmul(x, weight.t()), "product onto, row-major [in, out]");
    const LinearLayers layers = transposedLinears({{"a.weight", weight}, {"a.bias", bias}, {"b.weight", weight}, {"c.weight", bias}});
    QCOMPARE(int(layers.size()), 1);  // only a 2-D weight with its bias is a linear layer
    check(layers.at("a").weightT, weight.t(), "transposed copy");
    QVERIFY(layers.at("a").weightT.is_contiguous());
  }
};

QTEST_GUILESS_MAIN(TestMatrixProduct)
#include "tst_matrix_product.moc"
