/*
 * Unit tests of the technique model's training data (src/lib/ttp/train.c):
 * which rows are a class's negatives under each negatives mode (all rows
 * not labelled with the class; not the unlabelled sentences of a report
 * that has the class's family; only those within a window of a sentence
 * labelled with it; the multiple-instance refinement's candidates), on a
 * small shared folder written by the test, and that a non-default mode is
 * written in the model's manifest. The naive-Bayes scaling (NBSVM): the
 * log-count ratios of hand-made rows, and that a class trained with it
 * stores liblinear's weight on the scaled rows times the ratio. The
 * optional Sigma rule rows: a small rule folder gives one row per rule
 * with a technique tag, labelled through the knowledge base.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linear.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctix/kb.h"
#include "ttp/features.h"
#include "ttp/model.h"
#include "util/buf.h"

/* The training sets train.c reads under data/ttp-eval, and what the test writes in them. */
typedef struct set_file {
  const char *name;
  const char *jsonl;
} set_file;

/*
 * Rows, in the order train.c reads them (no ATT&CK rows: the bundle is
 * empty):
 *   0-7   tram2-multi report 001: 2 is T1003.001, 5 is T1059, the others unlabelled
 *   8-10  tram2-multi report 002: 9 is T1105
 *   11    tram2-single span T1003.001 (no sentence number)
 *   12-14 annoctr-sent report x: 13 is T1003.002
 *   15    annoctr-sent, report x, unlabelled, but no sentence number: never left out
 */
static const set_file sets[] = {
    {"tram2-multi",
     "{\"id\": \"tram2m-001-s0000\", \"text\": \"The report opens here.\", \"techniques\": []}\n"
     "{\"id\": \"tram2m-001-s0001\", \"text\": \"The actor ran a tool.\", \"techniques\": []}\n"
     "{\"id\": \"tram2m-001-s0002\", \"text\": \"It dumped LSASS memory.\", "
     "\"techniques\": [\"T1003.001\"]}\n"
     "{\"id\": \"tram2m-001-s0003\", \"text\": \"Credentials were read.\", \"techniques\": []}\n"
     "{\"id\": \"tram2m-001-s0004\", \"text\": \"Another quiet line.\", \"techniques\": []}\n"
     "{\"id\": \"tram2m-001-s0005\", \"text\": \"It ran PowerShell commands.\", "
     "\"techniques\": [\"T1059\"]}\n"
     "{\"id\": \"tram2m-001-s0006\", \"text\": \"More prose follows.\", \"techniques\": []}\n"
     "{\"id\": \"tram2m-001-s0007\", \"text\": \"The end of it.\", \"techniques\": []}\n"
     "{\"id\": \"tram2m-002-s0000\", \"text\": \"A second report.\", \"techniques\": []}\n"
     "{\"id\": \"tram2m-002-s0001\", \"text\": \"It downloaded a payload.\", "
     "\"techniques\": [\"T1105\"]}\n"
     "{\"id\": \"tram2m-002-s0002\", \"text\": \"Its last line.\", \"techniques\": []}\n"},
    {"tram2-single",
     "{\"id\": \"tram2s-0001\", \"text\": \"dumped the memory of lsass\", "
     "\"techniques\": [\"T1003.001\"]}\n"},
    {"tram-bootstrap", ""},
    {"annoctr-sent",
     "{\"id\": \"annoctr-train-x-s0000\", \"text\": \"Intro of the blog.\", \"techniques\": []}\n"
     "{\"id\": \"annoctr-train-x-s0001\", \"text\": \"They read the SAM hive.\", "
     "\"techniques\": [\"T1003.002\"]}\n"
     "{\"id\": \"annoctr-train-x-s0002\", \"text\": \"Closing words.\", \"techniques\": []}\n"
     "{\"id\": \"annoctr-train-x\", \"text\": \"No sentence number.\", \"techniques\": []}\n"},
    {"cti-hal-spans", ""},
};
#define NROWS 16

typedef struct fixture {
  char dir[256];
  ctix__ttp_data *d;
} fixture;

/* Writes `text` to dir/rel, creating the file. */
static void write_file(const char *dir, const char *rel, const char *text)
{
  char p[512];
  FILE *f;
  snprintf(p, sizeof(p), "%s/%s", dir, rel);
  f = fopen(p, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0 || !text[0], 1);
  assert_int_equal(fclose(f), 0);
}

/* Makes dir/rel (one level). */
static void make_dir(const char *dir, const char *rel)
{
  char p[512];
  snprintf(p, sizeof(p), "%s/%s", dir, rel);
  assert_int_equal(mkdir(p, 0700), 0);
}

/* Writes the small shared folder and loads it. */
static int setup(void **state)
{
  fixture *fx = calloc(1, sizeof(*fx));
  const char *base = getenv("TMPDIR");
  const ctix_kb *kb;
  ctix_error err;
  size_t i;
  char rel[128];
  assert_non_null(fx);
  snprintf(fx->dir, sizeof(fx->dir), "%s/ctix-train-test.XXXXXX", base && base[0] ? base : "/tmp");
  assert_non_null(mkdtemp(fx->dir));
  make_dir(fx->dir, "data");
  make_dir(fx->dir, "data/attack");
  make_dir(fx->dir, "data/ttp-eval");
  write_file(fx->dir, "data/attack/enterprise-attack.json",
             "{\"type\": \"bundle\", \"objects\": []}");
  for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
    snprintf(rel, sizeof(rel), "data/ttp-eval/%s", sets[i].name);
    make_dir(fx->dir, rel);
    snprintf(rel, sizeof(rel), "data/ttp-eval/%s/dev.jsonl", sets[i].name);
    write_file(fx->dir, rel, sets[i].jsonl);
  }
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_default(&kb, &err), 0);
  if (ctix__ttp_data_load(&fx->d, fx->dir, kb, false, &err))
    fail_msg("load: %s", err.message);
  *state = fx;
  return 0;
}

/* Removes dir/rel, a file or an empty folder. */
static void remove_rel(const char *dir, const char *rel)
{
  char p[512];
  snprintf(p, sizeof(p), "%s/%s", dir, rel);
  remove(p);
}

/* Removes the folder and frees the data. */
static int teardown(void **state)
{
  fixture *fx = *state;
  char rel[128];
  size_t i;
  for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
    snprintf(rel, sizeof(rel), "data/ttp-eval/%s/dev.jsonl", sets[i].name);
    remove_rel(fx->dir, rel);
    snprintf(rel, sizeof(rel), "data/ttp-eval/%s", sets[i].name);
    remove_rel(fx->dir, rel);
  }
  remove_rel(fx->dir, "data/attack/enterprise-attack.json");
  remove_rel(fx->dir, "data/attack");
  remove_rel(fx->dir, "data/ttp-eval");
  remove_rel(fx->dir, "data");
  rmdir(fx->dir);
  ctix__ttp_data_free(fx->d);
  free(fx);
  return 0;
}

/*
 * Asserts which rows are negatives of `id` under (mode, window): `want`
 * is one character per row, '1' a negative, '0' not.
 */
static void check_negatives(const fixture *fx, const char *id, int mode, unsigned window,
                            const char *want)
{
  ctix__ttp_train_cfg cfg;
  bool keep[NROWS];
  char got[NROWS + 1];
  size_t i;
  memset(&cfg, 0, sizeof(cfg));
  cfg.neg_mode = mode;
  cfg.neg_window = window;
  assert_int_equal(ctix__ttp_data_rows(fx->d), NROWS);
  assert_int_equal(ctix__ttp_negatives(keep, fx->d, id, &cfg), 0);
  for (i = 0; i < NROWS; i++)
    got[i] = keep[i] ? '1' : '0';
  got[NROWS] = 0;
  if (strcmp(got, want) != 0)
    fail_msg("negatives of %s (mode %d, window %u): %s, want %s", id, mode, window, got, want);
}

/* One expectation: the negatives of `id` under (mode, window). */
typedef struct neg_case {
  const char *id;
  int mode;
  unsigned window;
  const char *want;    /* one character per row: '1' a negative, '0' not */
} neg_case;

static const neg_case neg_cases[] = {
    /* Default: every row not labelled with the class (a parent counts its sub-techniques). */
    {"T1003.001", CTIX__TTP_NEG_ALL, 0, "1101111111101111"},
    {"T1003", CTIX__TTP_NEG_ALL, 0, "1101111111101011"},
    {"T1105", CTIX__TTP_NEG_ALL, 0, "1111111110111111"},
    /* Report-aware: the unlabelled sentences of a report that has the class's family
     * (a sibling sub-technique too) are not negatives; sentences labelled with other
     * techniques, spans and other reports' sentences stay. */
    {"T1003.001", CTIX__TTP_NEG_REPORT, 0, "0000010011100101"},
    {"T1003", CTIX__TTP_NEG_REPORT, 0, "0000010011100001"},
    {"T1105", CTIX__TTP_NEG_REPORT, 0, "1111111100011111"},
    {"T1059", CTIX__TTP_NEG_REPORT, 0, "0010000011111111"},
    /* Window: only the unlabelled sentences within N of a sentence of the family. */
    {"T1003.001", CTIX__TTP_NEG_WINDOW, 1, "1000111111100101"},
    {"T1003.001", CTIX__TTP_NEG_WINDOW, 2, "0000011111100101"},
    {"T1059", CTIX__TTP_NEG_WINDOW, 1, "1111000111111111"},
    {"T1105", CTIX__TTP_NEG_WINDOW, 1, "1111111100011111"},
    /* A window as wide as the report is the report-aware mode there. */
    {"T1003.001", CTIX__TTP_NEG_WINDOW, 100, "0000010011100101"},
};

/* Each mode leaves out of a class's negatives exactly the rows its rule names. */
static void test_negatives_modes(void **state)
{
  fixture *fx = *state;
  size_t i;
  for (i = 0; i < sizeof(neg_cases) / sizeof(neg_cases[0]); i++)
    check_negatives(fx, neg_cases[i].id, neg_cases[i].mode, neg_cases[i].window,
                    neg_cases[i].want);
}

/* An id that labels no row is an error, not an empty set. */
static void test_negatives_unknown(void **state)
{
  fixture *fx = *state;
  ctix__ttp_train_cfg cfg;
  bool keep[NROWS];
  memset(&cfg, 0, sizeof(cfg));
  assert_int_equal(ctix__ttp_negatives(keep, fx->d, "T1486", &cfg), CTIX_EINVAL);
}

/* Whether the model bytes hold `s` (the manifest is plain text in the file). */
static bool holds(const ctix_buf *b, const char *s)
{
  size_t n = strlen(s), i;
  for (i = 0; i + n <= b->len; i++)
    if (memcmp(b->data + i, s, n) == 0)
      return true;
  return false;
}

/*
 * The mode changes the trained weights and is named in the manifest; the
 * default writes no such line.
 */
static void test_negatives_manifest(void **state)
{
  fixture *fx = *state;
  static const char *const cls[] = {"T1003.001"};
  ctix__ttp_train_cfg cfg;
  ctix_buf a = CTIX_BUF_INIT(1 << 24), b = CTIX_BUF_INIT(1 << 24);
  ctix_error err;
  ctix_error_clear(&err);
  memset(&cfg, 0, sizeof(cfg));
  cfg.classes = cls;
  cfg.nclasses = 1;
  assert_int_equal(ctix__ttp_train_buf(&a, fx->d, &cfg, &err), 0);
  cfg.neg_mode = CTIX__TTP_NEG_REPORT;
  assert_int_equal(ctix__ttp_train_buf(&b, fx->d, &cfg, &err), 0);
  assert_false(holds(&a, "negatives:"));
  assert_true(holds(&b, "negatives: not the unlabelled sentences of a report"));
  assert_true(holds(&b, "(8 row-class pairs left out)"));
  assert_true(a.len != b.len || memcmp(a.data, b.data, a.len) != 0);
  ctix__buf_free(&a);
  ctix__buf_free(&b);
}

/*
 * The multiple-instance modes change exactly the report-aware candidates
 * the first model scores over the margin: all of them under a margin
 * below every score, none over one above every score.
 */
static void test_negatives_mil(void **state)
{
  fixture *fx = *state;
  static const char *const cls[] = {"T1003.001"};
  static const struct {
    int mode;
    double margin;
    const char *want;
  } cases[] = {
      {CTIX__TTP_NEG_MIL_DROP, -9.0, "left out the second (8 row-class pairs)"},
      {CTIX__TTP_NEG_MIL_ADD, -9.0, "are positives the second (8 row-class pairs)"},
      {CTIX__TTP_NEG_MIL_ADD, 9.0, "are positives the second (0 row-class pairs)"},
  };
  size_t i;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    ctix__ttp_train_cfg cfg;
    ctix_buf b = CTIX_BUF_INIT(1 << 24);
    ctix_error err;
    ctix_error_clear(&err);
    memset(&cfg, 0, sizeof(cfg));
    cfg.classes = cls;
    cfg.nclasses = 1;
    cfg.neg_mode = cases[i].mode;
    cfg.neg_margin = cases[i].margin;
    assert_int_equal(ctix__ttp_train_buf(&b, fx->d, &cfg, &err), 0);
    if (!holds(&b, cases[i].want))
      fail_msg("case %zu: the manifest does not say '%s'", i, cases[i].want);
    ctix__buf_free(&b);
  }
}

/* Three hand-made rows over 4 features (the test's own arithmetic below). */
static const struct feature_node nb_a[] = {{1, 0.5}, {2, 0.5}, {-1, 0}};
static const struct feature_node nb_b[] = {{1, 1.0}, {-1, 0}};
static const struct feature_node nb_c[] = {{2, 0.25}, {3, 2.0}, {5, 1.0}, {-1, 0}};

/* Asserts r (4 entries) against want with `cfg`'s counting. */
static void check_ratios(const ctix__ttp_train_cfg *cfg, const double *want)
{
  struct feature_node *const x[] = {(struct feature_node *)nb_a, (struct feature_node *)nb_b,
                                    (struct feature_node *)nb_c};
  const double y[] = {1, 1, -1};
  float r[4];
  double p[4], q[4];
  size_t j;
  ctix__ttp_nb_ratios(r, p, q, 4, x, y, 3, cfg);
  for (j = 0; j < 4; j++)
    if (fabs(r[j] - want[j]) > 1e-6)
      fail_msg("nb %d clip %g: r[%zu] = %g, want %g", cfg->nb, cfg->nb_clip, j, r[j], want[j]);
}

/*
 * Ratios: p, q count (or sum) the positives' and negatives' features, the
 * norms run over the 3 features present (a = 1), index 5 (the bias, over
 * nfeat) is ignored, an absent feature gets 0, and clip bounds |r|.
 */
static void test_nb_ratios(void **state)
{
  ctix__ttp_train_cfg cfg;
  (void)state;
  memset(&cfg, 0, sizeof(cfg));
  cfg.nb = CTIX__TTP_NB_BIN;
  cfg.nb_alpha = 1;
  {
    /* p = 2, 1, 0; q = 0, 1, 1; |a + p| = 6, |a + q| = 5 */
    const double want[] = {log(3.0 / 6) - log(1.0 / 5), log(2.0 / 6) - log(2.0 / 5),
                           log(1.0 / 6) - log(2.0 / 5), 0};
    check_ratios(&cfg, want);
  }
  {
    const double want[] = {0.5, log(2.0 / 6) - log(2.0 / 5), -0.5, 0};
    cfg.nb_clip = 0.5;
    check_ratios(&cfg, want);
    cfg.nb_clip = 0;
  }
  {
    /* values: p = 1.5, 0.5, 0; q = 0, 0.25, 2; |a + p| = 5, |a + q| = 5.25 */
    const double want[] = {log(2.5 / 5) - log(1.0 / 5.25), log(1.5 / 5) - log(1.25 / 5.25),
                           log(1.0 / 5) - log(3.0 / 5.25), 0};
    cfg.nb = CTIX__TTP_NB_VALUE;
    check_ratios(&cfg, want);
  }
  {
    /* a = 0.5: p = 2, 1, 0 -> |a + p| = 4.5; q -> 3.5 */
    const double want[] = {log(2.5 / 4.5) - log(0.5 / 3.5), log(1.5 / 4.5) - log(1.5 / 3.5),
                           log(0.5 / 4.5) - log(1.5 / 3.5), 0};
    cfg.nb = CTIX__TTP_NB_BIN;
    cfg.nb_alpha = 0.5;
    check_ratios(&cfg, want);
  }
}

/*
 * A class trained with the scaling stores w_j * r_j, w being what
 * liblinear learns on the rows scaled by r (trained here the trainer's
 * way: L2-loss SVM in the dual, C 0.5, eps 0.1, bias 1, srand(1)), up to
 * the 16-bit quantisation; and that differs from the plain weight w_j.
 */
/* The weight the trainer should store for feature i (1-based). */
static double want(double w, size_t i, const double *p, const double *q, const float *r,
                   double wbar, double beta)
{
  if (beta > 0 && beta < 1 && (p[i - 1] > 0 || q[i - 1] > 0))
    w = (1 - beta) * wbar + beta * w;
  return w * r[i - 1];
}

/*
 * Trains T1003.001 on the fixture with naive-Bayes scaling (interpolation
 * beta when in (0, 1)) and checks every stored weight against the same
 * problem solved here: ((1 - beta) mean|w| + beta w) r for the features
 * present in the rows (w r without interpolation), within the 16-bit
 * quantisation.
 */
static void check_nb_weights(fixture *fx, double beta)
{
  static const char *const cls[] = {"T1003.001"};
  ctix__ttp_train_cfg cfg;
  ctix_buf b = CTIX_BUF_INIT(1 << 24);
  ctix_error err;
  ctix_ttp_model *m = NULL;
  struct feature_node *x[NROWS], *sx[NROWS], *store;
  double y[NROWS], *p, *q, maxw = 0, wbar = 0;
  float *r;
  struct problem prob;
  struct parameter par;
  struct model *mdl;
  size_t i, n = 0, nchk = 0, ndiff = 0;
  int32_t ci;
  int li, labels[2];
  ctix_error_clear(&err);
  memset(&cfg, 0, sizeof(cfg));
  cfg.classes = cls;
  cfg.nclasses = 1;
  cfg.topn = 100000;
  cfg.nb = CTIX__TTP_NB_BIN;
  cfg.nb_alpha = 1;
  cfg.nb_beta = beta;
  assert_int_equal(ctix__ttp_train_buf(&b, fx->d, &cfg, &err), 0);
  assert_true(holds(&b, "features: naive-Bayes scaled (NBSVM), ratios of binary counts"));
  assert_int_equal(ctix__ttp_model_load_mem(&m, b.data, b.len, "test model", &err), 0);
  assert_true((ci = ctix__ttp_model_class(m, "T1003.001")) >= 0);
  /* The same problem by hand: rows 2 and 11 are T1003.001 (the fixture's table). */
  for (i = 0; i < NROWS; i++) {
    const struct feature_node *f = ctix__ttp_data_x(fx->d, i);
    x[i] = (struct feature_node *)f;
    y[i] = i == 2 || i == 11 ? 1 : -1;
    while (f++->index != -1)
      n++;
    n++;
  }
  r = calloc(CTIX__TTP_NFEAT, sizeof(float));
  p = calloc(CTIX__TTP_NFEAT, sizeof(double));
  q = calloc(CTIX__TTP_NFEAT, sizeof(double));
  store = calloc(n, sizeof(*store));
  assert_true(r && p && q && store);
  ctix__ttp_nb_ratios(r, p, q, CTIX__TTP_NFEAT, x, y, NROWS, &cfg);
  n = 0;
  for (i = 0; i < NROWS; i++) {
    const struct feature_node *f = x[i];
    sx[i] = store + n;
    do {
      store[n] = *f;
      if (f->index >= 1 && (uint32_t)f->index <= CTIX__TTP_NFEAT)
        store[n].value *= r[f->index - 1];
      n++;
    } while (f++->index != -1);
  }
  memset(&prob, 0, sizeof(prob));
  prob.l = NROWS;
  prob.n = (int)CTIX__TTP_NFEAT + 1;
  prob.x = sx;
  prob.y = y;
  prob.bias = 1.0;
  memset(&par, 0, sizeof(par));
  par.solver_type = L2R_L2LOSS_SVC_DUAL;
  par.C = 0.5;
  par.eps = 0.1;
  srand(1);
  assert_non_null(mdl = train(&prob, &par));
  get_labels(mdl, labels);
  li = labels[0] == 1 ? 0 : 1;
  if (beta > 0 && beta < 1) { /* the mean magnitude over the features present */
    size_t nv = 0;
    for (i = 1; i <= CTIX__TTP_NFEAT; i++)
      if (p[i - 1] > 0 || q[i - 1] > 0) {
        wbar += fabs(get_decfun_coef(mdl, (int)i, li));
        nv++;
      }
    wbar /= (double)nv;
  }
  for (i = 1; i <= CTIX__TTP_NFEAT; i++)
    maxw = fmax(maxw, fabs(want(get_decfun_coef(mdl, (int)i, li), i, p, q, r, wbar, beta)));
  assert_true(maxw > 0);
  for (i = 1; i <= CTIX__TTP_NFEAT; i++) {
    double w = get_decfun_coef(mdl, (int)i, li), e = want(w, i, p, q, r, wbar, beta);
    float got = ctix__ttp_model_weight(m, (uint32_t)i - 1, (uint32_t)ci);
    if (e == 0)
      continue;
    nchk++;
    if (fabs(got - e) > maxw / 32767.0 + 1e-6)
      fail_msg("feature %zu: stored %g, want %g (w %g, r %g, beta %g)", i - 1, got, e, w, r[i - 1],
               beta);
    ndiff += fabs(got - w) > maxw / 32767.0 + 1e-6;
  }
  assert_true(nchk > 20);
  assert_true(ndiff > nchk / 2);
  free_and_destroy_model(&mdl);
  ctix_ttp_model_free(m);
  free(r);
  free(p);
  free(q);
  free(store);
  ctix__buf_free(&b);
}

static void test_nb_weights(void **state) { check_nb_weights(*state, 0); }

/* With interpolation: the features present move towards their mean magnitude. */
static void test_nb_interpolation(void **state) { check_nb_weights(*state, 0.5); }

/* Rule files of the Sigma test folder (data/sigma/rules), in walk order. */
static const set_file sigma_files[] = {
    {"a.yml", "title: Shadow Copies Deleted Via Vssadmin\n"
              "description: Detects the deletion of volume shadow copies with vssadmin\n"
              "tags:\n    - attack.impact\n    - attack.t1490\n"
              "logsource:\n    product: windows\n"
              "detection:\n    sel:\n        CommandLine|contains: 'delete shadows'\n"
              "    condition: sel\n"},
    /* a tactic tag only: no row */
    {"c.yml", "title: Some Execution\ntags:\n    - attack.execution\n"},
    /* does not parse: counted as unread */
    {"d.yml", "title: [unclosed\n"},
    /* a title that is empty as a C string: counted as unread */
    {"e.yml", "title: \"\\0 hidden\"\ntags: [attack.t1490]\n"},
    {"notes.txt", "title: not a rule file\ntags: [attack.t1486]\n"},
    /* revoked (T1574.002 is T1574.001), unknown and upper-case tags */
    {"sub/b.yml", "title: LSASS Memory Read By A Dump Tool\n"
                  "tags: [attack.credential-access, attack.t1003.001, attack.T1574.002, "
                  "attack.t9999]\n"},
};

/* Number of features of row i of d (bias included). */
static size_t row_features(const ctix__ttp_data *d, size_t i)
{
  const struct feature_node *x = ctix__ttp_data_x(d, i);
  size_t n = 0;
  while (x[n].index != -1)
    n++;
  return n;
}

/* Asserts that the rows labelled `id` (or its sub-techniques) are exactly `want` (0/1 per row). */
static void check_positives(const ctix__ttp_data *d, const char *id, const char *want)
{
  ctix__ttp_train_cfg cfg;
  bool keep[NROWS + 2];
  char got[NROWS + 3];
  size_t i, n = ctix__ttp_data_rows(d);
  memset(&cfg, 0, sizeof(cfg));
  assert_int_equal(n, NROWS + 2);
  assert_int_equal(ctix__ttp_negatives(keep, d, id, &cfg), 0);
  for (i = 0; i < n; i++)
    got[i] = keep[i] ? '0' : '1';
  got[n] = 0;
  if (strcmp(got, want) != 0)
    fail_msg("rows of %s: %s, want %s", id, got, want);
}

/*
 * The Sigma rows (ctix__ttp_data_load_src): one per rule with a technique
 * tag, after the other sources, labelled with its current ids and their
 * parents; the description only with CTIX__TTP_SIGMA_DESC; the summary
 * names the source and its unread file, the default load names neither.
 */
static void test_sigma_rows(void **state)
{
  fixture *fx = *state;
  const ctix_kb *kb;
  ctix_error err;
  ctix__ttp_data *t = NULL, *dd = NULL;
  size_t i;
  char rel[128];
  ctix_error_clear(&err);
  assert_int_equal(ctix_kb_default(&kb, &err), 0);
  make_dir(fx->dir, "data/sigma");
  make_dir(fx->dir, "data/sigma/rules");
  make_dir(fx->dir, "data/sigma/rules/sub");
  for (i = 0; i < sizeof(sigma_files) / sizeof(sigma_files[0]); i++) {
    snprintf(rel, sizeof(rel), "data/sigma/rules/%s", sigma_files[i].name);
    write_file(fx->dir, rel, sigma_files[i].jsonl);
  }
  {
    /* 300 tags overflow the labels: the file is counted as unread, no error */
    char many[8192];
    size_t n = (size_t)snprintf(many, sizeof(many), "title: Many\ntags:\n");
    for (int k = 0; k < 300 && n + 32 < sizeof(many); k++)
      n += (size_t)snprintf(many + n, sizeof(many) - n, "    - attack.t1059.001\n");
    write_file(fx->dir, "data/sigma/rules/many.yml", many);
  }
  if (ctix__ttp_data_load_src(&t, fx->dir, kb, CTIX__TTP_SIGMA_TITLE, false, &err) ||
      ctix__ttp_data_load_src(&dd, fx->dir, kb, CTIX__TTP_SIGMA_DESC, false, &err))
    fail_msg("load: %s", err.message);
  /* rows 16 (a.yml) and 17 (sub/b.yml) */
  check_positives(t, "T1490", "000000000000000010");
  check_positives(t, "T1003", "001000000001010001");
  check_positives(t, "T1003.001", "001000000001000001");
  check_positives(t, "T1574.001", "000000000000000001");
  check_positives(t, "T1574", "000000000000000001");
  {
    ctix__ttp_train_cfg cfg;
    bool keep[NROWS + 2];
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(ctix__ttp_negatives(keep, t, "T1574.002", &cfg), CTIX_EINVAL);
    assert_int_equal(ctix__ttp_negatives(keep, t, "T1486", &cfg), CTIX_EINVAL);
  }
  /* the description adds words to a.yml's row only; the other rows are the same */
  assert_true(row_features(dd, NROWS) > row_features(t, NROWS));
  assert_int_equal(row_features(dd, NROWS + 1), row_features(t, NROWS + 1));
  assert_int_equal(row_features(t, 2), row_features(fx->d, 2));
  assert_non_null(strstr(ctix__ttp_data_summary(t),
                         "source sigma-titles: 2 rows, 2 positive, 5 labels, 3 files unread\n"));
  assert_non_null(strstr(ctix__ttp_data_summary(dd), "source sigma-titles+descriptions: 2 rows"));
  assert_null(strstr(ctix__ttp_data_summary(fx->d), "sigma"));
  ctix__ttp_data_free(t);
  ctix__ttp_data_free(dd);
  for (i = 0; i < sizeof(sigma_files) / sizeof(sigma_files[0]); i++) {
    snprintf(rel, sizeof(rel), "data/sigma/rules/%s", sigma_files[i].name);
    remove_rel(fx->dir, rel);
  }
  remove_rel(fx->dir, "data/sigma/rules/many.yml");
  remove_rel(fx->dir, "data/sigma/rules/sub");
  remove_rel(fx->dir, "data/sigma/rules");
  remove_rel(fx->dir, "data/sigma");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_negatives_modes),
      cmocka_unit_test(test_negatives_unknown),
      cmocka_unit_test(test_negatives_manifest),
      cmocka_unit_test(test_negatives_mil),
      cmocka_unit_test(test_nb_ratios),
      cmocka_unit_test(test_nb_weights),
      cmocka_unit_test(test_nb_interpolation),
      cmocka_unit_test(test_sigma_rows),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
