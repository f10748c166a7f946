/*
 * Internal model of the Sigma conversion engine (src/lib/sigma).
 *
 * reader.c turns YAML (libyaml) into a small positioned tree (sg_y) and then
 * into the rule model: metadata, logsource, named detections (each an OR of
 * AND-maps of detection items: field, modifier chain, raw values) and the
 * condition strings; filters and correlation rules are kept as data.
 * condition.c parses the condition language into sg_cond. modifiers.c
 * lowers detection items into value expressions (sg_expr). pipeline.c
 * reads processing pipelines and applies them to the expression tree.
 * backend.c renders an sg_expr tree into text driven by a target table
 * (sg_target); backend_<name>.c files hold those tables and hooks, and
 * backend_util.c the pieces several targets write alike.
 *
 * Everything of one rule lives in the rule's arena; everything of one
 * conversion lives in a per-conversion arena.
 */
#ifndef CTIX_SIGMA_INTERNAL_H
#define CTIX_SIGMA_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctix/sigma.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

/* Limits on hostile input. */
#define SG_MAX_DEPTH 64          /* YAML nesting */
#define SG_MAX_NODES 200000      /* YAML nodes per document */
#define SG_MAX_COND 4096         /* bytes of one condition string */
#define SG_MAX_COND_DEPTH 128    /* condition nesting */
#define SG_MAX_MODS 16           /* modifiers on one key */
#define SG_MAX_EXPR 1000000      /* expression nodes per conversion */
#define SG_MAX_QUERY (16u << 20) /* bytes of one query */

/* Special bytes inside a decoded Sigma string (literal bytes 1..4 are refused). */
#define SG_WILD_MULTI '\x01'
#define SG_WILD_SINGLE '\x02'
#define SG_PH_OPEN '\x03'
#define SG_PH_CLOSE '\x04'

/* ----------------------------------------------------------- YAML tree */

typedef enum { SG_Y_SCALAR, SG_Y_SEQ, SG_Y_MAP } sg_ykind;

/* One YAML node; map entries carry their key in `key`. */
typedef struct sg_y {
  sg_ykind kind;
  bool plain;             /* scalar written without quotes or block style */
  const char *str;        /* scalar text (NUL-terminated) */
  size_t len;
  const char *key;        /* key when the node is a map value */
  unsigned line, col;     /* 1-based position of the node */
  unsigned kline, kcol;   /* position of the key */
  struct sg_y *first, *last, *next;
  size_t n;
} sg_y;

/*
 * Parses one YAML document into a tree allocated in `arena`: the fast
 * subset parser first (yaml_fast.c), libyaml for everything else.
 */
int ctix__sg_yaml_parse(sg_y **out, ctix_arena *arena, const char *data, size_t len,
                        ctix_error *err);
/* The libyaml path alone (reference for the fast one). */
int ctix__sg_yaml_parse_libyaml(sg_y **out, ctix_arena *arena, const char *data, size_t len,
                                ctix_error *err);
/* The fast path alone: 0, or CTIX_EUNSUPPORTED outside its subset (no message). */
int ctix__sg_yaml_parse_fast(sg_y **out, ctix_arena *arena, const char *data, size_t len);
/* True if two trees are identical (kinds, texts, styles, keys, positions). */
bool ctix__sg_y_equal(const sg_y *a, const sg_y *b);
const sg_y *ctix__sg_y_get(const sg_y *map, const char *key);

/* ----------------------------------------------------------- rule model */

typedef enum { SG_V_STR, SG_V_INT, SG_V_FLOAT, SG_V_BOOL, SG_V_NULL } sg_vtype;

/* One raw value of a detection item, typed as YAML resolves it. */
typedef struct sg_val {
  sg_vtype type;
  const char *s;        /* text (for STR: as written, unescaped by modifiers.c) */
  size_t n;
  long long i;          /* SG_V_INT */
  bool b;               /* SG_V_BOOL */
  unsigned line, col;
} sg_val;

/* The modifiers of the specification, in the order written on the key. */
typedef enum {
  SG_M_CONTAINS = 1, SG_M_STARTSWITH, SG_M_ENDSWITH, SG_M_ALL, SG_M_BASE64,
  SG_M_BASE64OFFSET, SG_M_UTF16LE, SG_M_UTF16BE, SG_M_UTF16, SG_M_WIDE,
  SG_M_WINDASH, SG_M_RE, SG_M_RE_I, SG_M_RE_M, SG_M_RE_S, SG_M_CIDR, SG_M_EXISTS,
  SG_M_EXPAND, SG_M_FIELDREF, SG_M_GT, SG_M_GTE, SG_M_LT, SG_M_LTE, SG_M_CASED,
  SG_M_NEQ, SG_M_MINUTE, SG_M_HOUR, SG_M_DAY, SG_M_WEEK, SG_M_MONTH, SG_M_YEAR
} sg_mod;

/* Types a YAML scalar as YAML 1.1 resolves it (quoted: always a string). */
void ctix__sg_scalar_value(sg_val *v, const sg_y *y);

/* Name of a modifier, or NULL. */
const char *ctix__sg_mod_name(int mod);

typedef struct sg_item {
  const char *field;    /* NULL for keywords (unbound values) */
  uint8_t mods[SG_MAX_MODS];
  size_t nmods;
  sg_val *vals;
  size_t nvals;
  unsigned line, col;
} sg_item;

typedef struct sg_map {   /* AND of its items */
  sg_item *items;
  size_t n;
} sg_map;

typedef struct sg_det {   /* OR of its maps */
  const char *name;
  sg_map *maps;
  size_t nmaps;
  unsigned line, col;
} sg_det;

typedef struct sg_logsource {
  const char *product, *category, *service;
} sg_logsource;

/* A correlation rule (kept as data; not converted yet). */
typedef struct sg_correlation {
  const char *type;          /* event_count, value_count, temporal, ... */
  const char **rules;
  size_t nrules;
  const char **group_by;
  size_t ngroup_by;
  const char *timespan;
  const char *cond_op;       /* gt, gte, lt, lte, eq, neq (or NULL) */
  const char *cond_value;
  const char *cond_field;
} sg_correlation;

struct ctix_sigma_rule {
  ctix_arena arena;
  ctix_sigma_kind kind;
  char source[CTIX_ERROR_SRC_MAX];
  const char *title, *id, *status, *level, *description, *author, *date;
  const char **tags;
  size_t ntags;
  sg_logsource logsource;
  sg_det *dets;
  size_t ndets;
  const char **conds;       /* condition strings */
  unsigned *cond_line, *cond_col;
  struct sg_cond **ctrees;  /* parsed conditions */
  size_t nconds;
  sg_correlation corr;       /* kind == CORRELATION */
  const char **filter_rules; /* kind == FILTER: rules the filter applies to */
  size_t nfilter_rules;
};

/* ------------------------------------------------------------ condition */

typedef enum { SG_C_AND, SG_C_OR, SG_C_NOT, SG_C_REF, SG_C_ONE_OF, SG_C_ALL_OF } sg_cop;

typedef struct sg_cond {
  sg_cop op;
  struct sg_cond *a, *b;    /* operands (NOT: a only) */
  const char *name;         /* REF / *_OF: identifier, pattern or "them" */
  unsigned col;             /* 1-based column in the condition string */
  bool paren;               /* written inside parentheses */
} sg_cond;

/*
 * Parses a condition string. Errors name the column (relative to the
 * string); `line`/`col` locate the string in the rule for messages.
 */
int ctix__sg_cond_parse(sg_cond **out, ctix_arena *arena, const char *s, unsigned line,
                        unsigned col, ctix_error *err);
/* Checks that the names and patterns of a parsed condition exist in `r`. */
int ctix__sg_cond_check(const sg_cond *c, const ctix_sigma_rule *r, unsigned line, unsigned col,
                        ctix_error *err);
/* Matches a name against a pattern with '*' wildcards (linear time). */
bool ctix__sg_glob_match(const char *pat, const char *s);

/* ---------------------------------------------------------- expressions */

typedef enum { SG_E_AND, SG_E_OR, SG_E_NOT, SG_E_MATCH } sg_eop;

typedef enum {
  SG_K_STR,      /* string with wildcards / placeholders (encoded) */
  SG_K_NUM,      /* number (text as written) */
  SG_K_BOOL,
  SG_K_NULL,     /* field is null / absent */
  SG_K_RE,       /* regular expression; flags in `flags` */
  SG_K_CIDR,
  SG_K_EXISTS,   /* flags: 1 exists, 0 does not exist */
  SG_K_FIELDREF, /* s: the other field */
  SG_K_CMP       /* numeric comparison; flags: sg_cmp */
} sg_kind;

typedef enum { SG_CMP_LT = 1, SG_CMP_LTE, SG_CMP_GT, SG_CMP_GTE } sg_cmp;

#define SG_RE_I 1u
#define SG_RE_M 2u
#define SG_RE_S 4u

/* One node of the expression tree a rule is lowered into. */
typedef struct sg_expr {
  sg_eop op;
  bool expansion;          /* OR made by a modifier (windash, base64offset, ...) */
  bool cased;              /* MATCH: |cased */
  bool neq;                /* MATCH: |neq (negated comparison) */
  sg_kind kind;            /* MATCH */
  unsigned flags;          /* MATCH: regex flags, comparison, exists */
  const char *field;       /* MATCH: NULL for keywords */
  const char *s;           /* MATCH: value */
  size_t n;
  struct sg_expr **kids;   /* AND / OR / NOT */
  size_t nkids;
  bool item;               /* AND/OR: the values of one detection item */
} sg_expr;

typedef struct sg_ctx {
  ctix_arena *arena;
  ctix_error *err;
  const ctix_sigma_rule *rule;
  sg_logsource ls;          /* the rule's logsource, as pipelines change it */
  size_t nodes;             /* budget counter */
  const char *table;        /* query table chosen by a pipeline (set_table), or NULL */
} sg_ctx;

sg_expr *ctix__sg_expr_new(sg_ctx *cx, sg_eop op, size_t nkids);
/* Lowers one detection item (field, modifiers, values) into an expression. */
int ctix__sg_item_lower(sg_expr **out, sg_ctx *cx, const sg_item *item);
/* Decodes a Sigma string (escapes, wildcards) into the encoded form. */
int ctix__sg_str_decode(char **out, size_t *outn, ctix_arena *arena, const char *s, size_t n,
                        bool placeholders);

/* ------------------------------------------------------------ pipelines */

typedef struct sg_pipeline sg_pipeline;

/* Parses a pipeline document (`source` names it in errors). */
int ctix__sg_pipeline_load(sg_pipeline **out, const char *data, size_t len, const char *source,
                           ctix_error *err);
/* Finds an embedded pipeline by name and loads it; CTIX_ENOTFOUND if unknown. */
int ctix__sg_pipeline_builtin(sg_pipeline **out, const char *name, ctix_error *err);
void ctix__sg_pipeline_free(sg_pipeline *p);
/* Embedded pipeline texts (pipelines_data.c): i-th name/text or NULL. */
const char *ctix__sg_pipeline_embedded(size_t i, const char **text, size_t *len);
/* Description of the i-th embedded pipeline, or NULL past the end. */
const char *ctix__sg_pipeline_info(size_t i);
/*
 * Applies a pipeline to a lowered rule: rewrites fields and values of the
 * tree at *root, may AND extra conditions in front of it.
 */
int ctix__sg_pipeline_apply(sg_expr **root, sg_ctx *cx, const sg_pipeline *p);

/* -------------------------------------------------------------- backend */

typedef struct sg_target sg_target;

/* State of one query being rendered (deferred parts, counters). */
typedef struct sg_render {
  const sg_target *t;
  sg_ctx *cx;
  ctix_buf out;          /* main query text */
  ctix_buf pre;          /* text placed before the query (Splunk rex/eval) */
  ctix_buf post;         /* text placed after the query (Splunk where) */
  ctix_buf head;         /* text rendered by a check hook before the query */
  const char *names[64]; /* per-field counters for generated names */
  unsigned counts[64];
  size_t nnames;
} sg_render;

/*
 * A target: the tokens, quoting rules and precedence of a text query
 * language, plus hooks for what a table cannot say. A hook returns 1 when
 * it rendered the node, 0 to fall back to the table, <0 on error. A target
 * whose check hook renders the whole query (EQL, ES|QL, KQL) sets only
 * what its hooks read: name, description, hooks, and tok_and / tok_or
 * when it joins with ctix__sg_join_kids.
 */
struct sg_target {
  const char *name;
  const char *description;
  /* boolean structure */
  const char *tok_and, *tok_or, *tok_not;
  const char *group_open, *group_close;
  int prec_and, prec_or, prec_not;  /* higher binds tighter */
  /* fields */
  const char *field_plain_chars;    /* besides alphanumerics, chars needing no quote (NULL: none) */
  /* what may be written bare, as ctix__sg_plain_name reads it; when set, it replaces
   * field_plain_chars (NULL: alphanumerics and field_plain_chars) */
  const struct sg_plain_rule *field_names;
  char field_quote;                 /* 0: never quote */
  /* strings */
  char str_quote;
  char escape;
  const char *escaped_chars;        /* literal chars that get `escape` before them */
  const char *wild_multi, *wild_single;
  bool escape_literal_wildcards;    /* a literal '*' is written escaped ('?' too if in escaped_chars) */
  /* expressions: printf-like with %F (field), %V (value), %% */
  const char *eq_fmt;               /* %F=%V */
  const char *keyword_fmt;          /* %V */
  const char *null_fmt;             /* NOT %F=* */
  const char *exists_fmt, *not_exists_fmt;
  const char *cidr_fmt;
  const char *bool_true, *bool_false;
  const char *cmp_fmt[5];           /* indexed by sg_cmp */
  /* IN lists */
  bool or_as_in;
  const char *in_open, *in_sep, *in_close;  /* "%F IN (", ", ", ")" */
  /* hooks */
  int (*match_hook)(sg_render *r, const sg_expr *e, int parent_prec);
  int (*finish_hook)(sg_render *r, ctix_buf *final);
  int (*check_hook)(sg_render *r, sg_expr **root);  /* may rewrite the tree */
  /* 1: put an AND/OR in group brackets, 0: not, <0: by precedence (NULL: always by precedence) */
  int (*group_hook)(const sg_render *r, const sg_expr *e, int parent_prec);
  bool in_expansions;  /* ORs made by modifiers (windash, base64offset) may become IN lists too */
  const char *alias;   /* another name the target answers to (e.g. pySigma's), or NULL */
};

extern const sg_target ctix__sg_target_splunk;
extern const sg_target ctix__sg_target_qradar_aql;
extern const sg_target ctix__sg_target_lucene;
extern const sg_target ctix__sg_target_eql;
extern const sg_target ctix__sg_target_esql;
extern const sg_target ctix__sg_target_kusto;
extern const sg_target ctix__sg_target_splunk_spl2;

/*
 * Appends one Kibana detection rule (one NDJSON line) for query number
 * `index` (0-based) of `rule` to out (output_ndjson.c). `language` is the
 * target: "lucene" (or "kuery"), "eql" or "esql". CTIX_EUNSUPPORTED for
 * another language, else the buffer's error.
 */
int ctix__sg_output_ndjson(ctix_buf *out, const ctix_sigma_rule *rule, const char *query,
                           const char *language, size_t index);

/* Renders the tree into r->out (prefix/suffix via hooks). */
int ctix__sg_render(sg_render *r, const sg_expr *root);
/* Appends a field name, quoted as the target requires. */
int ctix__sg_put_field(sg_render *r, ctix_buf *b, const char *field);
/*
 * Records that s[0..n), which starts at a placeholder's opening marker,
 * holds a placeholder no pipeline defined; returns CTIX_EUNSUPPORTED.
 */
int ctix__sg_placeholder_error(sg_render *r, const char *s, size_t n);
/* Appends an encoded string value, quoted/escaped as the target requires. */
int ctix__sg_put_string(sg_render *r, ctix_buf *b, const char *s, size_t n);
/* Appends a format with %F / %V / %% replaced by the given texts. */
int ctix__sg_put_fmt(ctix_buf *b, const char *fmt, const char *f, size_t fn, const char *v,
                     size_t vn);

/* Helpers several targets share (backend_util.c). */

/* Comparison operators ("<", "<=", ">", ">="), indexed by sg_cmp (0: NULL). */
extern const char *const ctix__sg_cmp_ops[5];
/* True if numbers compared with an ECS `field` are written as strings (NULL: false). */
bool ctix__sg_ecs_keyword_field(const char *field);

/*
 * True if s[0..n) is one of the nwords lower-case words of a backend's
 * keyword table, which must be sorted (a binary search: it runs for every
 * part of every field name): case-blind when `fold` (EQL, ES|QL), else
 * exact (KQL).
 */
bool ctix__sg_keyword(const char *s, size_t n, const char *const *words, size_t nwords,
                      bool fold);

/*
 * What a target's query language reads as a bare field name: dot-separated
 * parts, each a letter or one of `first`, then letters, digits and
 * characters of `other`, and none one of the nkeywords (sorted) words of
 * `keywords` (compared as ctix__sg_keyword does, case-blind when `fold`).
 * With `loose_parts` only the name's first character is held to `first`:
 * a later part may start with a digit or a character of `other`, or be
 * empty (SPL2: a name of [A-Za-z0-9_.] starting with a letter or `_`).
 */
typedef struct sg_plain_rule {
  const char *first;            /* besides letters, characters a part may start with */
  const char *other;            /* besides letters and digits, characters that may follow */
  const char *const *keywords;  /* sorted; NULL (nkeywords 0): no keyword test */
  size_t nkeywords;
  bool fold;
  bool loose_parts;
} sg_plain_rule;
/*
 * True if `field` may be written bare as `names` says: not empty, no
 * empty dot-separated part (no leading, trailing or doubled `.`) unless
 * `loose_parts` (then only no leading `.`).
 */
bool ctix__sg_plain_name(const char *field, const sg_plain_rule *names);
/* Appends a field name: bare if `names` allows it, else in backticks (a backtick inside doubled). */
int ctix__sg_put_field_backtick(ctix_buf *b, const char *field, const sg_plain_rule *names);
/* Appends a field name in backticks, a backtick inside doubled. */
int ctix__sg_put_backticked(ctix_buf *b, const char *field);
/* Appends regular-expression flags as `(?ims)` (nothing when there are none). */
void ctix__sg_put_re_flags(ctix_buf *b, unsigned flags);
/*
 * Appends the flags and the body of a regular expression for a
 * double-quoted string (no quotes): `\` and `"` escaped; with `breaks`
 * (EQL, ES|QL, KQL: their strings refuse raw line breaks) each character
 * as ctix__sg_put_dq_char writes it, a line break or tab as `\n` `\r` `\t`,
 * which the string turns back into the character the expression matches;
 * without (Splunk SPL: nothing says a quoted argument refuses one) a line
 * break as it is.
 */
void ctix__sg_put_re_dq(ctix_buf *b, const sg_expr *e, bool breaks);
/*
 * How ctix__sg_put_dq_string writes a value (EQL and ES|QL strings accept
 * only the escapes \\ \" \n \r \t, so a literal `*` / `?` is never
 * written `\*` at the string level):
 *   SG_DQ_PLAIN  an exact value: wildcards dropped, literal `*` `?` as is;
 *   SG_DQ_WILD   a pattern without an escape of its own (EQL `:`/`like`):
 *                wildcards as `*` / `?`, literal `*` `?` as is (the caller
 *                keeps such values out of patterns);
 *   SG_DQ_LIKE   an ES|QL LIKE pattern, whose own escape is `\`: a literal
 *                `\` is `\\` in the pattern, `\\\\` in the string, a literal
 *                `*` / `?` is `\*` / `\?` in the pattern, `\\*` in the string.
 */
enum sg_dq_mode { SG_DQ_PLAIN, SG_DQ_WILD, SG_DQ_LIKE };
/*
 * Appends one character of a double-quoted string as EQL, ES|QL and KQL
 * read it: `\` and `"` escaped, line feed, carriage return and tab as
 * `\n` `\r` `\t` (none of them takes a raw line break).
 */
void ctix__sg_put_dq_char(ctix_buf *b, char c);

/*
 * Appends an encoded string in double quotes, `\` and `"` escaped with
 * `\`, line feed, carriage return and tab as `\n` `\r` `\t`, wildcards and
 * literal `*` / `?` as `mode` says. A placeholder is reported
 * (ctix__sg_put_string's error).
 */
int ctix__sg_put_dq_string(sg_render *r, ctix_buf *b, const char *s, size_t n,
                           enum sg_dq_mode mode);
/*
 * Appends an encoded string with wildcards as the body of a regular
 * expression in a double-quoted string (no quotes): `*` as `.*`, `?` as
 * `.`, a character of `meta` escaped with `\`, then every character as
 * ctix__sg_put_dq_char writes it. A placeholder is reported
 * (ctix__sg_put_string's error); else the buffer's error.
 */
int ctix__sg_put_wild_regex(sg_render *r, ctix_buf *b, const char *s, size_t n,
                            const char *meta);
/* True if an encoded string holds a wildcard. */
bool ctix__sg_has_wildcard(const char *s, size_t n);

/* What ctix__sg_value_list accepts besides an OR of plain, uncased, unexpanded matches. */
#define SG_VL_AND 1u      /* an AND too */
#define SG_VL_CASED 2u    /* |cased members */
#define SG_VL_EXPANDED 4u /* members made by an expanding modifier */
/*
 * True if `e` is an OR (see `accept`) of two or more string or number
 * matches of one and the same field (a candidate for an IN-style list).
 */
bool ctix__sg_value_list(const sg_expr *e, unsigned accept);
/* Finish hook of targets whose check hook rendered the whole query into r->head. */
int ctix__sg_finish_head(sg_render *r, ctix_buf *final);
/* `rc`, or CTIX_ETOOBIG ("query larger than ...") when rc is 0 and `b` ran full. */
int ctix__sg_size_error(sg_render *r, const ctix_buf *b, int rc);
/*
 * A target's own renderer of a subtree into `b` (targets that render the
 * whole query in their check hook); `ctx` is what it hands down to the
 * operands (nesting, precedence).
 */
typedef int (*sg_node_fn)(sg_render *r, ctix_buf *b, const sg_expr *e, int ctx);
/* Appends the operands of an AND / OR, by node(ctx), joined by the target's tok_and / tok_or. */
int ctix__sg_join_kids(sg_render *r, ctix_buf *b, const sg_expr *e, sg_node_fn node, int ctx);
/*
 * Check hook body of those targets: writes `prefix` into r->head, then
 * *root (if any) by node(ctx), and leaves the generic renderer nothing.
 */
int ctix__sg_render_head(sg_render *r, sg_expr **root, const char *prefix, sg_node_fn node,
                         int ctx);

#endif
