/*
 * The technique model: decision-parameter table, loading and checking a
 * model file (model.h describes the format), the process-wide embedded
 * model, and sparse scoring through feature-major postings.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kb/build.h"
#include "ttp/model.h"
#include "util/err.h"
#include "util/str.h"

/* ------------------------------------------------------------ parameters */

/* The decision parameters: name, place in the struct, default. */
static const struct {
  const char *name;
  size_t offset;
  float def;
} param_table[] = {
    {"thr0", offsetof(ctix__ttp_params, thr0), -0.3f},
    {"thr1", offsetof(ctix__ttp_params, thr1), 0.1f},
    {"topk", offsetof(ctix__ttp_params, topk), 1.0f},
    {"short_n", offsetof(ctix__ttp_params, short_n), 3.0f},
    {"z_floor", offsetof(ctix__ttp_params, z_floor), -1.0f},
    {"cue_w", offsetof(ctix__ttp_params, cue_w), 1.2f},
    {"name_w", offsetof(ctix__ttp_params, name_w), 1.0f},
    {"id_w", offsetof(ctix__ttp_params, id_w), 1.0f},
    {"potential_pen", offsetof(ctix__ttp_params, potential_pen), 0.3f},
    {"sub_margin", offsetof(ctix__ttp_params, sub_margin), 0.2f},
    {"runner_gap", offsetof(ctix__ttp_params, runner_gap), 0.3f},
    {"conf_slope", offsetof(ctix__ttp_params, conf_slope), 2.0f},
};
#define NPARAMS (sizeof(param_table) / sizeof(param_table[0]))

size_t ctix__ttp_param_count(void) { return NPARAMS; }

const char *ctix__ttp_param_name(size_t i) { return i < NPARAMS ? param_table[i].name : NULL; }

static float *param_ptr(ctix__ttp_params *p, size_t i)
{
  return (float *)(void *)((char *)p + param_table[i].offset);
}

float ctix__ttp_param_get(const ctix__ttp_params *p, size_t i)
{
  return i < NPARAMS ? *param_ptr((ctix__ttp_params *)(uintptr_t)p, i) : 0.0f;
}

void ctix__ttp_params_default(ctix__ttp_params *p)
{
  size_t i;
  memset(p, 0, sizeof(*p));
  for (i = 0; i < NPARAMS; i++)
    *param_ptr(p, i) = param_table[i].def;
}

int ctix__ttp_param_set(ctix__ttp_params *p, const char *name, float value)
{
  size_t i;
  for (i = 0; i < NPARAMS; i++)
    if (strcmp(param_table[i].name, name) == 0) {
      *param_ptr(p, i) = value;
      return 0;
    }
  return CTIX_ENOTFOUND;
}

/* --------------------------------------------------------------- loading */

static uint32_t rd32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static float rdf(const unsigned char *p)
{
  uint32_t u = rd32(p);
  float f;
  memcpy(&f, &u, 4);
  return f;
}

static uint32_t fnv32(const unsigned char *p, size_t n)
{
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < n; i++)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

/* "T1234" or "T1234.567", NUL padded in 12 bytes. */
static bool valid_class_id(const char id[12])
{
  size_t n = strnlen(id, 12), i;
  if (n == 12 || (n != 5 && n != 9) || id[0] != 'T')
    return false;
  for (i = 1; i < n; i++)
    if (i == 5 ? id[i] != '.' : !ctix__isdigit((unsigned char)id[i]))
      return false;
  for (i = n; i < 12; i++)
    if (id[i])
      return false;
  return true;
}

void ctix_ttp_model_free(ctix_ttp_model *m)
{
  if (!m)
    return;
  free(m->ids);
  free(m->parent);
  free(m->scale);
  free(m->bias);
  free(m->positives);
  free(m->feat);
  free(m->off);
  free(m->post);
  free(m->slots);
  free(m->present);
  free(m->info);
  free(m);
}

static inline uint32_t slot_hash(uint32_t id)
{
  id ^= id >> 16;
  id *= 0x7feb352du;
  id ^= id >> 15;
  return id;
}

/*
 * Builds the open-addressing index over the feature buckets (each slot
 * holds its postings range, so a lookup touches one cache line) and the
 * bitmap that rejects absent buckets without a probe.
 */
static int build_index(ctix_ttp_model *m)
{
  size_t cap = 16, i;
  while (cap < (size_t)m->nfeat * 2)
    cap <<= 1;
  if (!(m->slots = malloc(cap * sizeof(ctix__ttp_slot))) ||
      !(m->present = calloc(CTIX__TTP_NFEAT / 64, sizeof(uint64_t))))
    return CTIX_ENOMEM;
  for (i = 0; i < cap; i++)
    m->slots[i].id = UINT32_MAX;
  m->mask = (uint32_t)(cap - 1);
  for (i = 0; i < m->nfeat; i++) {
    uint32_t h = slot_hash(m->feat[i]) & m->mask;
    while (m->slots[h].id != UINT32_MAX)
      h = (h + 1) & m->mask;
    m->slots[h].id = m->feat[i];
    m->slots[h].off = m->off[i];
    m->slots[h].end = m->off[i + 1];
    m->present[m->feat[i] >> 6] |= (uint64_t)1 << (m->feat[i] & 63);
  }
  return 0;
}

/* Fills parent links: a class "T1234.567" points to "T1234" when present. */
static void link_parents(ctix_ttp_model *m)
{
  uint32_t c;
  for (c = 0; c < m->nclasses; c++) {
    char pid[12] = {0};
    m->parent[c] = -1;
    if (strlen(m->ids[c]) != 9)
      continue;
    memcpy(pid, m->ids[c], 5);
    m->parent[c] = ctix__ttp_model_class(m, pid);
  }
}

#define BAD(...)                                                  \
  do {                                                            \
    rc = ctix__error_set(err, CTIX_EPARSE, __VA_ARGS__);          \
    goto done;                                                    \
  } while (0)

int ctix__ttp_model_load_mem(ctix_ttp_model **out, const void *data, size_t len,
                             const char *source, ctix_error *err)
{
  const unsigned char *p = data, *q;
  ctix_ttp_model *m = NULL;
  uint32_t nparams, info_len, hash_bits, flags, i;
  size_t need;
  int rc = 0;
  *out = NULL;
  if (len > CTIX__TTP_MODEL_MAX) {
    rc = ctix__error_set(err, CTIX_ETOOBIG, "technique model is %zu bytes, the limit is %zu",
                         len, CTIX__TTP_MODEL_MAX);
    goto done;
  }
  if (len < 44 || memcmp(p, CTIX__TTP_MODEL_MAGIC, 8) != 0)
    BAD("not a ctix technique model (bad magic)");
  if (rd32(p + 8) != CTIX__TTP_MODEL_VERSION)
    BAD("technique model version %u, this ctix reads version %u", rd32(p + 8),
        CTIX__TTP_MODEL_VERSION);
  if (rd32(p + len - 4) != fnv32(p, len - 4))
    BAD("technique model checksum mismatch (damaged file)");
  if (!(m = calloc(1, sizeof(*m))))
    goto nomem;
  m->nclasses = rd32(p + 12);
  m->nfeat = rd32(p + 16);
  m->npost = rd32(p + 20);
  hash_bits = rd32(p + 24);
  nparams = rd32(p + 28);
  info_len = rd32(p + 32);
  flags = rd32(p + 36);
  if (hash_bits != CTIX__TTP_FEAT_BITS)
    BAD("technique model hashes features into 2^%u buckets, this ctix uses 2^%u", hash_bits,
        CTIX__TTP_FEAT_BITS);
  if (m->nclasses == 0 || m->nclasses > CTIX__TTP_MAX_CLASSES)
    BAD("technique model has %u classes (1..%u allowed)", m->nclasses, CTIX__TTP_MAX_CLASSES);
  if (flags)
    BAD("technique model has unknown flags 0x%x", flags);
  if (nparams > CTIX__TTP_MAX_PARAMS)
    BAD("technique model has %u parameters (at most %u)", nparams, CTIX__TTP_MAX_PARAMS);
  if (m->nfeat > CTIX__TTP_NFEAT || m->npost > len / 4 || info_len > len)
    BAD("technique model counts exceed the file size");
  need = 40 + (size_t)nparams * 4 + (size_t)m->nclasses * 24 + (size_t)m->nfeat * 4 +
         ((size_t)m->nfeat + 1) * 4 + (size_t)m->npost * 4 + ((info_len + 3u) & ~3u) + 4;
  if (need != len)
    BAD("technique model size %zu does not match its header (%zu expected)", len, need);
  ctix__ttp_params_default(&m->params);
  q = p + 40;
  for (i = 0; i < nparams; i++, q += 4)
    if (i < NPARAMS) {
      float v = rdf(q);
      if (!isfinite(v))
        BAD("technique model parameter %u is not a finite number", i);
      *param_ptr(&m->params, i) = v;
    }
  if (!(m->ids = calloc(m->nclasses, 12)) || !(m->parent = calloc(m->nclasses, 4)) ||
      !(m->scale = calloc(m->nclasses, 4)) || !(m->bias = calloc(m->nclasses, 4)) ||
      !(m->positives = calloc(m->nclasses, 4)) || !(m->feat = calloc(m->nfeat + 1, 4)) ||
      !(m->off = calloc((size_t)m->nfeat + 1, 4)) ||
      !(m->post = calloc((size_t)m->npost + 1, sizeof(ctix__ttp_posting))) ||
      !(m->info = calloc((size_t)info_len + 1, 1)))
    goto nomem;
  for (i = 0; i < m->nclasses; i++, q += 24) {
    memcpy(m->ids[i], q, 12);
    if (!valid_class_id(m->ids[i]))
      BAD("technique model class %u has no valid technique id", i);
    if (i && strcmp(m->ids[i - 1], m->ids[i]) >= 0)
      BAD("technique model classes not sorted at class %u (%s)", i, m->ids[i]);
    m->scale[i] = rdf(q + 12);
    m->bias[i] = rdf(q + 16);
    m->positives[i] = rd32(q + 20);
    if (!isfinite(m->scale[i]) || !isfinite(m->bias[i]) || fabsf(m->scale[i]) > 1e6f ||
        fabsf(m->bias[i]) > 1e6f)
      BAD("technique model class %s has a bad scale or bias", m->ids[i]);
  }
  for (i = 0; i < m->nfeat; i++, q += 4) {
    m->feat[i] = rd32(q);
    if (m->feat[i] >= CTIX__TTP_NFEAT || (i && m->feat[i] <= m->feat[i - 1]))
      BAD("technique model feature %u out of order or out of range", i);
  }
  for (i = 0; i <= m->nfeat; i++, q += 4) {
    m->off[i] = rd32(q);
    if ((i == 0 && m->off[0]) || (i && m->off[i] < m->off[i - 1]) || m->off[i] > m->npost)
      BAD("technique model posting offset %u out of range", i);
  }
  if (m->off[m->nfeat] != m->npost)
    BAD("technique model postings do not add up (%u of %u)", m->off[m->nfeat], m->npost);
  for (i = 0; i < m->npost; i++, q += 4) {
    m->post[i].cls = (uint16_t)(q[0] | q[1] << 8);
    m->post[i].w = (int16_t)(uint16_t)(q[2] | q[3] << 8);
    if (m->post[i].cls >= m->nclasses)
      BAD("technique model posting %u names class %u of %u", i, m->post[i].cls, m->nclasses);
  }
  memcpy(m->info, q, info_len);
  if (memchr(m->info, 0, info_len))
    BAD("technique model manifest holds a NUL byte");
  if (build_index(m))
    goto nomem;
  link_parents(m);
  m->file_size = len;
  *out = m;
  m = NULL;
  goto done;
nomem:
  rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory loading the technique model");
done:
  if (rc && source)
    ctix__error_source(err, source);
  ctix_ttp_model_free(m);
  return rc;
}

int ctix_ttp_model_open_file(ctix_ttp_model **out, const char *path, ctix_error *err)
{
  char *data = NULL;
  size_t len = 0;
  int rc;
  *out = NULL;
  if ((rc = ctix__kbb_read(&data, &len, path, CTIX__TTP_MODEL_MAX, err))) {
    ctix__error_source(err, path);
    return rc;
  }
  rc = ctix__ttp_model_load_mem(out, data, len, path, err);
  free(data);
  return rc;
}

/* The process-wide embedded model. */
static pthread_once_t default_once = PTHREAD_ONCE_INIT;
static ctix_ttp_model *default_model;
static ctix_error default_err;

static void load_default(void)
{
  size_t len = 0;
  const unsigned char *p = ctix__ttp_model_embedded(&len);
  ctix_error_clear(&default_err);
  if (!len) {
    ctix__error_set(&default_err, CTIX_ENOTFOUND,
                    "this ctix was built without a technique model (data/ttp/model.bin)");
    return;
  }
  ctix__ttp_model_load_mem(&default_model, p, len, "embedded technique model", &default_err);
}

int ctix_ttp_model_default(const ctix_ttp_model **out, ctix_error *err)
{
  pthread_once(&default_once, load_default);
  *out = default_model;
  if (default_model)
    return 0;
  if (err && err->code == 0)
    *err = default_err;
  return default_err.code ? default_err.code : CTIX_ENOTFOUND;
}

int ctix_ttp_model_describe(char **out, const ctix_ttp_model *m, ctix_error *err)
{
  ctix_buf b = CTIX_BUF_INIT((size_t)1 << 20);
  size_t i, subs = 0;
  for (i = 0; i < m->nclasses; i++)
    subs += strlen(m->ids[i]) == 9;
  ctix__buf_addf(&b,
                 "format: ctix technique model v%u\nsize: %zu bytes\nclasses: %u (%zu "
                 "sub-techniques)\nfeatures: %u of 2^%d buckets\npostings: %u\n",
                 CTIX__TTP_MODEL_VERSION, m->file_size, m->nclasses, subs, m->nfeat,
                 CTIX__TTP_FEAT_BITS, m->npost);
  ctix__buf_adds(&b, "parameters:");
  for (i = 0; i < NPARAMS; i++)
    ctix__buf_addf(&b, " %s=%g", param_table[i].name, (double)ctix__ttp_param_get(&m->params, i));
  ctix__buf_adds(&b, "\n");
  if (m->info[0])
    ctix__buf_addf(&b, "%s%s", m->info, m->info[strlen(m->info) - 1] == '\n' ? "" : "\n");
  if (b.err || !(*out = ctix__buf_detach(&b, NULL)))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory describing the technique model");
  return 0;
}

/* --------------------------------------------------------------- scoring */

/* The index slot of bucket `id`, or NULL. */
static inline const ctix__ttp_slot *find_feat(const ctix_ttp_model *m, uint32_t id)
{
  uint32_t h;
  if (id >= CTIX__TTP_NFEAT || !(m->present[id >> 6] & ((uint64_t)1 << (id & 63))))
    return NULL;
  h = slot_hash(id) & m->mask;
  while (m->slots[h].id != UINT32_MAX) {
    if (m->slots[h].id == id)
      return &m->slots[h];
    h = (h + 1) & m->mask;
  }
  return NULL;
}

/* Features scored per batch (prefetching is done batch by batch). */
#define SCORE_BATCH 256

/*
 * Scoring is memory bound (bitmap, index slot and postings are three
 * cache misses per feature), so each batch of features goes through
 * passes that prefetch the next level for the whole batch before using
 * it: the misses of different features overlap instead of queueing.
 * A sentence's features take two values only (one per family), so the
 * quantised weights are summed as integers per value and scaled once per
 * class; any other value (merged buckets) goes through a float sum.
 */
void ctix__ttp_model_score(const ctix_ttp_model *m, const ctix__ttp_feat *f, size_t n,
                           float *out)
{
  int32_t acc[2][CTIX__TTP_MAX_CLASSES];
  float va = n ? f[0].v : 0.0f, vb = va;
  uint32_t c, h[SCORE_BATCH], idx[SCORE_BATCH];
  const ctix__ttp_slot *found[SCORE_BATCH];
  size_t i, b, k, nb;
  memset(out, 0, m->nclasses * sizeof(float));
  memset(acc[0], 0, m->nclasses * sizeof(int32_t));
  memset(acc[1], 0, m->nclasses * sizeof(int32_t));
  for (i = 0; i < n && vb == va; i++)
    vb = f[i].v;
  for (b = 0; b < n; b += SCORE_BATCH) {
    size_t e = n - b < SCORE_BATCH ? n - b : SCORE_BATCH;
    for (i = 0; i < e; i++)
      __builtin_prefetch(&m->present[(f[b + i].id & (CTIX__TTP_NFEAT - 1)) >> 6]);
    for (i = 0, nb = 0; i < e; i++) {
      uint32_t id = f[b + i].id;
      if (id >= CTIX__TTP_NFEAT || !(m->present[id >> 6] & ((uint64_t)1 << (id & 63))))
        continue;
      h[nb] = slot_hash(id) & m->mask;
      idx[nb] = (uint32_t)(b + i);
      __builtin_prefetch(&m->slots[h[nb]]);
      nb++;
    }
    for (k = 0; k < nb; k++) {
      uint32_t id = f[idx[k]].id, hh = h[k];
      found[k] = NULL;
      while (m->slots[hh].id != UINT32_MAX) {
        if (m->slots[hh].id == id) {
          found[k] = &m->slots[hh];
          __builtin_prefetch(&m->post[found[k]->off]);
          break;
        }
        hh = (hh + 1) & m->mask;
      }
    }
    for (k = 0; k < nb; k++) {
      const ctix__ttp_posting *p, *pe;
      float v = f[idx[k]].v;
      if (!found[k])
        continue;
      p = m->post + found[k]->off;
      pe = m->post + found[k]->end;
      if (v == va || v == vb) {
        int32_t *a = acc[v == va ? 0 : 1];
        for (; p < pe; p++)
          a[p->cls] += p->w;
      } else {
        for (; p < pe; p++)
          out[p->cls] += v * (float)p->w;
      }
    }
  }
  for (c = 0; c < m->nclasses; c++)
    out[c] = (out[c] + va * (float)acc[0][c] + vb * (float)acc[1][c]) * m->scale[c] + m->bias[c];
}

float ctix__ttp_model_weight(const ctix_ttp_model *m, uint32_t id, uint32_t cls)
{
  const ctix__ttp_slot *sl = find_feat(m, id);
  uint32_t j;
  if (!sl || cls >= m->nclasses)
    return 0.0f;
  for (j = sl->off; j < sl->end; j++)
    if (m->post[j].cls == cls)
      return (float)m->post[j].w * m->scale[cls];
  return 0.0f;
}

int32_t ctix__ttp_model_class(const ctix_ttp_model *m, const char *id)
{
  uint32_t lo = 0, hi = m->nclasses;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c = strncmp(m->ids[mid], id, 12);
    if (c == 0)
      return (int32_t)mid;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return -1;
}
