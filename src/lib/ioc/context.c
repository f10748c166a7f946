/*
 * Observables recognised by their context rather than their shape alone:
 * HTTP user agents ("Mozilla/5.0 (Windows NT 10.0; Win64; x64)
 * AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"),
 * YARA rule names and mutexes.
 *
 * A user agent is read as product tokens ("Name/version"), parenthesised
 * comments and the bare words between them ("Mobile Safari/537.36",
 * "like Gecko"); it ends where the next text is none of these (prose, a
 * "TLP:RED" label, a line end) or where another "Mozilla/" starts. A
 * "Mozilla/" or "Opera/" agent needs a comment; any other product needs
 * a numeric version and "user agent" (or "UA") just before it.
 *
 * YARA rule names and mutexes are taken only when the text introduces them
 * as such: the scanner offers the trigger words "yara", "rule", "mutex",
 * "mutant", "mutexes", and the name that follows ("rule APT_Loader_X",
 * "YARA rule Emotet", "the mutex 'Global\abc'", "creates a mutex named X")
 * must look like a name, not like the prose of "rule out" or "the mutex
 * is released".
 */
#include <string.h>

#include "ioc/scan.h"
#include "util/str.h"

#define UA_MAX 1024u        /* longest user agent taken */
#define UA_COMMENT_MAX 512u /* longest parenthesised comment */
#define NAME_MAX_LEN 256u   /* longest mutex or rule name */
#define LIST_MAX 8u         /* names in one "mutexes A, B and C" list */

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Words before a product token that make it a user agent. */
static const char *const ua_context[] = {"agent", "useragent", "ua", NULL};

/* Words that may stand between "mutex" and its name; the first three
 * introduce the name explicitly. */
static const char *const mutex_fillers[] = {
    "named", "called", "name", "the", "a", "an", "with", "value", "string", "of", "object",
    "is", "as", "like",
};
#define MUTEX_EXPLICIT 3u

/* ------------------------------------------------------------ helpers */

static bool ua_byte(unsigned char c)
{
  return ctix__isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+';
}

/* The end of a product token "Name/version" at t[i], or 0. */
static size_t product_end(const char *t, size_t len, size_t i)
{
  size_t k = i, v;
  if (k >= len || !ctix__isalpha((unsigned char)t[k]))
    return 0;
  while (k < len && k - i < 64 && ua_byte((unsigned char)t[k]))
    k++;
  if (k >= len || t[k] != '/')
    return 0;
  v = ++k;
  while (k < len && k - v < 64 && ua_byte((unsigned char)t[k]))
    k++;
  if (k == v || !ctix__isalnum((unsigned char)t[v]))
    return 0;
  return k;
}

/* The end of a balanced "(...)" comment at t[i] on one line, or 0. */
static size_t comment_end(const char *t, size_t len, size_t i)
{
  int depth = 0;
  size_t k;
  for (k = i; k < len && k - i < UA_COMMENT_MAX; k++) {
    unsigned char c = (unsigned char)t[k];
    if (c < ' ' || c == 0x7f)
      return 0;
    if (c == '(')
      depth++;
    else if (c == ')' && --depth == 0)
      return k + 1;
  }
  return 0;
}

/* The end of a bare word ("Mobile", "like", "Gecko") at t[i], or 0. */
static size_t bare_end(const char *t, size_t len, size_t i)
{
  size_t k = i;
  if (k >= len || !ctix__isalpha((unsigned char)t[k]))
    return 0;
  while (k < len && k - i < 32 && (ctix__isalnum((unsigned char)t[k]) || t[k] == '.' ||
                                   t[k] == '_' || t[k] == '-'))
    k++;
  if (k < len && !ctix__isspace((unsigned char)t[k]) && t[k] != ')' && t[k] != '"' &&
      t[k] != '\'')
    return 0;
  return k;
}

static bool starts_mozilla(const char *t, size_t len, size_t i)
{
  return ctix__mem_istarts(t + i, len - i, "mozilla/");
}

/* True if a product token (not a new "Mozilla/") or a comment starts at i. */
static bool element_at(const char *t, size_t len, size_t i)
{
  if (i >= len)
    return false;
  if (t[i] == '(')
    return comment_end(t, len, i) != 0;
  return !starts_mozilla(t, len, i) && product_end(t, len, i) != 0;
}

/*
 * Reads a user agent starting with a product token at t[u]. Returns its
 * end, or 0; sets *comment when it has a parenthesised part.
 */
static size_t ua_end(const char *t, size_t len, size_t u, bool *comment)
{
  size_t e = product_end(t, len, u);
  size_t lim = u + UA_MAX < len ? u + UA_MAX : len;
  *comment = false;
  if (!e)
    return 0;
  while (e < lim) {
    size_t r = e, p;
    if (t[r] == ' ')
      r++;
    else if (t[r] != '(')
      break;
    if (r >= lim)
      break;
    if (t[r] == '(') {
      size_t c = comment_end(t, lim, r);
      if (!c)
        break;
      e = c;
      *comment = true;
      continue;
    }
    if (starts_mozilla(t, lim, r))
      break;
    if ((p = product_end(t, lim, r)) != 0) {
      e = p;
      continue;
    }
    {
      /* bare words: kept when a product or comment follows ("Mobile
       * Safari/537.36"), or when they are the closing "like Gecko" */
      size_t k = r, b = 0, ok = 0;
      unsigned nb;
      for (nb = 0; nb < 2; nb++) {
        b = bare_end(t, lim, k);
        if (!b)
          break;
        if (nb == 1 && ctix__mem_ieq(t + r, b - r, "like gecko")) {
          ok = b;
          break;
        }
        if (b < lim && t[b] == ' ' && element_at(t, lim, b + 1)) {
          ok = b;
          break;
        }
        if (b >= lim || t[b] != ' ')
          break;
        k = b + 1;
      }
      if (!ok)
        break;
      e = ok;
    }
  }
  while (e > u && (t[e - 1] == '.' || t[e - 1] == ',' || t[e - 1] == ';' || t[e - 1] == ':'))
    e--;
  return e;
}

/* Length of a typographic quote at t[i] (‘ ’ “ ” « »), else 0. */
static size_t uquote_at(const char *t, size_t len, size_t i)
{
  const unsigned char *p = (const unsigned char *)t;
  if (i + 2 < len && p[i] == 0xE2 && p[i + 1] == 0x80 && p[i + 2] >= 0x98 && p[i + 2] <= 0x9D)
    return 3;
  if (i + 1 < len && p[i] == 0xC2 && (p[i + 1] == 0xAB || p[i + 1] == 0xBB))
    return 2;
  return 0;
}

int ctix__ioc_rec_user_agent(ctix__ioc_scan *s, size_t start, size_t end,
                             const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t u = start, e, q;
  bool comment, strong;

  if (!sh->slashes)
    return 0;
  while (u < end && (q = uquote_at(t, s->len, u)) != 0)
    u += q;
  if (u >= end)
    return 0;
  /* the header's name is not part of its value: "User-AgentMozilla/4.0
   * (...)", a header line whose separator was lost (a string of a YARA
   * rule, a capture pasted without its ": ") */
  if (end - u > 10 && (t[u] | 32) == 'u' && ctix__mem_istarts(t + u, end - u, "user-agent") &&
      ctix__isalpha((unsigned char)t[u + 10]))
    u += 10;
  /* "User-Agent:Mozilla/5.0" written without a space */
  if (!ctix__isalpha((unsigned char)t[u]) || !product_end(t, s->len, u)) {
    const char *c = memchr(t + u, ':', end - u);
    if (!c || (size_t)(c - t) + 1 >= end)
      return 0;
    u = (size_t)(c - t) + 1;
  }
  strong = starts_mozilla(t, s->len, u) || ctix__mem_istarts(t + u, s->len - u, "opera/");
  e = ua_end(t, s->len, u, &comment);
  if (!e)
    return 0;
  if (strong) {
    if (!comment)
      return 0;
  } else {
    /* "curl/8.4.0", not "and/or": a version that starts with a digit */
    const char *slash = memchr(t + u, '/', e - u);
    if (!slash || (size_t)(slash - t) + 1 >= e || !ctix__isdigit((unsigned char)slash[1]) ||
        !ctix__ioc_context_has(s, start, 3, ua_context))
      return 0;
  }
  {
    int rc = ctix__ioc_emit(s, CTIX_IOC_USER_AGENT, u, e, t + u, e - u, CTIX_IOC_STATUS_IOC,
                            NULL);
    if (rc < 0)
      return rc;
  }
  if (e > end)
    ctix__ioc_consume(s, e);
  return 1;
}

/* ------------------------------------------------------------ names */

/* Skips spaces and the punctuation of "Mutex: X", "| Mutex | X |" on the
 * same line; sets *mark when a ':' or '=' introduced what follows. */
static size_t skip_gap(const char *t, size_t len, size_t i, bool *mark)
{
  size_t lim = i + 12 < len ? i + 12 : len;
  while (i < lim) {
    char c = t[i];
    if (c == ':' || c == '=') {
      *mark = true;
      i++;
    } else if (c == ' ' || c == '\t' || c == '|' || c == '-' || c == ',') {
      i++;
    } else {
      break;
    }
  }
  return i;
}

/* The end of the word of letters at t[i], or i. */
static size_t letters_end(const char *t, size_t len, size_t i)
{
  while (i < len && ctix__isalpha((unsigned char)t[i]))
    i++;
  return i;
}

/* The closing quote for an opening one of length `ql` at t[i], on the same
 * line and within NAME_MAX_LEN bytes; returns its position or 0. */
static size_t quoted_end(const char *t, size_t len, size_t i, size_t ql)
{
  size_t k, lim = i + ql + NAME_MAX_LEN < len ? i + ql + NAME_MAX_LEN : len;
  char open = t[i];
  for (k = i + ql; k < lim; k++) {
    if ((unsigned char)t[k] < ' ' || t[k] == 0x7f)
      return 0;
    if (ql == 1 ? t[k] == open : uquote_at(t, len, k) != 0)
      return k;
  }
  return 0;
}

/* Length of an opening quote at t[i] (ASCII " ' ` or typographic). */
static size_t open_quote(const char *t, size_t len, size_t i)
{
  if (i >= len)
    return 0;
  if (t[i] == '"' || t[i] == '\'' || t[i] == '`')
    return 1;
  return uquote_at(t, len, i);
}

/* True if an unquoted t[a..b) looks like a mutex name rather than a word:
 * digits, '_', '\', '-', '{', '.', or a capital after the first byte. */
static bool mutex_like(const char *t, size_t a, size_t b)
{
  size_t i;
  for (i = a; i < b; i++) {
    unsigned char c = (unsigned char)t[i];
    if (ctix__isdigit(c) || c == '_' || c == '\\' || c == '-' || c == '{' || c == '.' ||
        c == '$' || c == '#' || c == '@' || (i > a && ctix__isupper(c)))
      return true;
  }
  return false;
}

/* True if t[a..b) is a YARA identifier that reads as a name: '_', a
 * digit, a capital after a lower-case letter; with `strong` context (the
 * text said "YARA") any capital will do. */
static bool rule_like(const char *t, size_t a, size_t b, bool strong)
{
  size_t i;
  bool lower = false;
  if (b == a || b - a > 128 || !(ctix__isalpha((unsigned char)t[a]) || t[a] == '_'))
    return false;
  for (i = a; i < b; i++) {
    unsigned char c = (unsigned char)t[i];
    if (!(ctix__isalnum(c) || c == '_'))
      return false;
  }
  for (i = a; i < b; i++) {
    unsigned char c = (unsigned char)t[i];
    if (c == '_' || ctix__isdigit(c) || (ctix__isupper(c) && (lower || strong)))
      return true;
    if (ctix__islower(c))
      lower = true;
  }
  return false;
}

/* Emits each name of a "A, B and C" list starting at `pos`. `strong` is
 * the YARA context (rules) and `explicit` a "named"/":" introduction
 * (mutexes). Returns 0 when nothing was found, else 1 (or an error). */
static int emit_names(ctix__ioc_scan *s, size_t pos, ctix_ioc_type type, bool strong,
                      bool expl)
{
  const char *t = s->text;
  size_t len = s->len, done = 0;
  unsigned n;

  for (n = 0; n < LIST_MAX; n++) {
    size_t ql = open_quote(t, len, pos), a, b, next;
    bool ok;
    if (ql) {
      size_t c = quoted_end(t, len, pos, ql);
      if (!c || c == pos + ql)
        break;
      a = pos + ql;
      b = c;
      next = c + (t[c] == '"' || t[c] == '\'' || t[c] == '`' ? 1 : uquote_at(t, len, c));
      ok = true;
      if (type == CTIX_IOC_YARA_RULE) {
        size_t k;
        for (k = a; k < b && (ctix__isalnum((unsigned char)t[k]) || t[k] == '_'); k++)
          ;
        ok = k == b && rule_like(t, a, b, true);
      }
    } else {
      a = pos;
      b = a;
      while (b < len && b - a < NAME_MAX_LEN && (unsigned char)t[b] > ' ' && t[b] != 0x7f &&
             t[b] != '"' && t[b] != '|' && t[b] != '`' && !uquote_at(t, len, b))
        b++;
      next = b;
      while (b > a && (strchr(".,;:!?'", t[b - 1]) || t[b - 1] == ')'))
        b--;
      if (type == CTIX_IOC_YARA_RULE) {
        size_t k;
        for (k = a; k < b && (ctix__isalnum((unsigned char)t[k]) || t[k] == '_'); k++)
          ;
        b = k;
        ok = rule_like(t, a, b, strong && n == 0);
        if (!ok && b > a && n == 0) {
          /* YARA source: "rule Name {" or "rule Name : tag" */
          size_t k2 = b;
          while (k2 < len && t[k2] == ' ')
            k2++;
          ok = k2 < len && (t[k2] == '{' || (t[k2] == ':' && k2 + 1 < len && t[k2 + 1] == ' ')) &&
               rule_like(t, a, b, true);
        }
        next = b;
      } else {
        ok = b > a && (mutex_like(t, a, b) ||
                       (expl && n == 0 && (ctix__isalnum((unsigned char)t[a]) || t[a] == '_')));
      }
    }
    if (!ok || b == a)
      break;
    {
      int rc = ctix__ioc_emit(s, type, a, b, t + a, b - a, CTIX_IOC_STATUS_IOC, NULL);
      if (rc < 0)
        return rc;
    }
    done = next;
    /* another item? ", B", " and B", ", and B", " or B" */
    {
      size_t k = next, w;
      if (k < len && t[k] == ',')
        k++;
      while (k < len && t[k] == ' ')
        k++;
      w = letters_end(t, len, k);
      if (ctix__mem_ieq(t + k, w - k, "and") || ctix__mem_ieq(t + k, w - k, "or")) {
        k = w;
        while (k < len && t[k] == ' ')
          k++;
      } else if (k == next || t[next] != ',') {
        break;
      }
      pos = k;
    }
  }
  if (!done)
    return 0;
  ctix__ioc_consume(s, done);
  return 1;
}

int ctix__ioc_rec_named(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t len = s->len, pos, w;
  bool mark = false;
  char prev[16];

  if (ctix__mem_ieq(t + start, end - start, "yara")) {
    /* "YARA rule X", "YARA rules X and Y", "YARA signature X" */
    pos = skip_gap(t, len, end, &mark);
    w = letters_end(t, len, pos);
    if (!(ctix__mem_ieq(t + pos, w - pos, "rule") || ctix__mem_ieq(t + pos, w - pos, "rules") ||
          ctix__mem_ieq(t + pos, w - pos, "signature")))
      return 0;
    pos = skip_gap(t, len, w, &mark);
    return emit_names(s, pos, CTIX_IOC_YARA_RULE, true, true);
  }
  if (ctix__mem_ieq(t + start, end - start, "rule")) {
    bool strong = ctix__ioc_word_before(s, start, prev, sizeof(prev)) > 0 &&
                  strcmp(prev, "yara") == 0;
    if (end < len && t[end] != ' ')
      return 0; /* "rule:" in other formats, "rule-based" */
    pos = end;
    while (pos < len && t[pos] == ' ')
      pos++;
    w = letters_end(t, len, pos);
    if (ctix__mem_ieq(t + pos, w - pos, "named") || ctix__mem_ieq(t + pos, w - pos, "called")) {
      pos = w;
      while (pos < len && t[pos] == ' ')
        pos++;
    }
    return emit_names(s, pos, CTIX_IOC_YARA_RULE, strong, false);
  }
  if (ctix__mem_ieq(t + start, end - start, "mutex") ||
      ctix__mem_ieq(t + start, end - start, "mutant") ||
      ctix__mem_ieq(t + start, end - start, "mutexes")) {
    unsigned n;
    bool expl = false;
    pos = skip_gap(t, len, end, &mark);
    for (n = 0; n < 4; n++) {
      size_t k;
      bool filler = false;
      w = letters_end(t, len, pos);
      if (w == pos || w >= len || t[w] != ' ')
        break;
      for (k = 0; k < COUNT(mutex_fillers); k++)
        if (ctix__mem_ieq(t + pos, w - pos, mutex_fillers[k])) {
          filler = true;
          expl = expl || k < MUTEX_EXPLICIT;
          break;
        }
      if (!filler)
        break;
      pos = skip_gap(t, len, w, &mark);
    }
    return emit_names(s, pos, CTIX_IOC_MUTEX, false, expl || mark);
  }
  return 0;
}
