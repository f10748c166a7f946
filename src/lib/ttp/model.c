/*
 * The technique model: decision-parameter table, loading and checking a
 * model file (model.h describes the format), the process-wide embedded
 * model, and scoring through feature-major postings. The loaded form adds
 * a rank index over the buckets and dense rows for the features that move
 * many classes (summed with AVX2 when the CPU has it); the scores are the
 * same integers and floats as the plain sum over the file's postings.
 */
#include <math.h>
#include <pthread.h>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "kb/build.h"
#include "ttp/model.h"
#include "util/cpu.h"
#include "util/err.h"
#include "util/str.h"

/*
 * Compiler-specific attributes: gcc's noipa (no cloning or
 * interprocedural specialisation of a function) and its switch-off of the
 * loop-to-memset rewrite have no clang spelling; clang gets noinline and
 * no_builtin("memset"), which keep the same intent.
 */
#if defined(__clang__)
#define TTP_NOIPA noinline
#define TTP_NO_MEMSET_LOOP no_builtin("memset")
#else
#define TTP_NOIPA noipa
#define TTP_NO_MEMSET_LOOP optimize("no-tree-loop-distribute-patterns")
#endif

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

uint32_t ctix__ttp_model_checksum(const void *p, size_t n)
{
  const unsigned char *b = p;
  uint32_t h = 2166136261u;
  size_t i;
  for (i = 0; i < n; i++)
    h = (h ^ b[i]) * 16777619u;
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
  free(m->fent);
  free(m->post_own);
  free(m->rank);
  free(m->dense);
  free(m->info);
  free(m);
}

/*
 * Builds the rank index over the feature buckets (ctix__ttp_rank: a
 * bucket's feature index without a probe) and the dense rows of the
 * features with at least CTIX__TTP_DENSE_MIN postings.
 */
static int build_index(ctix_ttp_model *m)
{
  size_t i, j, row = 0, max_rows;
  m->stride = (m->nclasses + 63u) & ~63u;
  max_rows = CTIX__TTP_DENSE_MAX_BYTES / ((size_t)m->stride * sizeof(int16_t) + 1);
  for (i = 0; i < m->nfeat && m->ndense < max_rows; i++)
    m->ndense += m->fent[i + 1].off - m->fent[i].off >= CTIX__TTP_DENSE_MIN;
  if (!(m->rank = calloc(CTIX__TTP_NFEAT / 64, sizeof(ctix__ttp_rank))) ||
      (m->ndense && !(m->dense = calloc((size_t)m->ndense * m->stride, sizeof(int16_t)))))
    return CTIX_ENOMEM;
  for (i = 0; i < m->nfeat; i++)
    m->rank[m->feat[i] >> 6].bits |= (uint64_t)1 << (m->feat[i] & 63);
  for (i = 1; i < CTIX__TTP_NFEAT / 64; i++)
    m->rank[i].base = m->rank[i - 1].base + (uint32_t)__builtin_popcountll(m->rank[i - 1].bits);
  for (i = 0; i <= m->nfeat; i++)
    m->fent[i].row = UINT32_MAX;
  for (i = 0; i < m->nfeat; i++) {
    if (row < m->ndense && m->fent[i + 1].off - m->fent[i].off >= CTIX__TTP_DENSE_MIN) {
      /* load() has checked that no feature names a class twice */
      int16_t *r = m->dense + row * m->stride;
      for (j = m->fent[i].off; j < m->fent[i + 1].off; j++)
        r[m->post[j].cls] = m->post[j].w;
      m->fent[i].row = (uint32_t)row++;
    }
  }
  m->ndense = (uint32_t)row;
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

/*
 * Checks the postings' classes: each one of the model's, and none named
 * twice by one feature (training never writes that, and the 32-bit
 * scoring sums are bounded only because a feature adds at most one
 * weight to a class); the first bad posting is the error.
 */
static int check_postings(const ctix_ttp_model *m, ctix_error *err)
{
  uint32_t *seen, i, j;
  int rc = 0;
  if (!(seen = calloc(m->nclasses, sizeof(uint32_t))))
    return ctix__error_set(err, CTIX_ENOMEM, "out of memory loading the technique model");
  for (i = 0; i < m->nfeat && !rc; i++)
    for (j = m->fent[i].off; j < m->fent[i + 1].off; j++) {
      uint32_t c = m->post[j].cls;
      if (c >= m->nclasses || seen[c] == i + 1) {
        rc = c >= m->nclasses
                 ? ctix__error_set(err, CTIX_EPARSE,
                                   "technique model posting %u names class %u of %u", j, c,
                                   m->nclasses)
                 : ctix__error_set(err, CTIX_EPARSE,
                                   "technique model feature %u names class %u twice (posting %u)",
                                   i, c, j);
        break;
      }
      seen[c] = i + 1;
    }
  free(seen);
  return rc;
}

/* load() flags */
enum { LOAD_CHECKSUM = 1, LOAD_BORROW = 2 };

/*
 * Parses and checks a model file in data[0..len) (model.h): with `how`
 * holding LOAD_CHECKSUM the trailer is verified, with LOAD_BORROW the postings
 * are used in place when the host's layout allows it.
 */
static int load(ctix_ttp_model **out, const void *data, size_t len, const char *source,
                unsigned how, ctix_error *err)
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
  if ((how & LOAD_CHECKSUM) && rd32(p + len - 4) != ctix__ttp_model_checksum(p, len - 4))
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
      !(m->fent = calloc((size_t)m->nfeat + 1, sizeof(ctix__ttp_fent))) ||

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
    m->fent[i].off = rd32(q);
    if ((i == 0 && m->fent[0].off) || (i && m->fent[i].off < m->fent[i - 1].off) ||
        m->fent[i].off > m->npost)
      BAD("technique model posting offset %u out of range", i);
  }
  if (m->fent[m->nfeat].off != m->npost)
    BAD("technique model postings do not add up (%u of %u)", m->fent[m->nfeat].off, m->npost);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* the file's postings are the in-memory records on a little-endian host */
  if ((how & LOAD_BORROW) && ((uintptr_t)q & 3) == 0 && sizeof(ctix__ttp_posting) == 4) {
    m->post = (const ctix__ttp_posting *)(const void *)q;
    q += (size_t)m->npost * 4;
  } else
#endif
  {
    if (!(m->post_own = calloc((size_t)m->npost + 1, sizeof(ctix__ttp_posting))))
      goto nomem;
    for (i = 0; i < m->npost; i++, q += 4) {
      m->post_own[i].cls = (uint16_t)(q[0] | q[1] << 8);
      m->post_own[i].w = (int16_t)(uint16_t)(q[2] | q[3] << 8);
    }
    m->post = m->post_own;
  }
  if ((rc = check_postings(m, err)))
    goto done;
  memcpy(m->info, q, info_len);
  if (memchr(m->info, 0, info_len))
    BAD("technique model manifest holds a NUL byte");
  if (build_index(m))
    goto nomem;
  m->simd = ctix__cpu_has(CTIX__CPU_AVX2 | CTIX__CPU_POPCNT);
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

int ctix__ttp_model_load_mem(ctix_ttp_model **out, const void *data, size_t len,
                             const char *source, ctix_error *err)
{
  return load(out, data, len, source, LOAD_CHECKSUM, err);
}

int ctix__ttp_model_load_embedded(ctix_ttp_model **out, const void *data, size_t len,
                                  ctix_error *err)
{
  return load(out, data, len, "embedded technique model", LOAD_BORROW, err);
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
  ctix__ttp_model_load_embedded(&default_model, p, len, &default_err);
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

/* Feature index of bucket `id`, or -1 when the model does not have it. */
static inline __attribute__((always_inline)) int64_t feat_index(const ctix_ttp_model *m,
                                                                uint32_t id)
{
  const ctix__ttp_rank *r;
  uint64_t bit;
  if (id >= CTIX__TTP_NFEAT)
    return -1;
  r = &m->rank[id >> 6];
  bit = (uint64_t)1 << (id & 63);
  if (!(r->bits & bit))
    return -1;
  return (int64_t)r->base + __builtin_popcountll(r->bits & (bit - 1));
}

/* Features scored per batch (prefetching is done batch by batch). */
#define SCORE_BATCH 128
/* Where a feature's family sits in score_body's src entries. */
#define FAM_SHIFT 30
/* Dense rows added at once (the accumulators stay in registers across them). */
#define DENSE_BATCH 32

typedef int16_t v8hi __attribute__((vector_size(16)));
typedef int32_t v8si __attribute__((vector_size(32)));

/*
 * acc[0..stride) += each of the `nr` dense rows, widened to 32 bits: 64
 * classes at a time in eight vector accumulators. Integer sums, so the
 * order and the instruction set do not change the result.
 */
static void dense_add_plain(int32_t *acc, const int16_t *const *rows, size_t nr, size_t stride)
{
  size_t c, r, k;
  for (c = 0; c < stride; c += 64) {
    v8si s[8];
    for (k = 0; k < 8; k++)
      memcpy(&s[k], acc + c + 8 * k, sizeof(v8si));
    for (r = 0; r < nr; r++) {
      const int16_t *p = rows[r] + c;
      for (k = 0; k < 8; k++) {
        v8hi w;
        memcpy(&w, p + 8 * k, sizeof(w));
        s[k] += __builtin_convertvector(w, v8si);
      }
    }
    for (k = 0; k < 8; k++)
      memcpy(acc + c + 8 * k, &s[k], sizeof(v8si));
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
/* acc[0..8) += the 8 weights at p, widened (one instruction loads and widens). */
#define DENSE_LOAD8(p) _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(p)))
#define DENSE_ADD8(sum, p) sum = _mm256_add_epi32(sum, DENSE_LOAD8(p))
/* The same for the weights at p and at q (two rows). */
#define DENSE_ADD8X2(sum, p, q) sum = _mm256_add_epi32(sum, _mm256_add_epi32(DENSE_LOAD8(p), DENSE_LOAD8(q)))

/*
 * The same with AVX2: 64 classes at a time in eight accumulators held in
 * registers across the rows (two at a time), each row's weights
 * sign-extended on load.
 * (noipa: a copy specialised for full batches gets register copies in its
 * loop.)
 */
__attribute__((target("avx2"), TTP_NOIPA)) static void dense_add_avx2(int32_t *acc,
                                                           const int16_t *const *rows, size_t nr,
                                                           size_t stride)
{
  size_t c;
  for (c = 0; c < stride; c += 64) {
    int32_t *d = acc + c;
    const int16_t *const *rp = rows, *const *re = rows + (nr & ~(size_t)1);
    __m256i s0 = _mm256_loadu_si256((const __m256i *)(void *)d),
            s1 = _mm256_loadu_si256((const __m256i *)(void *)(d + 8)),
            s2 = _mm256_loadu_si256((const __m256i *)(void *)(d + 16)),
            s3 = _mm256_loadu_si256((const __m256i *)(void *)(d + 24)),
            s4 = _mm256_loadu_si256((const __m256i *)(void *)(d + 32)),
            s5 = _mm256_loadu_si256((const __m256i *)(void *)(d + 40)),
            s6 = _mm256_loadu_si256((const __m256i *)(void *)(d + 48)),
            s7 = _mm256_loadu_si256((const __m256i *)(void *)(d + 56));
    while (rp < re) { /* (this loop form keeps the sums in place, no register copies) */
      const int16_t *p = rp[0] + c, *q = rp[1] + c;
      rp += 2;
      DENSE_ADD8X2(s0, p, q);
      DENSE_ADD8X2(s1, p + 8, q + 8);
      DENSE_ADD8X2(s2, p + 16, q + 16);
      DENSE_ADD8X2(s3, p + 24, q + 24);
      DENSE_ADD8X2(s4, p + 32, q + 32);
      DENSE_ADD8X2(s5, p + 40, q + 40);
      DENSE_ADD8X2(s6, p + 48, q + 48);
      DENSE_ADD8X2(s7, p + 56, q + 56);
    }
    if (nr & 1) {
      const int16_t *p = rows[nr - 1] + c;
      DENSE_ADD8(s0, p);
      DENSE_ADD8(s1, p + 8);
      DENSE_ADD8(s2, p + 16);
      DENSE_ADD8(s3, p + 24);
      DENSE_ADD8(s4, p + 32);
      DENSE_ADD8(s5, p + 40);
      DENSE_ADD8(s6, p + 48);
      DENSE_ADD8(s7, p + 56);
    }
    _mm256_storeu_si256((__m256i *)(void *)d, s0);
    _mm256_storeu_si256((__m256i *)(void *)(d + 8), s1);
    _mm256_storeu_si256((__m256i *)(void *)(d + 16), s2);
    _mm256_storeu_si256((__m256i *)(void *)(d + 24), s3);
    _mm256_storeu_si256((__m256i *)(void *)(d + 32), s4);
    _mm256_storeu_si256((__m256i *)(void *)(d + 40), s5);
    _mm256_storeu_si256((__m256i *)(void *)(d + 48), s6);
    _mm256_storeu_si256((__m256i *)(void *)(d + 56), s7);
  }
}
#undef DENSE_LOAD8
#undef DENSE_ADD8
#undef DENSE_ADD8X2
#endif

static inline __attribute__((always_inline)) void dense_add(const ctix_ttp_model *m,
                                                            int32_t *acc,
                                                            const int16_t *const *rows, size_t nr)
{
#if defined(__x86_64__) && defined(__GNUC__)
  if (m->simd) {
    dense_add_avx2(acc, rows, nr, m->stride);
    return;
  }
#endif
  dense_add_plain(acc, rows, nr, m->stride);
}

/*
 * The integer part of scoring: acc[0] and acc[1] receive the quantised
 * weights of the features whose value is va, resp. vb; features with any
 * other value (merged buckets) are summed as floats into out, which is
 * zeroed and *other set the first time.
 *
 * Scoring is memory bound, so each batch of features goes through passes
 * that prefetch the next level for the whole batch before using it (rank
 * entry, feature entry, postings): the misses of different features
 * overlap instead of queueing. A feature that moves many classes adds its
 * dense row (vector adds) instead of scattering its postings.
 */
static inline __attribute__((always_inline)) void score_body(const ctix_ttp_model *m,
                                                             const ctix__ttp_feat *f, size_t n,
                                                             float va, float vb,
                                                             int32_t (*acc)[CTIX__TTP_MAX_CLASSES],
                                                             float *out, bool *other)
{
  /* src: the feature's place in its batch, and above FAM_SHIFT its value's
     family: 0 for va, 1 for vb, 2 for any other value */
  uint32_t fi[SCORE_BATCH], src[SCORE_BATCH], beg[SCORE_BATCH], end[SCORE_BATCH];
  const int16_t *rows[2][DENSE_BATCH];
  size_t i, b, k, nb, ns, nr[2] = {0, 0};
  uint32_t ua, ub;
  /* with va and vb neither NaN nor zero, a value equals one of them exactly
     when its bits do (integer compares, cheaper) */
  bool bits = va == va && vb == vb && va != 0.0f && vb != 0.0f;
  memcpy(&ua, &va, 4);
  memcpy(&ub, &vb, 4);
  for (b = 0; b < n; b += SCORE_BATCH) {
    const ctix__ttp_feat *fb = f + b;
    size_t e = n - b < SCORE_BATCH ? n - b : SCORE_BATCH;
    for (i = 0; i < e; i++)
      __builtin_prefetch(&m->rank[(fb[i].id & (CTIX__TTP_NFEAT - 1)) >> 6]);
    for (i = 0, nb = 0; i < e; i++) {
      int64_t x = feat_index(m, fb[i].id);
      float v = fb[i].v;
      uint32_t u, fam;
      if (x < 0)
        continue;
      memcpy(&u, &fb[i].v, 4);
      fam = bits ? (uint32_t)(u != ua) << (u != ub) : (uint32_t)(v != va) << (v != vb);
      fi[nb] = (uint32_t)x;
      src[nb++] = (uint32_t)i | fam << FAM_SHIFT;
      __builtin_prefetch(&m->fent[x]);
    }
    for (k = 0, ns = 0; k < nb; k++) {
      const ctix__ttp_fent *fe = &m->fent[fi[k]];
      uint32_t fam = src[k] >> FAM_SHIFT;
      if (fe->row != UINT32_MAX && fam < 2) {
        rows[fam][nr[fam]++] = m->dense + (size_t)fe->row * m->stride;
        if (nr[fam] == DENSE_BATCH) {
          dense_add(m, acc[fam], rows[fam], nr[fam]);
          nr[fam] = 0;
        }
        continue;
      }
      {
        const char *p = (const char *)(m->post + fe->off), *pe = (const char *)(m->post + fe[1].off);
        for (; p < pe; p += 64)
          __builtin_prefetch(p);
      }
      beg[ns] = fe->off;
      end[ns] = fe[1].off;
      src[ns++] = src[k];
    }
    for (k = 0; k < ns; k++) {
      const ctix__ttp_posting *p = m->post + beg[k], *pe = m->post + end[k];
      uint32_t fam = src[k] >> FAM_SHIFT;
      if (fam < 2) {
        int32_t *a = acc[fam];
        /* four at a time: one add per posting, in file order (load()
           has checked that a feature names each class at most once) */
        const ctix__ttp_posting *p4 = p + ((pe - p) & ~(ptrdiff_t)3);
        for (; p < p4; p += 4) {
          a[p[0].cls] += p[0].w;
          a[p[1].cls] += p[1].w;
          a[p[2].cls] += p[2].w;
          a[p[3].cls] += p[3].w;
        }
        for (; p < pe; p++)
          a[p->cls] += p->w;
      } else {
        float v = fb[src[k] & ((1u << FAM_SHIFT) - 1)].v;
        if (!*other) { /* out is zeroed by the first feature of another value */
          memset(out, 0, m->nclasses * sizeof(float));
          *other = true;
        }
        for (; p < pe; p++)
          out[p->cls] += v * (float)p->w;
      }
    }
  }
  for (k = 0; k < 2; k++)
    if (nr[k])
      dense_add(m, acc[k], rows[k], nr[k]);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2,popcnt"))) static void score_avx2(
    const ctix_ttp_model *m, const ctix__ttp_feat *f, size_t n, float va, float vb,
    int32_t (*acc)[CTIX__TTP_MAX_CLASSES], float *out, bool *other)
{
  score_body(m, f, n, va, vb, acc, out, other);
}
#endif

static void score_plain(const ctix_ttp_model *m, const ctix__ttp_feat *f, size_t n, float va,
                        float vb, int32_t (*acc)[CTIX__TTP_MAX_CLASSES], float *out,
                        bool *other)
{
  score_body(m, f, n, va, vb, acc, out, other);
}

/*
 * Zeroes the two accumulators (stride: a multiple of 64) with vector
 * stores (kept from becoming a memset call, whose string instruction is
 * slower for these few kilobytes).
 */
__attribute__((TTP_NO_MEMSET_LOOP)) static void zero_acc(int32_t *a, int32_t *b, size_t stride)
{
  const v8si z = {0, 0, 0, 0, 0, 0, 0, 0};
  size_t c;
  for (c = 0; c < stride; c += 8) {
    memcpy(a + c, &z, sizeof(z));
    memcpy(b + c, &z, sizeof(z));
  }
}

/*
 * The last step of scoring, class by class: out[c] = (out[c] + va x
 * acc[0][c] + vb x acc[1][c]) x scale + bias, with out[c] taken as 0
 * unless `other` (no fused multiply-add: the same rounding everywhere).
 */
static inline __attribute__((always_inline)) void finish_body(const ctix_ttp_model *m,
                                                              int32_t (*acc)[CTIX__TTP_MAX_CLASSES],
                                                              float va, float vb, bool other,
                                                              float *out)
{
  uint32_t c;
  if (other)
    for (c = 0; c < m->nclasses; c++)
      out[c] = (out[c] + va * (float)acc[0][c] + vb * (float)acc[1][c]) * m->scale[c] + m->bias[c];
  else /* the same expression with out[c] = 0 */
    for (c = 0; c < m->nclasses; c++)
      out[c] = (0.0f + va * (float)acc[0][c] + vb * (float)acc[1][c]) * m->scale[c] + m->bias[c];
}

#if defined(__x86_64__) && defined(__GNUC__)
/* finish_body compiled for AVX2 (eight classes per instruction). */
__attribute__((target("avx2"))) static void finish_avx2(const ctix_ttp_model *m,
                                                        int32_t (*acc)[CTIX__TTP_MAX_CLASSES],
                                                        float va, float vb, bool other, float *out)
{
  finish_body(m, acc, va, vb, other, out);
}
#endif

static void finish_plain(const ctix_ttp_model *m, int32_t (*acc)[CTIX__TTP_MAX_CLASSES], float va,
                         float vb, bool other, float *out)
{
  finish_body(m, acc, va, vb, other, out);
}

/*
 * out[c] = bias + scale x (va x the integer sum of the va features +
 * vb x that of the vb features + the float sum of any others). The two
 * values are the first two distinct values of the vector (a sentence has
 * one per feature family).
 */
void ctix__ttp_model_score(const ctix_ttp_model *m, const ctix__ttp_feat *f, size_t n,
                           float *out)
{
  int32_t acc[2][CTIX__TTP_MAX_CLASSES] __attribute__((aligned(32)));
  float va = n ? f[0].v : 0.0f, vb = va;
  size_t i;
  bool other = false;
  for (i = 0; i < n && vb == va; i++)
    vb = f[i].v;
  zero_acc(acc[0], acc[1], m->stride);
#if defined(__x86_64__) && defined(__GNUC__)
  if (m->simd)
    score_avx2(m, f, n, va, vb, acc, out, &other);
  else
#endif
    score_plain(m, f, n, va, vb, acc, out, &other);
#if defined(__x86_64__) && defined(__GNUC__)
  if (m->simd)
    finish_avx2(m, acc, va, vb, other, out);
  else
#endif
    finish_plain(m, acc, va, vb, other, out);
}

float ctix__ttp_model_weight(const ctix_ttp_model *m, uint32_t id, uint32_t cls)
{
  int64_t x = feat_index(m, id);
  uint32_t j;
  if (x < 0 || cls >= m->nclasses)
    return 0.0f;
  /* a dense row holds each class's only posting (0: none, or a zero weight) */
  if (m->fent[x].row != UINT32_MAX && m->dense[(size_t)m->fent[x].row * m->stride + cls])
    return (float)m->dense[(size_t)m->fent[x].row * m->stride + cls] * m->scale[cls];
  for (j = m->fent[x].off; j < m->fent[x + 1].off; j++)
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
