/* An experiment for bench_int8_gru.py (not shipped): one direction of one of LAC's GRU
   layers over all its steps in one call, the recurrent product in 8 bits (AVX-512 VNNI)
   and the gates in the same pass.

   Built by the benchmark: gcc -O3 -march=native -ffast-math -fopenmp-simd -shared -fPIC.
   Gates follow ONNX's GRU (zrh order, linear_before_reset = 1):
     z = s(xz + hz), r = s(xr + hr), n = tanh(xn + r * hn), h' = n + z * (h - n),
   where x* are the step's input gates and h* the recurrent product plus its bias. */

#include <immintrin.h>
#include <stdint.h>

#define H 128      /* LAC's hidden size */
#define G (3 * H)  /* gates z, r, n */
#define K4 (H / 4) /* groups of four inputs: one VNNI multiply-add each */

/* e^x (|x| < 80): 2^n times a degree-6 Taylor polynomial of e^r, |r| <= ln2 / 2 */
static inline float fast_exp(float x)
{
    x = x < -80.0f ? -80.0f : x > 80.0f ? 80.0f : x;
    float n = __builtin_roundf(x * 1.44269504f);
    float r = x - n * 0.693147181f;
    float p = 1.0f + r * (1.0f + r * (0.5f + r * (0.166666667f + r * (0.0416666667f +
              r * (0.00833333333f + r * 0.00138888889f)))));
    union { float f; int32_t i; } u = {p};
    u.i += (int32_t)n << 23;
    return u.f;
}

static inline float sigmoid(float x) { return 1.0f / (1.0f + fast_exp(-x)); }

static inline float fast_tanh(float x) { return 2.0f / (1.0f + fast_exp(-2.0f * x)) - 1.0f; }

/* out[row][j] = (sum_k q[row][k] w[j][k] - wsum[j]) * wscale[j] + wb[j] for each row,
   q the hidden states as uint8 (zero at 128), w packed as [G/16][K4][16][4] int8.
   Four rows share each load of the weights; sixteen accumulators. */
static void recurrent_product(int rows, const uint8_t *q, const int8_t *w, const int32_t *wsum,
                              const float *wscale, const float *wb, float *out)
{
    for (int b0 = 0; b0 < rows; b0 += 4) {
        int nb = rows - b0 < 4 ? rows - b0 : 4;
        const uint8_t *qs[4];
        for (int u = 0; u < 4; u++) qs[u] = q + (b0 + (u < nb ? u : 0)) * H;
        for (int jb = 0; jb < G / 16; jb += 4) {
            __m512i acc[4][4];
            for (int u = 0; u < 4; u++)
                for (int v = 0; v < 4; v++) acc[u][v] = _mm512_setzero_si512();
            const int8_t *wj = w + (size_t)jb * K4 * 64;
            for (int k = 0; k < K4; k++) {
                __m512i w0 = _mm512_loadu_si512(wj + 64 * k);
                __m512i w1 = _mm512_loadu_si512(wj + 64 * (K4 + k));
                __m512i w2 = _mm512_loadu_si512(wj + 64 * (2 * K4 + k));
                __m512i w3 = _mm512_loadu_si512(wj + 64 * (3 * K4 + k));
                for (int u = 0; u < 4; u++) {
                    __m512i x = _mm512_set1_epi32(*(const int32_t *)(qs[u] + 4 * k));
                    acc[u][0] = _mm512_dpbusd_epi32(acc[u][0], x, w0);
                    acc[u][1] = _mm512_dpbusd_epi32(acc[u][1], x, w1);
                    acc[u][2] = _mm512_dpbusd_epi32(acc[u][2], x, w2);
                    acc[u][3] = _mm512_dpbusd_epi32(acc[u][3], x, w3);
                }
            }
            for (int u = 0; u < nb; u++)
                for (int v = 0; v < 4; v++) {
                    int j = (jb + v) * 16;
                    __m512i s = _mm512_sub_epi32(acc[u][v], _mm512_loadu_si512(wsum + j));
                    __m512 f = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_loadu_ps(wscale + j),
                                               _mm512_loadu_ps(wb + j));
                    _mm512_storeu_ps(out + (b0 + u) * G + j, f);
                }
        }
    }
}

/* One direction of one layer over steps for rows chunks, sorted by length (shortest
   first: a chunk that has ended drops out). xg: input gates, row b at step t at
   xg + b * xrow + t * xstep; y: hidden states, alike. reverse reads each chunk from its
   last character. h (zeroed), hq and hr: scratch of rows x H, rows x H and rows x G. */
void gru_direction(int steps, int rows, const int64_t *lengths, int reverse, const float *xg,
                   long xrow, long xstep, const int8_t *w, const int32_t *wsum,
                   const float *wscale, const float *wb, float *y, long yrow, long ystep,
                   float *h, uint8_t *hq, float *hr)
{
    int first = 0;
    for (int t = 0; t < steps; t++) {
        while (first < rows && lengths[first] <= t) first++;
        for (long i = (long)first * H; i < (long)rows * H; i++) {
            int v = (int)__builtin_lrintf(h[i] * 127.0f) + 128; /* h lies in (-1, 1) */
            hq[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
        recurrent_product(rows - first, hq + first * H, w, wsum, wscale, wb, hr + first * G);
        for (int b = first; b < rows; b++) {
            long at = reverse ? lengths[b] - 1 - t : t;
            const float *xb = xg + b * xrow + at * xstep, *hb = hr + b * G;
            float *hh = h + b * H, *yb = y + b * yrow + at * ystep;
#pragma omp simd
            for (int k = 0; k < H; k++) {
                float z = sigmoid(xb[k] + hb[k]);
                float r = sigmoid(xb[H + k] + hb[H + k]);
                float n = fast_tanh(xb[2 * H + k] + r * hb[2 * H + k]);
                float v = n + z * (hh[k] - n);
                hh[k] = v;
                yb[k] = v;
            }
        }
    }
}
