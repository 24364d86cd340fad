#include "engine/sam3/MatrixProduct.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>

#ifdef SAM3_HAVE_ONEDNN
#include <dnnl.h>
#endif

namespace sam3::model {
namespace {

// Below this many multiply-adds a product runs as one BLAS call on the calling thread.
constexpr int64_t kParallelMacs = 1 << 22;

// op(A) [m,k] with A stored [m,k], or [k,m] when transposeA; op(B) [k,n] likewise.
void atenProductRows(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, bool transposeA, const float* b,
                     int64_t ldb, bool transposeB, float beta, float* c, int64_t ldc) {
  const auto options = at::TensorOptions().dtype(at::kFloat);
  const at::Tensor left = transposeA ? at::from_blob(const_cast<float*>(a), {k, m}, {lda, 1}, options).t()
                                     : at::from_blob(const_cast<float*>(a), {m, k}, {lda, 1}, options);
  const at::Tensor right = transposeB ? at::from_blob(const_cast<float*>(b), {n, k}, {ldb, 1}, options).t()
                                      : at::from_blob(const_cast<float*>(b), {k, n}, {ldb, 1}, options);
  at::Tensor out = at::from_blob(c, {m, n}, {ldc, 1}, options);
  out.addmm_(left, right, beta, alpha);
}

// oneDNN when built with it; else ATen's BLAS, which is kept single-threaded (see
// platform::useSingleThreadedBlas), so large products are split into row blocks of C across the
// intra-op threads here.
void product(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, bool transposeA, const float* b, int64_t ldb,
             bool transposeB, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return;
#ifdef SAM3_HAVE_ONEDNN
  if (dnnl_sgemm(transposeA ? 'T' : 'N', transposeB ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == dnnl_success) {
    return;
  }
#endif
  const int64_t threads = at::get_num_threads();
  if (m * n * k < kParallelMacs || threads == 1 || m < 2 * threads || at::in_parallel_region()) {
    atenProductRows(m, n, k, alpha, a, lda, transposeA, b, ldb, transposeB, beta, c, ldc);
    return;
  }
  const bool inference = c10::InferenceMode::is_enabled();  // thread-local: carry it to workers
  at::parallel_for(0, m, (m + threads - 1) / threads, [&](int64_t begin, int64_t end) {
    const c10::InferenceMode guard(inference);
    const float* rowsOfA = transposeA ? a + begin : a + begin * lda;
    atenProductRows(end - begin, n, k, alpha, rowsOfA, lda, transposeA, b, ldb, transposeB, beta, c + begin * ldc, ldc);
  });
}

}  // namespace

void matrixProduct(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb,
                   bool transposeB, float beta, float* c, int64_t ldc) {
  product(m, n, k, alpha, a, lda, false, b, ldb, transposeB, beta, c, ldc);
}

void matrixProductTransposedA(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                              int64_t ldb, float beta, float* c, int64_t ldc) {
  product(m, n, k, alpha, a, lda, true, b, ldb, false, beta, c, ldc);
}

bool matrixProductUsesOneDnn() {
#ifdef SAM3_HAVE_ONEDNN
  return true;
#else
  return false;
#endif
}

}  // namespace sam3::model
