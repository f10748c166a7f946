/*
 * Refang: one pass that turns defanged observables back into their plain
 * form ("evil[.]com" -> "evil.com", "hxxp" -> "http", "user[at]host" ->
 * "user@host", ...), and the reverse, ctix_defang.
 *
 * The pass copies the input to the output and stops only where a defang
 * may start (worth(): brackets, "\." "://" "__" "-d" "//" "AT" "DO", a dot
 * after a space or before a bracket, a space before "at ", "dot", ':',
 * '.', '/' or another space). With AVX2 the input is copied 32 bytes at a
 * time and those places come as a bit mask (stops_avx2, the predicate of
 * worth() or a little wider); otherwise a table finds the candidate
 * bytes. At a stop it tries the rules below ("[.]" "(.)" "[dot]" between
 * host bytes take a short way); a rule that matches writes the plain form and
 * records one edit (input range -> output range), so the map stays
 * sparse. A rule may take back the bytes just copied (the scheme word
 * before "://", spaces before "[.]") as long as they were copied verbatim
 * since the last edit.
 *
 * Rules (every form seen in the IOC corpus and in reports):
 *  - bracket clusters: a run of brackets ([ ( { and their closers, "<.>")
 *    around one core: "." "," "@" ":" "://" "/" "-" or a word (dot, punto,
 *    punkt -> "."; at, et, arroba -> "@"): "[.]" "(.)" "{.}" "[dot]"
 *    "10[[[.]]]10" "example[.com" "example.]com" "foo].[com" "[@]" "(at)"
 *    "[:]" "[://]" "[/]" "[-]" "[,]"; with spaces inside only when the core
 *    is enclosed ("example [ . ] com", "user { @ ) host"), which also eats
 *    the spaces around it;
 *  - half-bracketed words glued to a host: "fooDOT}com" "fooat]bar.com";
 *  - "\." and "^." between host labels ("10\.10\.10\.10");
 *  - schemes: "hxxp(s)" "hXXp" "h**p" "xxxx(s)" "fxp" "ftx" "[http]"
 *    "(http)" "http]" before "://", and broken separators "http__"
 *    "http:__" "http:\\" "https//" "http ://" "http:// host" "http:///";
 *  - words between host-like tokens: "user at host dot com" (lower-case
 *    "at" only when a defanged dot follows), "user AT host.com",
 *    "host DOT com" and "host dot com" after an '@', "-dot-" before a TLD,
 *    "fooDOTcom" / "fooATbar.com" (upper case glued between lower case),
 *    "/AT/" "/DOT/", spaced "user @ host.com";
 *  - spaced dots between digit groups ("2.2.2 . 2"), spaces inside a URL
 *    host ("http:// example .com /test");
 *  - brackets around a whole host or label: "[evil.com]" "[www].example".
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ioc/scan.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/str.h"

#if CTIX_IOC_X86
#include <immintrin.h>
#endif

/* The longest stretch a rule looks at (cluster, chain, scheme word). */
#define LOOK 256

typedef unsigned char uchar;

typedef struct rf {
  const uchar *in;
  size_t n;
  ctix_buf *out;
  ctix_buf *edits;
  size_t out_base;  /* out->len when the pass started */
  size_t floor;     /* absolute out offset: bytes before it may not be taken back */
  bool url_host;    /* a "scheme://" was seen: spaces inside its host are joined */
  size_t host_from; /* ... its host starts (or continues) at this input offset */
} rf;

/* Expected input bytes per edit in a defanged report (reservation only). */
#define EDIT_SPAN 64u

/* The bytes worth() may accept: the scalar pass stops at these only. */
static uchar trig[256];
static pthread_once_t trig_once = PTHREAD_ONCE_INIT;

/* Every byte value repeated 32 times, for the vector compares of
 * block_stops: read from memory, a constant is an operand of the compare
 * instead of being rebuilt in a register for each block. */
static _Alignas(32) uchar splat[256][32];

/* Byte sets for one-shuffle membership tests in block_stops: entry
 * (c & 15) of each 16-byte half holds the member c (0xFF when none), so
 * "x is a member" is x == shuffle(set, x). The members of a set have
 * distinct low nibbles. */
enum { SET_ALWAYS1, SET_ALWAYS2, SET_BRACKET1, SET_AFTER_SPACE, NSETS };
static const char *const set_members[NSETS] = {
    [SET_ALWAYS1] = "()[<]^@",      /* with SET_ALWAYS2: always a stop */
    [SET_ALWAYS2] = "{}",           /* (also the rest of the brackets) */
    [SET_BRACKET1] = "()[]",        /* with SET_ALWAYS2: brackets */
    [SET_AFTER_SPACE] = " \t:./",   /* a space before these is a stop */
};
static _Alignas(32) uchar sets[NSETS][32];

/* Stops made of a pair "v then w" (see worth()): each v (the low nibbles
 * of the v bytes are distinct) with the bytes w that may follow it,
 * repeated to fill three. For block_stops, pair_v holds v at entry
 * (v & 15) of each half (0xFF when none) and pair_next[k] the k-th
 * follower at the same entry, so one shuffle of each by the block gives
 * every byte's rule. */
static const struct {
  char v;
  char next[4];
} pair_rules[] = {
    {':', "/_\\"}, {'\\', ".\\\\"}, {'-', "dDD"}, {'/', "/AD"}, {'A', "TTT"}, {'D', "OOO"},
};
#define NPAIR_NEXT 3
static _Alignas(32) uchar pair_v[32], pair_next[NPAIR_NEXT][32];

static void init_trig(void)
{
  const char *t = "[({<])}.\\^:/_-@DA ";
  int c, k;
  for (; *t; t++)
    trig[(uchar)*t] = 1;
  for (c = 0; c < 256; c++)
    memset(splat[c], c, sizeof(splat[c]));
  for (k = 0; k < NSETS; k++) {
    memset(sets[k], 0xFF, sizeof(sets[k]));
    for (t = set_members[k]; *t; t++)
      sets[k][*t & 15] = sets[k][16 + (*t & 15)] = (uchar)*t;
  }
  memset(pair_v, 0xFF, sizeof(pair_v));
  for (k = 0; k < (int)(sizeof(pair_rules) / sizeof(pair_rules[0])); k++) {
    int x = pair_rules[k].v & 15, h, q;
    for (h = 0; h < 32; h += 16) {
      pair_v[h + x] = (uchar)pair_rules[k].v;
      for (q = 0; q < NPAIR_NEXT; q++)
        pair_next[q][h + x] = (uchar)pair_rules[k].next[q];
    }
  }
}

static bool is_open(int c) { return c == '[' || c == '(' || c == '{'; }
static bool is_close(int c) { return c == ']' || c == ')' || c == '}'; }
static bool is_bracket(int c) { return is_open(c) || is_close(c); }
static bool is_host(int c) { return ctix__isalnum(c) || c == '-' || c == '_' || c >= 0x80; }
static bool is_label(int c) { return ctix__isalnum(c) || c >= 0x80; }
static bool is_local(int c)
{
  return ctix__isalnum(c) || c == '.' || c == '_' || c == '+' || c == '-' || c >= 0x80;
}
static bool is_sp(int c) { return c == ' ' || c == '\t'; }

/* ------------------------------------------------------------ output */

static size_t out_len(const rf *r) { return r->out->len; }
static int out_at(const rf *r, size_t back) /* the byte `back` bytes before the end, or -1 */
{
  return back < r->out->len - r->out_base ? (uchar)r->out->data[r->out->len - 1 - back] : -1;
}
/* Bytes at the end of the output that were copied verbatim (may be taken back). */
static size_t avail(const rf *r) { return r->out->len - r->floor; }

/*
 * Replaces the last `retract` output bytes (verbatim copies of
 * in[in_start .. in_start+retract)) and the input in[in_start+retract ..
 * in_end) by rep[0..replen), recording one edit (merged with the previous
 * one when they touch).
 */
static int put_edit(rf *r, size_t retract, size_t in_end, const char *rep, size_t replen,
                    size_t in_pos)
{
  ctix_buf *o = r->out;
  size_t in_start = in_pos - retract;
  ctix__ioc_edit e;
  size_t ne;
  o->len -= retract;
  e.out_start = o->len - r->out_base;
  if (replen && ctix__buf_add_inline(o, rep, replen))
    return o->err;
  e.out_end = o->len - r->out_base;
  e.in_start = in_start;
  e.in_end = in_end;
  ne = CTIX__BUF_COUNT(r->edits, ctix__ioc_edit);
  if (ne) {
    ctix__ioc_edit *last = &CTIX__BUF_AT(r->edits, ctix__ioc_edit, ne - 1);
    if (last->out_end == e.out_start && last->in_end == e.in_start) {
      last->out_end = e.out_end;
      last->in_end = e.in_end;
      r->floor = o->len;
      return 0;
    }
  }
  if (ctix__buf_add_inline(r->edits, &e, sizeof(e)))
    return r->edits->err;
  r->floor = o->len;
  return 0;
}

/* True if in[j] is still inside the host of the last "scheme://" (no
 * white space between them), where spaces are joined. */
static bool in_url_host(const rf *r, size_t j)
{
  size_t k;
  if (!r->url_host || j < r->host_from || j - r->host_from > LOOK)
    return false;
  for (k = r->host_from; k < j; k++)
    if (ctix__isspace(r->in[k]) || r->in[k] == '/')
      return false;
  return true;
}

/* ------------------------------------------------------------ helpers */

/* Case-insensitive match of the word w at in[k..) not followed by a letter. */
static size_t word_at(const rf *r, size_t k, const char *w)
{
  size_t i;
  for (i = 0; w[i]; i++)
    if (k + i >= r->n || ctix__lower(r->in[k + i]) != w[i])
      return 0;
  if (k + i < r->n && ctix__isalpha(r->in[k + i]))
    return 0;
  return i;
}

/* Core words of bracket clusters and what they stand for. */
static const struct {
  const char *word;
  char rep;
} core_words[] = {
    {"dot", '.'}, {"punto", '.'}, {"punkt", '.'}, {"at", '@'}, {"et", '@'}, {"arroba", '@'},
};

/* A core word at in[k..): its length and replacement, or 0. */
static size_t core_word(const rf *r, size_t k, char *rep)
{
  size_t i, m;
  for (i = 0; i < sizeof(core_words) / sizeof(core_words[0]); i++)
    if ((m = word_at(r, k, core_words[i].word))) {
      *rep = core_words[i].rep;
      return m;
    }
  return 0;
}

/* A core word at the end of the output (glued to what precedes it). */
static size_t core_word_tail(const rf *r, char *rep)
{
  size_t i;
  for (i = 0; i < sizeof(core_words) / sizeof(core_words[0]); i++) {
    const char *w = core_words[i].word;
    size_t m = strlen(w), k;
    if (avail(r) < m + 1)
      continue;
    for (k = 0; k < m; k++)
      if (ctix__lower(out_at(r, m - 1 - k)) != w[k])
        break;
    if (k == m) {
      *rep = core_words[i].rep;
      return m;
    }
  }
  return 0;
}

/* A bracket cluster parsed forward from in[j]. */
typedef struct cluster {
  size_t end_br;    /* input offset after the last bracket (or the core) */
  size_t end_sp;    /* ... and after the spaces that follow */
  char rep[4];      /* replacement */
  size_t replen;
  char core;        /* '.', ',', '@', ':', 'S' (://), '/', '-', 'w' (word dot), 'a' (word at) */
  unsigned pre_open, pre_close, post_open, post_close;
  bool inner_space; /* spaces between its brackets and the core */
  size_t lead;      /* spaces at in[j..) before the first bracket */
} cluster;

/*
 * Parses [spaces] brackets/spaces, one core, brackets/spaces from in[j].
 * Whether it is a defang is decided by cluster_ok.
 */
static bool parse_cluster(const rf *r, size_t j, cluster *cl)
{
  const uchar *in = r->in;
  size_t n = r->n, k = j, lim = j + LOOK < n ? j + LOOK : n, m, last_br;
  memset(cl, 0, sizeof(*cl));
  while (k < lim && is_sp(in[k])) {
    k++;
    cl->lead++;
  }
  while (k < lim) {
    if (is_open(in[k]))
      cl->pre_open++;
    else if (is_close(in[k]) && (in[k] != ')' || cl->pre_open))
      cl->pre_close++; /* "foo].[bar"; but "copy(1).zip" keeps its ")" */
    else if (is_sp(in[k]) && cl->pre_open + cl->pre_close)
      cl->inner_space = true;
    else
      break;
    k++;
  }
  if (k >= lim)
    return false;
  switch (in[k]) {
  case '.': case ',': case '@': case '/': case '-':
    cl->core = (char)in[k];
    cl->rep[0] = in[k] == ',' ? '.' : (char)in[k];
    cl->replen = 1;
    k++;
    break;
  case ':':
    if (k + 2 < n && in[k + 1] == '/' && in[k + 2] == '/') {
      cl->core = 'S';
      memcpy(cl->rep, "://", 3);
      cl->replen = 3;
      k += 3;
    } else {
      cl->core = ':';
      cl->rep[0] = ':';
      cl->replen = 1;
      k++;
    }
    break;
  default: {
    char rep = 0;
    if (!(m = core_word(r, k, &rep))) {
      /* "example[dotcom": "[dot" glued to the next label */
      size_t e = k + 3;
      if (!cl->pre_open || cl->pre_close || cl->inner_space || k + 3 >= n ||
          ctix__lower(in[k]) != 'd' || ctix__lower(in[k + 1]) != 'o' ||
          ctix__lower(in[k + 2]) != 't' || !ctix__isalpha(in[k + 3]))
        return false;
      /* not when the word closes its bracket: "[dots]", "[dotnet]" */
      while (e < n && is_host(in[e]))
        e++;
      if (e < n && is_close(in[e]))
        return false;
      cl->core = 'w';
      cl->rep[0] = '.';
      cl->replen = 1;
      cl->end_br = cl->end_sp = k + 3;
      return true;
    }
    cl->core = rep == '.' ? 'w' : 'a';
    cl->rep[0] = rep;
    cl->replen = 1;
    k += m;
  }
  }
  last_br = k;
  while (k < lim && (is_bracket(in[k]) || is_sp(in[k]))) {
    if (is_open(in[k]) && cl->post_close)
      break; /* the opener of the next cluster: "[/][/]" */
    if (!is_sp(in[k])) {
      if (is_open(in[k]))
        cl->post_open++;
      else
        cl->post_close++;
      if (k > last_br)
        cl->inner_space = true;
      last_br = k + 1;
    }
    k++;
  }
  cl->end_br = last_br;
  cl->end_sp = k;
  return true;
}

/*
 * True if the cluster is a defang given its neighbours: L the byte before
 * it (before the spaces it eats when `spaced`), R the byte after it.
 */
static bool cluster_ok(const cluster *cl, bool spaced, int L, int R)
{
  unsigned pre = cl->pre_open + cl->pre_close, post = cl->post_open + cl->post_close;
  bool enclosed = cl->pre_open && cl->post_close;
  if (pre + post == 0)
    return false;
  if ((spaced || cl->inner_space) && !enclosed)
    return false;
  switch (cl->core) {
  case '.':
    /* "x.]y", "x].[y", but not "obj.(y)" */
    if (!pre && (cl->post_open || !cl->post_close))
      return false;
    return L >= 0 && is_host(L) && R >= 0 && is_label(R);
  case ',':
  case '-':
    return enclosed && L >= 0 && is_label(L) && R >= 0 && is_label(R);
  case 'w':
    if (!(L >= 0 && is_host(L) && R >= 0 && is_label(R)))
      return false;
    return (pre && post) || (cl->pre_open && !post && !spaced && !cl->inner_space);
  case '@':
    return enclosed && L >= 0 && is_local(L) && R >= 0 && (is_label(R) || R == '[');
  case 'a':
    return pre && post && L >= 0 && is_local(L) && R >= 0 && is_label(R);
  case '/':
    return enclosed || (cl->pre_open && !post && L >= 0 && is_host(L));
  case ':':
  case 'S':
    return enclosed && !spaced && !cl->inner_space;
  default:
    return false;
  }
}

/* ------------------------------------------------------------ schemes */

/* Web and other well-known schemes accepted with a broken separator. */
static const char *const known_schemes[] = {
    "http", "https", "ftp", "ftps", "sftp", "tcp", "udp", "ldap", "ldaps", "ssh", "smb",
    "file", "ws", "wss", "rtsp", "irc", "ircs", "telnet", "rdp", "vnc", "git", "svn", NULL};

/*
 * Normalises a scheme word w[0..n) into out (lower case): defanged forms
 * become their plain scheme. Returns the length, 0 if w is not a scheme;
 * *defanged says whether the word itself was defanged.
 */
static size_t norm_scheme(const uchar *w, size_t n, char *out, bool *defanged, bool *known)
{
  char lw[16];
  size_t i, x = 0;
  *defanged = false;
  *known = false;
  if (n < 2 || n > 12)
    return 0;
  for (i = 0; i < n; i++) {
    lw[i] = (char)ctix__lower(w[i]);
    if (lw[i] == 'x' || lw[i] == '*')
      x++;
  }
  lw[n] = '\0';
  /* h[xt*][xt*]p(s): hxxp hXXp h**p htxp */
  if ((n == 4 || (n == 5 && lw[4] == 's')) && lw[0] == 'h' && lw[3] == 'p' &&
      (lw[1] == 'x' || lw[1] == 't' || lw[1] == '*') &&
      (lw[2] == 'x' || lw[2] == 't' || lw[2] == '*') && x) {
    memcpy(out, n == 4 ? "http" : "https", n);
    *defanged = *known = true;
    return n;
  }
  /* xxxx -> http, xxxxs / xxxxx -> https */
  if (n == 4 && x == 4) {
    memcpy(out, "http", 4);
    *defanged = *known = true;
    return 4;
  }
  if (n == 5 && (x == 5 || (x == 4 && lw[4] == 's'))) {
    memcpy(out, "https", 5);
    *defanged = *known = true;
    return 5;
  }
  /* fxp ftx fxps -> ftp(s) */
  if ((n == 3 || (n == 4 && lw[3] == 's')) && lw[0] == 'f' &&
      ((lw[1] == 'x' && lw[2] == 'p') || (lw[1] == 't' && lw[2] == 'x'))) {
    memcpy(out, n == 3 ? "ftp" : "ftps", n);
    *defanged = *known = true;
    return n;
  }
  for (i = 0; i < n; i++)
    if (!(ctix__isalnum((uchar)lw[i]) || lw[i] == '+' || lw[i] == '-' || lw[i] == '.'))
      return 0;
  if (!ctix__isalpha((uchar)lw[0]))
    return 0;
  for (i = 0; known_schemes[i] && !*known; i++)
    if (strcmp(lw, known_schemes[i]) == 0)
      *known = true;
  memcpy(out, lw, n);
  return n;
}

/*
 * The scheme rule at in[j] (':' '[' '(' ']' ')' '_' '/' or a space): a
 * separator ("://" or a broken form) after a scheme word at the end of the
 * output. Returns the input offset after the rewritten separator, or 0.
 */
static size_t try_scheme(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n, k = j, av = avail(r), t = 0, wlen, wstart, retract, slashes = 0;
  bool std = false, bracketed = false, defw, known, spaced_before = false;
  char word[16], rep[24];
  size_t nlen;
  bool colon = false;

  /* separator */
  if (in[k] == ' ') {
    while (k < n && in[k] == ' ')
      k++;
    if (k >= n || in[k] != ':')
      return 0;
    spaced_before = true;
  }
  if (in[k] == ']' || in[k] == ')') {
    /* "http]://" "(http)://": the closer belongs to the separator */
    bracketed = true;
    k++;
  }
  if (k + 2 < n && is_open(in[k]) && in[k + 1] == ':') {
    if (k + 4 < n && in[k + 2] == '/' && in[k + 3] == '/' && is_close(in[k + 4])) {
      colon = true; /* "[://]" */
      slashes = 2;
      k += 5;
    } else if (is_close(in[k + 2])) {
      colon = true; /* "[:]//" */
      k += 3;
    } else {
      return 0;
    }
    bracketed = true;
  } else if (k < n && in[k] == ':') {
    colon = true;
    k++;
  }
  if (slashes) {
    ;
  } else if (k + 1 < n && in[k] == '/' && in[k + 1] == '/') {
    k += 2;
    slashes = 2;
    if (k < n && in[k] == '/') {
      k++;
      slashes = 3;
    }
  } else if (k + 1 < n && in[k] == '_' && in[k + 1] == '_') {
    k += 2;
  } else if (k + 1 < n && in[k] == '\\' && in[k + 1] == '\\') {
    k += 2;
  } else {
    return 0;
  }
  std = colon && slashes == 2 && !bracketed && !spaced_before;
  /* spaces after the separator, before the host */
  {
    size_t k2 = k;
    while (k2 < n && k2 - k < 8 && in[k2] == ' ')
      k2++;
    if (k2 > k) {
      if (k2 >= n || !is_label(in[k2]))
        return 0;
      std = false;
      k = k2;
    }
  }
  /* the scheme word in the output tail: [opener] word [closer] [spaces] */
  if (av && (out_at(r, 0) == ']' || out_at(r, 0) == ')')) {
    t = 1;
    bracketed = true;
    std = false;
  }
  while (t < av && t < 8 && out_at(r, t) == ' ')
    t++;
  if (t && out_at(r, t - 1) == ' ')
    std = false;
  wlen = 0;
  while (t + wlen < av && wlen < 13) {
    int c = out_at(r, t + wlen);
    if (!(ctix__isalnum(c) || c == '*' || c == '+'))
      break;
    wlen++;
  }
  if (wlen < 2 || wlen > 12)
    return 0;
  /* a plain "http://" or "https://" (any case), the most common scheme:
   * what norm_scheme would say of it (no defang, known) without asking
   * (not when the tests compare it with norm_scheme's answer,
   * ctix__ioc_force_scalar: test_ioc_refang's test_shortcuts_agree) */
  if (!ctix__ioc_force_scalar && std && !t && (wlen == 4 || (wlen == 5 && (out_at(r, 0) | 32) == 's')) &&
      (out_at(r, wlen - 1) | 32) == 'h' && (out_at(r, wlen - 2) | 32) == 't' &&
      (out_at(r, wlen - 3) | 32) == 't' && (out_at(r, wlen - 4) | 32) == 'p') {
    r->url_host = true;
    r->host_from = k;
    return 0;
  }
  wstart = out_len(r) - t - wlen;
  nlen = norm_scheme((const uchar *)r->out->data + wstart, wlen, word, &defw, &known);
  if (!nlen) {
    /* "Chxxp://": the longest suffix that is a defanged scheme */
    size_t s;
    for (s = 1; s + 3 <= wlen && !nlen; s++) {
      nlen = norm_scheme((const uchar *)r->out->data + wstart + s, wlen - s, word, &defw,
                         &known);
      if (nlen && !defw)
        nlen = 0;
      if (nlen) {
        wstart += s;
        wlen -= s;
      }
    }
    if (!nlen)
      return 0;
  }
  retract = out_len(r) - wstart;
  /* an opener before the word: "[http]://" */
  if (bracketed && retract < av && is_open(out_at(r, retract)))
    retract++;
  if (!std && !known)
    return 0;
  if (std && !defw) {
    r->url_host = true;
    r->host_from = k;
    return 0; /* plain "scheme://": nothing to rewrite */
  }
  memcpy(rep, word, nlen);
  memcpy(rep + nlen, "://", 3);
  *rc = put_edit(r, retract, k, rep, nlen + 3, j);
  r->url_host = true;
  r->host_from = k;
  return k;
}

/* ------------------------------------------------------------ chains */

/*
 * Looks at a host chain in[k..): labels separated by '.', bracket
 * clusters or " dot " words. Counts separators and defanged separators.
 */
static void chain_ahead(const rf *r, size_t k, unsigned *seps, unsigned *defanged)
{
  const uchar *in = r->in;
  size_t n = r->n, lim = k + LOOK < n ? k + LOOK : n;
  unsigned weak = 0; /* lower-case " dot ": counts only before a TLD */
  *seps = *defanged = 0;
  while (k < lim) {
    size_t l = k;
    cluster cl;
    while (k < lim && is_host(in[k]))
      k++;
    if (k == l)
      break;
    if (k >= lim) {
      if (weak && ctix__ioc_is_tld((const char *)in + l, k - l))
        *defanged += weak;
      return;
    }
    if (in[k] == '.' && k + 1 < lim && is_label(in[k + 1])) {
      (*seps)++;
      k++;
      continue;
    }
    if (parse_cluster(r, k, &cl) && (cl.core == '.' || cl.core == 'w')) {
      bool spaced = cl.lead || cl.inner_space || cl.end_sp > cl.end_br;
      size_t e = spaced ? cl.end_sp : cl.end_br;
      if (cluster_ok(&cl, spaced, in[k - 1], e < n ? in[e] : -1)) {
        (*seps)++;
        (*defanged)++;
        k = e;
        continue;
      }
    }
    if (is_sp(in[k])) {
      size_t s = k, m;
      while (s < lim && is_sp(in[s]))
        s++;
      if ((m = word_at(r, s, "dot"))) {
        size_t e = s + m;
        if (e < lim && is_sp(in[e])) {
          while (e < lim && is_sp(in[e]))
            e++;
          if (e < lim && is_label(in[e])) {
            (*seps)++;
            if (in[s] == 'D' && in[s + 1] == 'O')
              (*defanged)++;
            else
              weak++;
            k = e;
            continue;
          }
        }
      }
    }
    if (weak && ctix__ioc_is_tld((const char *)in + l, k - l))
      *defanged += weak;
    return;
  }
}

/* The label at in[k..): letters only, followed by a non-host byte; a TLD? */
static bool tld_at(const rf *r, size_t k)
{
  size_t e = k;
  while (e < r->n && e - k < 64 && ctix__isalpha(r->in[e]))
    e++;
  if (e == k || (e < r->n && is_host(r->in[e])))
    return false;
  return ctix__ioc_is_tld((const char *)r->in + k, e - k);
}

/* Trailing spaces at the end of the output that may be taken back. */
static size_t tail_spaces(const rf *r)
{
  size_t t = 0, av = avail(r);
  while (t < av && t < 16 && is_sp(out_at(r, t)))
    t++;
  return t;
}

/* True if the output ends with "<local>@<label>(.<label>)*" (an e-mail host
 * being written), looking back at most LOOK bytes. */
static bool tail_in_email_host(const rf *r, size_t skip)
{
  size_t t = skip;
  int c;
  while (t < LOOK && (c = out_at(r, t)) >= 0 && (is_host(c) || c == '.'))
    t++;
  return t > 0 && out_at(r, t) == '@';
}

/* True if the output ends with a local part (alnum last). */
static bool tail_local(const rf *r, size_t skip)
{
  int c = out_at(r, skip);
  return c >= 0 && (ctix__isalnum(c) || c >= 0x80);
}

/*
 * True if a "[:]" ending at in[e] sits in an IPv6 address: L (the byte
 * written before it) is a hex digit or a colon, and after it comes a hex
 * digit or another "[:]"; or it opens a leading "::" ("[:][:]1").
 */
static bool is_xdigit(int c)
{
  return ctix__isdigit(c) || (unsigned)((c | 32) - 'a') < 6;
}

static bool v6_colon(int L, const uchar *in, size_t n, size_t e)
{
  bool pair = e + 3 <= n && memcmp(in + e, "[:]", 3) == 0;
  bool lhex = L >= 0 && (is_xdigit(L) || L == ':');
  bool rhex = e < n && is_xdigit(in[e]);
  if (lhex)
    return rhex || pair || L == ':';
  return pair && (L < 0 || !is_host(L));
}

/* Applies a cluster found at in[j] (j at a bracket or '.'). */
static size_t apply_cluster(rf *r, size_t j, int *rc)
{
  cluster cl;
  size_t ts, e;
  int L, R;
  if (!parse_cluster(r, j, &cl))
    return 0;
  /* scheme separators are the scheme rule's; a bare "[:]" is one only
   * between the groups of an IPv6 address (ctix_defang's form) */
  if (cl.core == 'S')
    return 0;
  if (cl.core == ':') {
    if (cl.lead || cl.inner_space || !cl.pre_open || !cl.post_close ||
        !v6_colon(out_at(r, 0), r->in, r->n, cl.end_br))
      return 0;
    *rc = put_edit(r, 0, cl.end_br, ":", 1, j);
    return cl.end_br;
  }
  /* spaced: spaces before (in the output) and after are eaten */
  ts = tail_spaces(r);
  L = out_at(r, ts);
  e = cl.end_sp;
  R = e < r->n ? r->in[e] : -1;
  if ((ts || cl.inner_space || e > cl.end_br) && cluster_ok(&cl, true, L, R)) {
    if (cl.core == 'a' && !tail_local(r, ts))
      return 0;
    *rc = put_edit(r, ts, e, cl.rep, cl.replen, j);
    return e;
  }
  /* "user@example.com [.tld": loose brackets inside an e-mail host being
   * written (only there: in prose "note [.NET" is no host) */
  if ((cl.core == '.' || cl.core == 'w') && cl.pre_open && !cl.pre_close && !cl.post_open &&
      R >= 0 && is_label(R) &&
      (ts || cl.inner_space || e > cl.end_br) && tail_in_email_host(r, ts)) {
    *rc = put_edit(r, ts, e, cl.rep, cl.replen, j);
    return e;
  }
  L = out_at(r, 0);
  e = cl.end_br;
  R = e < r->n ? r->in[e] : -1;
  if (!cluster_ok(&cl, false, L, R))
    return 0;
  if (cl.core == 'a' || cl.core == '@') {
    unsigned seps, df;
    chain_ahead(r, e, &seps, &df);
    if (!seps && R != '[')
      return 0;
  }
  *rc = put_edit(r, 0, e, cl.rep, cl.replen, j);
  return e;
}

/*
 * The bracket clusters of nearly every defanged report, "[.]" "(.)" and
 * "[dot]" (any closing bracket, the word in any case) between a host byte
 * written and a label byte, at the opening bracket in[j]: the input offset
 * after the cluster, or 0. apply_cluster rewrites them to "." too (a
 * cluster enclosed by one bracket each side, with no space, is a defang
 * between those neighbours), after parsing it in full; test_ioc_refang's
 * test_shortcuts_agree compares both on every form.
 */
static size_t plain_dot_cluster(const rf *r, size_t j)
{
  const uchar *in = r->in;
  size_t n = r->n, e;
  int L = out_at(r, 0);
  if (L < 0 || !is_host(L) || j + 3 >= n)
    return 0;
  if (in[j + 1] == '.')
    e = j + 3;
  else if ((in[j + 1] | 32) == 'd' && (in[j + 2] | 32) == 'o' && (in[j + 3] | 32) == 't')
    e = j + 5;
  else
    return 0;
  return e < n && is_close(in[e - 1]) && is_label(in[e]) ? e : 0;
}

/* '[' '(' '{' '<' */
static size_t rule_open(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n, e, k;
  if (in[j] == '<') {
    if (j + 2 < n && in[j + 1] == '.' && in[j + 2] == '>' && out_at(r, 0) >= 0 &&
        is_host(out_at(r, 0)) && j + 3 < n && is_label(in[j + 3]))
      return *rc = put_edit(r, 0, j + 3, ".", 1, j), j + 3;
    return 0;
  }
  if (j + 1 < n && in[j + 1] == ':' && (e = try_scheme(r, j, rc)))
    return e;
  /* (apply_cluster alone when the tests compare both, ctix__ioc_force_scalar) */
  if (!ctix__ioc_force_scalar && (e = plain_dot_cluster(r, j)))
    return *rc = put_edit(r, 0, e, ".", 1, j), e;
  if ((e = apply_cluster(r, j, rc)))
    return e;
  /* "[www].example.com", "(www).example.com", "[evil.com]" */
  if (in[j] == '{' || (out_at(r, 0) >= 0 && is_host(out_at(r, 0))))
    return 0;
  {
    char close = in[j] == '[' ? ']' : ')';
    size_t dots = 0, last_dot = 0;
    for (k = j + 1; k < n && k - j < LOOK && (is_host(in[k]) || in[k] == '.'); k++)
      if (in[k] == '.') {
        dots++;
        last_dot = k;
      }
    if (k == j + 1 || k >= n || in[k] != close)
      return 0;
    if (!dots && k + 2 < n && in[k + 1] == '.' && is_label(in[k + 2])) {
      /* a bracketed label followed by the rest of the host, "[www].x.org";
       * not "(1).zip" or "(copy).pdf": letters, and two more labels */
      size_t q, more = 0;
      for (q = j + 1; q < k; q++)
        if (!ctix__isalpha(in[q]))
          return 0;
      for (q = k + 2; q < n && q - k < LOOK && (is_host(in[q]) || in[q] == '.'); q++)
        more += in[q] == '.' && q + 1 < n && is_label(in[q + 1]);
      if (!more)
        return 0;
      *rc = put_edit(r, 0, k + 1, (const char *)in + j + 1, k - j - 1, j);
      return k + 1;
    }
    if (in[j] == '[' && dots && last_dot + 2 < k && ctix__isalpha(in[last_dot + 1]) &&
        ctix__isalpha(in[k - 1]) && is_label(in[j + 1]) &&
        (k + 1 >= n || !(is_host(in[k + 1]) || in[k + 1] == '(' || in[k + 1] == '['))) {
      size_t t;
      for (t = last_dot + 1; t < k; t++)
        if (!ctix__isalpha(in[t]))
          return 0;
      *rc = put_edit(r, 0, k + 1, (const char *)in + j + 1, k - j - 1, j);
      return k + 1;
    }
  }
  return 0;
}

/* ']' ')' '}' */
static size_t rule_close(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n, m, k;
  char rep = 0;
  if (j + 1 < n && in[j + 1] == ':')
    return try_scheme(r, j, rc);
  /* "fooDOT}com", "fooat]bar.com" */
  if ((m = core_word_tail(r, &rep)) && is_host(out_at(r, m))) {
    for (k = j; k < n && k - j < 8 && is_close(in[k]); k++)
      ;
    if (k < n && is_label(in[k])) {
      bool ok = true;
      if (rep == '@') {
        unsigned seps, df;
        chain_ahead(r, k, &seps, &df);
        ok = seps > 0;
      }
      if (ok) {
        *rc = put_edit(r, m, k, &rep, 1, j);
        return k;
      }
    }
  }
  return apply_cluster(r, j, rc);
}

/* '.' */
static size_t rule_dot(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n, ts, k, e;
  if (j + 1 < n && is_bracket(in[j + 1]) && (e = apply_cluster(r, j, rc)))
    return e;
  ts = tail_spaces(r);
  for (k = j + 1; k < n && k - j < 8 && is_sp(in[k]); k++)
    ;
  if ((ts || k > j + 1) && k < n) {
    int L = out_at(r, ts);
    /* "2.2.2 . 2" */
    if (L >= 0 && ctix__isdigit(L) && ctix__isdigit(in[k])) {
      size_t t = ts;
      while (t < avail(r) && ctix__isdigit(out_at(r, t)))
        t++;
      if (out_at(r, t) == '.' && ctix__isdigit(out_at(r, t + 1)))
        return *rc = put_edit(r, ts, k, ".", 1, j), k;
    }
    /* "http:// example .com" */
    if (ts && k == j + 1 && L >= 0 && is_host(L) && is_label(in[k]) && in_url_host(r, j - ts))
      return *rc = put_edit(r, ts, k, ".", 1, j), k;
  }
  return 0;
}

/* '\' and '^' before a dot between host labels: "10\.10", "www^.example" */
static size_t rule_escape(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n, k = j, t = 0;
  int L = out_at(r, 0), c;
  if (in[j] == '^')
    k = j + 1;
  else
    while (k < n && k - j < 16 && in[k] == '\\')
      k++;
  if (k + 1 >= n || in[k] != '.' || !is_label(in[k + 1]) || L < 0 || !is_host(L))
    return 0;
  /* the label before must not be a path component ("C:\Users\me\.ssh") */
  while ((c = out_at(r, t)) >= 0 && t < LOOK && (is_host(c) || c == '.'))
    t++;
  c = out_at(r, t);
  if (c == '\\' || c == ':' || c == '/' || c == '%')
    return 0;
  /* nor may a path go on after it ("HKEY_USERS\.DEFAULT\Control Panel") */
  for (t = k + 1; t < n && t - k < LOOK && (is_host(in[t]) || in[t] == '.'); t++)
    ;
  if (t < n && in[t] == '\\' && !(t + 1 < n && (in[t + 1] == '.' || in[t + 1] == '\\')))
    return 0;
  return *rc = put_edit(r, 0, k + 1, ".", 1, j), k + 1;
}

/* '/': "https//host", "/AT/", "/DOT/" */
static size_t rule_slash(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n;
  int L = out_at(r, 0);
  if (j + 1 < n && in[j + 1] == '/' && L >= 0 && ctix__isalpha(L))
    return try_scheme(r, j, rc);
  if (L >= 0 && is_label(L)) {
    if (j + 4 < n && memcmp(in + j, "/AT/", 4) == 0 && is_label(in[j + 4]))
      return *rc = put_edit(r, 0, j + 4, "@", 1, j), j + 4;
    if (j + 5 < n && memcmp(in + j, "/DOT/", 5) == 0 && is_label(in[j + 5]))
      return *rc = put_edit(r, 0, j + 5, ".", 1, j), j + 5;
  }
  return 0;
}

/* '-': "example-dot-ru" */
static size_t rule_dash(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n;
  int L = out_at(r, 0);
  if (j + 5 < n && L >= 0 && is_label(L) && ctix__lower(in[j + 1]) == 'd' &&
      ctix__lower(in[j + 2]) == 'o' && ctix__lower(in[j + 3]) == 't' && in[j + 4] == '-' &&
      tld_at(r, j + 5))
    return *rc = put_edit(r, 0, j + 5, ".", 1, j), j + 5;
  return 0;
}

/* '@' with spaces around: "foo @ bar.com", "myuser@ example[.]com" */
static size_t rule_at(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n, ts = tail_spaces(r), k;
  unsigned seps, df;
  for (k = j + 1; k < n && k - j < 8 && is_sp(in[k]); k++)
    ;
  if ((!ts && k == j + 1) || k >= n || !is_label(in[k]) || !tail_local(r, ts))
    return 0;
  chain_ahead(r, k, &seps, &df);
  if (!seps)
    return 0;
  return *rc = put_edit(r, ts, k, "@", 1, j), k;
}

/* ' ': " at ", " dot ", "http ://", spaces inside a URL host */
static size_t rule_space(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n, k = j, m, e;
  int c;
  while (k < n && k - j < 8 && is_sp(in[k]))
    k++;
  if (k >= n)
    return 0;
  c = in[k];
  if (in_url_host(r, j)) {
    if ((c == '.' || c == '/') && k + 1 < n && is_label(in[k + 1]) && out_at(r, 0) >= 0 &&
        is_host(out_at(r, 0))) {
      r->url_host = c != '/';
      r->host_from = k;
      *rc = put_edit(r, 0, k, "", 0, j);
      return k;
    }
    r->url_host = false;
  }
  if (c == ':' && (e = try_scheme(r, j, rc)))
    return e;
  if ((c | 32) != 'a' && (c | 32) != 'd')
    return 0;
  if ((m = word_at(r, k, "dot"))) {
    e = k + m;
    if (e >= n || !is_sp(in[e]))
      return 0;
    while (e < n && e - k < 16 && is_sp(in[e]))
      e++;
    if (e >= n || !is_label(in[e]) || out_at(r, 0) < 0 || !is_label(out_at(r, 0)))
      return 0;
    if (tail_in_email_host(r, 0) ||
        (in[k] == 'D' && in[k + 1] == 'O' && in[k + 2] == 'T' && tld_at(r, e)))
      return *rc = put_edit(r, 0, e, ".", 1, j), e;
    return 0;
  }
  if ((m = word_at(r, k, "at"))) {
    unsigned seps, df;
    bool upper = in[k] == 'A';
    e = k + m;
    if (e >= n || !is_sp(in[e]) || !tail_local(r, 0))
      return 0;
    while (e < n && e - k < 16 && is_sp(in[e]))
      e++;
    if (e >= n || !is_label(in[e]))
      return 0;
    chain_ahead(r, e, &seps, &df);
    if (upper ? seps > 0 : df > 0)
      return *rc = put_edit(r, 0, e, "@", 1, j), e;
  }
  return 0;
}

/* 'D' 'A': "fooDOTcom", "fooATbar.com" (upper case glued between lower case) */
static size_t rule_upper(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  size_t n = r->n;
  int L = out_at(r, 0);
  if (L < 0 || !(ctix__islower(L) || ctix__isdigit(L)))
    return 0;
  if (in[j] == 'D' && j + 3 < n && in[j + 1] == 'O' && in[j + 2] == 'T' &&
      ctix__islower(in[j + 3]) && tld_at(r, j + 3))
    return *rc = put_edit(r, 0, j + 3, ".", 1, j), j + 3;
  if (in[j] == 'A' && j + 2 < n && in[j + 1] == 'T' &&
      (ctix__islower(in[j + 2]) || ctix__isdigit(in[j + 2]))) {
    unsigned seps, df;
    chain_ahead(r, j + 2, &seps, &df);
    if (seps)
      return *rc = put_edit(r, 0, j + 2, "@", 1, j), j + 2;
  }
  return 0;
}

/* Tries the rules of the trigger byte in[j]; returns the input offset after
 * a rewrite or 0. */
static size_t try_rules(rf *r, size_t j, int *rc)
{
  const uchar *in = r->in;
  switch (in[j]) {
  case '[': case '(': case '{': case '<':
    return rule_open(r, j, rc);
  case ']': case ')': case '}':
    return rule_close(r, j, rc);
  case '.':
    return rule_dot(r, j, rc);
  case '\\': case '^':
    return rule_escape(r, j, rc);
  case ':':
    return try_scheme(r, j, rc);
  case '/':
    return rule_slash(r, j, rc);
  case '_':
    return j + 1 < r->n && in[j + 1] == '_' ? try_scheme(r, j, rc) : 0;
  case '-':
    return rule_dash(r, j, rc);
  case '@':
    return rule_at(r, j, rc);
  case ' ':
    return rule_space(r, j, rc);
  case 'D': case 'A':
    return rule_upper(r, j, rc);
  default:
    return 0;
  }
}

/*
 * Is in[j] worth trying the rules at? The cheap pre-checks of each trigger
 * byte, so that common bytes ('.', '-', '/', ' ', 'A') cost a compare or
 * two.
 */
static bool worth(const rf *r, size_t j)
{
  const uchar *in = r->in;
  size_t n = r->n;
  int nx = j + 1 < n ? in[j + 1] : 0, n2 = j + 2 < n ? in[j + 2] : 0,
      n3 = j + 3 < n ? in[j + 3] : 0, pv = j ? in[j - 1] : 0;
  switch (in[j]) {
  case '.':
    return is_bracket(nx) || pv == ' ';
  case ':':
    return nx == '/' || nx == '_' || nx == '\\';
  case '\\':
    return nx == '.' || nx == '\\';
  case '-':
    return (nx | 32) == 'd';
  case '/':
    return nx == '/' || nx == 'A' || nx == 'D';
  case '_':
    return nx == '_';
  case 'A':
    return nx == 'T';
  case 'D':
    return nx == 'O';
  case ' ':
    return nx == ' ' || nx == '\t' || nx == ':' || nx == '.' || nx == '/' ||
           ((nx | 32) == 'a' && (n2 | 32) == 't' && (n3 == ' ' || n3 == '\t')) ||
           ((nx | 32) == 'd' && (n2 | 32) == 'o' && (n3 | 32) == 't');
  default:
    return trig[in[j]] != 0;
  }
}

#if CTIX_IOC_X86
/*
 * Copies p[0..32) to dst and returns the mask of the bytes where worth()
 * holds (bit k for p[k]; for a space a few more, which worth() turns
 * down), computed on 32 bytes at once. Reads p[-1..34).
 */
__attribute__((target("avx2"), always_inline)) static inline uint32_t block_stops(const uchar *p,
                                                                                  char *dst)
{
#define L(o) _mm256_loadu_si256((const __m256i *)(const void *)(p + (o)))
#define SPLAT(c) _mm256_load_si256((const __m256i *)(const void *)splat[(uchar)(c)])
#define EQ(x, c) _mm256_cmpeq_epi8((x), SPLAT(c))
#define OR(a, b) _mm256_or_si256((a), (b))
#define AND(a, b) _mm256_and_si256((a), (b))
#define IN(x, set)                                                                           \
  _mm256_cmpeq_epi8((x), _mm256_shuffle_epi8(                                               \
                             _mm256_load_si256((const __m256i *)(const void *)sets[set]), (x)))
  __m256i v = L(0), pv = L(-1), w = L(1), x = L(2);
  __m256i lw = OR(w, SPLAT(0x20)), lx = OR(x, SPLAT(0x20));
  __m256i brk_w = OR(IN(w, SET_BRACKET1), IN(w, SET_ALWAYS2));
  __m256i always = OR(IN(v, SET_ALWAYS1), IN(v, SET_ALWAYS2));
  __m256i dot = AND(EQ(v, '.'), OR(brk_w, EQ(pv, ' ')));
  /* ':' '\\' '-' '/' 'A' 'D' before one of their followers (pair_rules) */
#define SHUF(tab, x) \
  _mm256_shuffle_epi8(_mm256_load_si256((const __m256i *)(const void *)(tab)), (x))
  __m256i pair = AND(_mm256_cmpeq_epi8(v, SHUF(pair_v, v)),
                     OR(OR(_mm256_cmpeq_epi8(w, SHUF(pair_next[0], v)),
                           _mm256_cmpeq_epi8(w, SHUF(pair_next[1], v))),
                        _mm256_cmpeq_epi8(w, SHUF(pair_next[2], v))));
#undef SHUF
  __m256i us = AND(EQ(v, '_'), EQ(w, '_'));
  /* " at" and " do" (any case): worth() wants white space after "at" and
   * a 't' after "do", rare in prose either way; the third byte is left to
   * it (about one more stop per kilobyte of prose, against four compares
   * fewer per block) */
  __m256i at_w = AND(EQ(lw, 'a'), EQ(lx, 't'));
  __m256i dot_w = AND(EQ(lw, 'd'), EQ(lx, 'o'));
  __m256i sp_next = IN(w, SET_AFTER_SPACE);
  __m256i sp = AND(EQ(v, ' '), OR(sp_next, OR(at_w, dot_w)));
  __m256i m = OR(OR(OR(always, dot), pair), OR(us, sp));
  _mm256_storeu_si256((__m256i *)(void *)dst, v);
  return (uint32_t)_mm256_movemask_epi8(m);
#undef L
#undef SPLAT
#undef EQ
#undef OR
#undef AND
#undef IN
}

/*
 * Copies the 32-byte blocks of `in` starting at i, i + 32, ... (at most
 * `last`) to dst (in[i] to dst[0]) up to and including the first block
 * that holds a stop; returns that block's start with its mask in *mask,
 * or the first start past `last` with *mask = 0.
 */
__attribute__((target("avx2"))) static size_t stops_avx2(const uchar *in, size_t i,
                                                         size_t last, char *dst, uint32_t *mask)
{
  size_t i0 = i;
  for (; i <= last; i += 32) {
    uint32_t m = block_stops(in + i, dst + (i - i0));
    if (m) {
      *mask = m;
      return i;
    }
  }
  *mask = 0;
  return i;
}
#endif

int ctix__ioc_refang_into(ctix_buf *out, ctix_buf *edits, const char *text, size_t len)
{
  rf r;
  size_t i = 0;
  int rc = 0;
#if CTIX_IOC_X86
  bool simd = ctix__ioc_simd();
#endif
  pthread_once(&trig_once, init_trig);
  memset(&r, 0, sizeof(r));
  r.in = (const uchar *)text;
  r.n = len;
  r.out = out;
  r.edits = edits;
  r.out_base = out->len;
  r.floor = out->len;
  /* the output is at most a little longer than the input ("https//" gains
   * a ':'); the reservation also leaves room for 32-byte block stores */
  if (ctix__buf_grow(out, len + len / 4 + 64))
    return out->err;
  /* room for the edits of a heavily defanged text (one per EDIT_SPAN
   * bytes) saves the growth steps; more still grow as needed */
  if (ctix__buf_grow(edits, (len / EDIT_SPAN + 1) * sizeof(ctix__ioc_edit)))
    return edits->err;
  while (i < len) {
    size_t j, e;
#if CTIX_IOC_X86
    if (simd && i > 0 && len - i >= 36) {
      /* blocks are copied; stops that rewrite nothing leave them as is */
      uint32_t m;
      size_t base_in = stops_avx2(r.in, i, len - 36, out->data + out->len, &m);
      size_t base_out = out->len + (base_in - i);
      if (!m) {
        out->len = base_out;
        i = base_in;
        continue;
      }
      e = 0;
      while (m) {
        unsigned k = (unsigned)__builtin_ctz(m);
        m &= m - 1;
        j = base_in + k;
        out->len = base_out + k;
        /* the mask is worth() itself but for spaces (block_stops) */
        if (r.in[j] == ' ' && !worth(&r, j))
          continue;
        e = try_rules(&r, j, &rc);
        if (rc)
          return rc;
        if (e)
          break;
      }
      if (!e) {
        out->len = base_out + 32;
        i = base_in + 32;
        continue;
      }
      i = e;
      if (out->cap < out->len + (len - i) + (len - i) / 4 + 64 &&
          ctix__buf_grow(out, (len - i) + (len - i) / 4 + 64))
        return out->err;
      continue;
    } else
#endif
    {
      j = i;
      while (j < len && !trig[r.in[j]])
        out->data[out->len++] = (char)r.in[j++];
      if (j >= len)
        break;
    }
    e = worth(&r, j) ? try_rules(&r, j, &rc) : 0;
    if (rc)
      return rc;
    if (e) {
      i = e;
      if (out->cap < out->len + (len - i) + (len - i) / 4 + 64 &&
          ctix__buf_grow(out, (len - i) + (len - i) / 4 + 64))
        return out->err;
      continue;
    }
    out->data[out->len++] = (char)r.in[j];
    i = j + 1;
  }
  if (out->data)
    out->data[out->len] = '\0';
  return out->err ? out->err : edits->err;
}

int ctix_refang(char **out, size_t *outlen, const char *text, size_t len, ctix_error *err)
{
  ctix_buf b, e;
  int rc;
  *out = NULL;
  if (outlen)
    *outlen = 0;
  if (!text && len)
    return ctix__error_set(err, CTIX_EINVAL, "refang: no input text");
  ctix__buf_init(&b, len + len / 4 + 256);
  ctix__buf_init(&e, (len + 1) * sizeof(ctix__ioc_edit));
  rc = ctix__ioc_refang_into(&b, &e, text ? text : "", len);
  ctix__buf_free(&e);
  if (rc) {
    ctix__buf_free(&b);
    return ctix__error_set(err, rc, "refang: out of memory");
  }
  *out = ctix__buf_detach(&b, outlen);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "refang: out of memory");
  return 0;
}

/* ------------------------------------------------------------ defang */

/* Appends the written form w[0..n) of a host with its dots as "[.]". */
static void defang_dots(ctix_buf *b, const char *w, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    if (w[i] == '.')
      ctix__buf_adds(b, "[.]");
    else
      ctix__buf_addc(b, w[i]);
  }
}

/* Appends the written form w[0..n) of a bare IPv6 address with every
 * colon as "[:]" and the dots of an embedded IPv4 address as "[.]"
 * ("2001[:]db8[:][:]1", the form refang reads back). */
static void defang_ipv6(ctix_buf *b, const char *w, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    if (w[i] == ':')
      ctix__buf_adds(b, "[:]");
    else if (w[i] == '.')
      ctix__buf_adds(b, "[.]");
    else
      ctix__buf_addc(b, w[i]);
  }
}

/* Appends the defanged form of the URL written as w[0..n). */
static void defang_url(ctix_buf *b, const char *w, size_t n)
{
  const char *sep = NULL;
  size_t i, h = 0, he;
  for (i = 0; i + 2 < n; i++)
    if (w[i] == ':' && w[i + 1] == '/' && w[i + 2] == '/') {
      sep = w + i;
      break;
    }
  if (sep) {
    size_t sl = (size_t)(sep - w);
    /* http -> hxxp, https -> hxxps, ftp -> fxp (case kept) */
    if ((sl == 4 || sl == 5) && ctix__mem_istarts(w, sl, "http")) {
      ctix__buf_addc(b, w[0]);
      ctix__buf_addc(b, ctix__isupper((unsigned char)w[1]) ? 'X' : 'x');
      ctix__buf_addc(b, ctix__isupper((unsigned char)w[2]) ? 'X' : 'x');
      ctix__buf_add(b, w + 3, sl - 3);
    } else if (sl == 3 && ctix__mem_istarts(w, sl, "ftp")) {
      ctix__buf_addc(b, w[0]);
      ctix__buf_addc(b, ctix__isupper((unsigned char)w[1]) ? 'X' : 'x');
      ctix__buf_addc(b, w[2]);
    } else {
      ctix__buf_add(b, w, sl);
    }
    ctix__buf_add(b, "://", 3);
    h = sl + 3;
  }
  for (he = h; he < n && w[he] != '/' && w[he] != '?' && w[he] != '#'; he++)
    ;
  /* userinfo stays as written; the host's dots are defanged */
  for (i = he; i > h; i--)
    if (w[i - 1] == '@')
      break;
  if (i > h) {
    ctix__buf_add(b, w + h, i - h);
    h = i;
  }
  if (h < he && w[h] == '[')
    ctix__buf_add(b, w + h, he - h); /* an IPv6 literal */
  else
    defang_dots(b, w + h, he - h);
  ctix__buf_add(b, w + he, n - he);
}

int ctix_defang(char **out, size_t *outlen, const char *text, size_t len, ctix_error *err)
{
  ctix_ioc_options opts;
  ctix_ioc_list *list = NULL;
  ctix_buf b;
  size_t cur = 0, i;
  int rc;
  *out = NULL;
  if (outlen)
    *outlen = 0;
  if (!text && len)
    return ctix__error_set(err, CTIX_EINVAL, "defang: no input text");
  ctix_ioc_options_init(&opts);
  opts.max_input = len;
  opts.keep_rejected = false;
  if ((rc = ctix_ioc_extract(&list, text ? text : "", len, &opts, err)))
    return rc;
  ctix__buf_init(&b, 4 * len + 64);
  for (i = 0; i < list->nhits; i++) {
    const ctix_ioc_hit *h = &list->hits[i];
    const ctix_ioc *it = &list->items[h->ioc];
    const char *w = text + h->span.start;
    size_t n = h->span.end - h->span.start, k;
    if (h->span.start < cur || h->defanged || !n)
      continue;
    if (it->type != CTIX_IOC_URL && it->type != CTIX_IOC_DOMAIN &&
        it->type != CTIX_IOC_IPV4 && it->type != CTIX_IOC_IPV6 && it->type != CTIX_IOC_EMAIL)
      continue;
    ctix__buf_add(&b, text + cur, h->span.start - cur);
    switch (it->type) {
    case CTIX_IOC_URL:
      defang_url(&b, w, n);
      break;
    case CTIX_IOC_EMAIL:
      for (k = n; k > 0 && w[k - 1] != '@'; k--)
        ;
      if (k) {
        ctix__buf_add(&b, w, k - 1);
        ctix__buf_adds(&b, "[@]");
        defang_dots(&b, w + k, n - k);
      } else {
        ctix__buf_add(&b, w, n);
      }
      break;
    case CTIX_IOC_IPV6:
      defang_ipv6(&b, w, n);
      break;
    default:
      defang_dots(&b, w, n);
      break;
    }
    cur = h->span.end;
  }
  ctix__buf_add(&b, text + cur, len - cur);
  ctix_ioc_list_free(list);
  if (b.err) {
    rc = b.err;
    ctix__buf_free(&b);
    return ctix__error_set(err, rc, "defang: out of memory");
  }
  *out = ctix__buf_detach(&b, outlen);
  if (!*out)
    return ctix__error_set(err, CTIX_ENOMEM, "defang: out of memory");
  return 0;
}
