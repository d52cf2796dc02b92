/*===- weight_transforms.c - What the passes do to weights, as kernels ----===*
 *
 * One implementation of every weight transform the compiler performs
 * (ukernel_params.def lists them): the compiler runs these functions on
 * constant weights while it compiles, and a library compiled with
 * --weights-at-load calls them from its generated weight preparation. Both
 * are built with -ffp-contract=off, so that neither fuses a multiply and an
 * add the other rounds twice: the two modes give the same bits.
 *
 *===----------------------------------------------------------------------===*/

#include "ukernel_abi.h"

#include <math.h>
#include <string.h>

static double batch_norm_scale(const float *gamma, const float *variance,
                               int64_t o, double epsilon) {
  return (double)gamma[o] / sqrt((double)variance[o] + epsilon);
}

void inception_uk_batch_norm_filter(
    const inception_uk_batch_norm_filter_params *p) {
  for (int64_t o = 0; o < p->channels; ++o) {
    double scale = batch_norm_scale(p->gamma, p->variance, o, p->epsilon);
    const float *row = p->filter + o * p->per_channel;
    float *out = p->output + o * p->per_channel;
    for (int64_t i = 0; i < p->per_channel; ++i)
      out[i] = (float)((double)row[i] * scale);
  }
}

void inception_uk_batch_norm_bias(const inception_uk_batch_norm_bias_params *p) {
  for (int64_t o = 0; o < p->channels; ++o) {
    double scale = batch_norm_scale(p->gamma, p->variance, o, p->epsilon);
    p->output[o] = (float)(((double)p->bias[o] - (double)p->mean[o]) * scale +
                           (double)p->beta[o]);
  }
}

void inception_uk_scale(const inception_uk_scale_params *p) {
  for (int64_t i = 0; i < p->elements; ++i)
    p->output[i] = (float)((double)p->values[i] * p->factor);
}

void inception_uk_concat(const inception_uk_concat_params *p) {
  memcpy(p->output, p->first, (size_t)p->first_elements * sizeof(float));
  memcpy(p->output + p->first_elements, p->second,
         (size_t)p->second_elements * sizeof(float));
}

void inception_uk_block_filter(const inception_uk_block_filter_params *p) {
  int64_t b = p->block, taps = p->taps;
  int64_t blocks = (p->out_channels + b - 1) / b;
  if (p->depthwise) {
    memset(p->output, 0, (size_t)(blocks * taps * b) * sizeof(float));
    for (int64_t c = 0; c < p->out_channels; ++c)
      for (int64_t t = 0; t < taps; ++t)
        p->output[((c / b) * taps + t) * b + c % b] = p->filter[c * taps + t];
    return;
  }
  int64_t depth = p->depth;
  memset(p->output, 0, (size_t)(blocks * taps * depth * b) * sizeof(float));
  for (int64_t f = 0; f < p->out_channels; ++f)
    for (int64_t c = 0; c < p->in_channels; ++c)
      for (int64_t t = 0; t < taps; ++t)
        p->output[(((f / b) * taps + t) * depth + c) * b + f % b] =
            p->filter[(f * p->in_channels + c) * taps + t];
}

void inception_uk_pad_channels(const inception_uk_pad_channels_params *p) {
  memcpy(p->output, p->values, (size_t)p->channels * sizeof(float));
  memset(p->output + p->channels, 0,
         (size_t)(p->padded - p->channels) * sizeof(float));
}

void inception_uk_pack_panels(const inception_uk_pack_panels_params *p) {
  int64_t mr = p->mr, depth = p->depth;
  int64_t panels = (p->out_channels + mr - 1) / mr;
  memset(p->output, 0, (size_t)(panels * depth * mr) * sizeof(float));
  for (int64_t m = 0; m < p->out_channels; ++m)
    for (int64_t k = 0; k < depth; ++k)
      p->output[(m / mr) * depth * mr + k * mr + m % mr] =
          p->filter[m * depth + k];
}

/* Winograd F(4x4, 3x3)'s filter transform G (Lavin and Gray; points 0,
   +-1, +-2). */
static const double kWinogradG[6][3] = {
    {1.0 / 4, 0, 0},
    {-1.0 / 6, -1.0 / 6, -1.0 / 6},
    {-1.0 / 6, 1.0 / 6, -1.0 / 6},
    {1.0 / 24, 1.0 / 12, 1.0 / 6},
    {1.0 / 24, -1.0 / 12, 1.0 / 6},
    {0, 0, 1}};

void inception_uk_winograd_filter(
    const inception_uk_winograd_filter_params *p) {
  int64_t nr = p->nr, in = p->in_channels, vl = p->source_block;
  int64_t panels = (p->out_channels + nr - 1) / nr;
  memset(p->output, 0, (size_t)(36 * panels * in * nr) * sizeof(float));
  for (int64_t co = 0; co < p->out_channels; ++co)
    for (int64_t ci = 0; ci < in; ++ci) {
      float g[9];
      for (int64_t t = 0; t < 9; ++t)
        g[t] = vl ? p->filter[(((co / vl) * 9 + t) * in + ci) * vl + co % vl]
                  : p->filter[(co * in + ci) * 9 + t];
      double gGt[3][6];
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 6; ++c)
          gGt[r][c] = g[r * 3] * kWinogradG[c][0] +
                      g[r * 3 + 1] * kWinogradG[c][1] +
                      g[r * 3 + 2] * kWinogradG[c][2];
      for (int r = 0; r < 6; ++r)
        for (int c = 0; c < 6; ++c) {
          double value = kWinogradG[r][0] * gGt[0][c] +
                         kWinogradG[r][1] * gGt[1][c] +
                         kWinogradG[r][2] * gGt[2][c];
          p->output[(((co / nr) * 36 + (int64_t)(r * 6 + c)) * in + ci) * nr +
                    co % nr] = (float)value;
        }
    }
}

/* F(4, 7)'s filter transform G (points 0, +-1, +-2, +-1/2, +-3/2,
   infinity), the one-dimensional Winograd kernel's (winograd.c). */
static const double kWinograd1dG[10][7] = {
    {4.0 / 9, 0, 0, 0, 0, 0, 0},
    {8.0 / 45, 8.0 / 45, 8.0 / 45, 8.0 / 45, 8.0 / 45, 8.0 / 45, 8.0 / 45},
    {8.0 / 45, -8.0 / 45, 8.0 / 45, -8.0 / 45, 8.0 / 45, -8.0 / 45, 8.0 / 45},
    {2.0 / 315, 4.0 / 315, 8.0 / 315, 16.0 / 315, 32.0 / 315, 64.0 / 315,
     128.0 / 315},
    {2.0 / 315, -4.0 / 315, 8.0 / 315, -16.0 / 315, 32.0 / 315, -64.0 / 315,
     128.0 / 315},
    {-16.0 / 45, -8.0 / 45, -4.0 / 45, -2.0 / 45, -1.0 / 45, -1.0 / 90,
     -1.0 / 180},
    {-16.0 / 45, 8.0 / 45, -4.0 / 45, 2.0 / 45, -1.0 / 45, 1.0 / 90,
     -1.0 / 180},
    {-16.0 / 315, -8.0 / 105, -4.0 / 35, -6.0 / 35, -9.0 / 35, -27.0 / 70,
     -81.0 / 140},
    {-16.0 / 315, 8.0 / 105, -4.0 / 35, 6.0 / 35, -9.0 / 35, 27.0 / 70,
     -81.0 / 140},
    {0, 0, 0, 0, 0, 0, 1}};

void inception_uk_winograd1d_filter(
    const inception_uk_winograd1d_filter_params *p) {
  int64_t nr = p->nr, in = p->in_channels, vl = p->source_block, taps = p->taps;
  int64_t positions = inception_uk_winograd1d_positions(taps);
  int64_t panels = (p->out_channels + nr - 1) / nr;
  memset(p->output, 0, (size_t)(positions * panels * in * nr) * sizeof(float));
  if (taps != 7)
    return; /* the verifier admits only tap counts with a kernel */
  for (int64_t co = 0; co < p->out_channels; ++co)
    for (int64_t ci = 0; ci < in; ++ci)
      for (int64_t xi = 0; xi < positions; ++xi) {
        double value = 0;
        for (int64_t t = 0; t < taps; ++t)
          value +=
              kWinograd1dG[xi][t] *
              (vl ? p->filter[(((co / vl) * taps + t) * in + ci) * vl + co % vl]
                  : p->filter[(co * in + ci) * taps + t]);
        p->output[(((co / nr) * positions + xi) * in + ci) * nr + co % nr] =
            (float)value;
      }
}
