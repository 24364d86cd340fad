#pragma once
// Row-major float32 matrix products on the CPU through the fastest library this build has:
// oneDNN's JIT sgemm when the build found it (1.2-3x OpenBLAS at the few-row shapes of prompt
// tokens and per-head attention, measured on 2 Zen 3 cores), else ATen's BLAS.

#include <cstdint>

namespace sam3::model {

// C[m,n] = alpha * A[m,k] * op(B) + beta * C, with op(B) = B[k,n], or B[n,k] transposed when
// transposeB. Leading dimensions are row strides. Called inside a parallel region it runs
// on the calling thread; otherwise it may use the intra-op threads.
void matrixProduct(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b, int64_t ldb,
                   bool transposeB, float beta, float* c, int64_t ldc);

// C[m,n] = alpha * A^T * B + beta * C with A stored as [k,m] (row stride lda) and B as [k,n].
void matrixProductTransposedA(int64_t m, int64_t n, int64_t k, float alpha, const float* a, int64_t lda, const float* b,
                              int64_t ldb, float beta, float* c, int64_t ldc);

// True when matrixProduct runs on oneDNN (for logs and benchmark headers).
bool matrixProductUsesOneDnn();

}  // namespace sam3::model
