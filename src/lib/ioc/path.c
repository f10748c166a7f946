/*
 * File-system and registry observables: registry keys (every hive name and
 * alias, the "<HKCU>", "HKLM:\", "Registry::" and native "\REGISTRY\MACHINE"
 * forms, keys with spaces such as "...\Windows NT\CurrentVersion" or
 * "Terminal Server Client"), Windows paths (drive, UNC, "\\?\" and "\\.\"
 * device paths, "%ENV%\" and "$env:" roots, rooted "\a\b" and relative
 * ".\" "..\" ones), POSIX paths (absolute, "~/", "./", "../", "$HOME/") and
 * file names recognised by their extension.
 *
 * Names with spaces are read with two rules (tables below): a run of words
 * glued to a following separator continues the name ("File System/HFS",
 * "foo bar\baz"); after the last separator, words that start with a capital
 * and are not function words continue it ("Shell Folders", "Image File
 * Execution Options") while lower-case prose ends it ("... on the box").
 * Inside quotes the whole quoted text is taken. Nothing crosses a line end.
 *
 * The extension table (ctix__ioc_ext_kind) is data; which extensions are
 * top-level domains too ("py", "zip", "mov") comes from the public-suffix
 * list: such names are file names only when the context says so
 * (ctix__ioc_filename_likely), which the domain recognizer asks as well.
 */
#include <pthread.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ioc/scan.h"
#include "util/str.h"

#include "ioc_actor_file_after.h"
#include "ioc_actor_file_renames.h"
#include "ioc_actor_file_skips.h"
#include "ioc_actor_file_stops.h"
#include "ioc_actor_file_vetoes.h"
#include "ioc_ad_domain_words.h"
#include "ioc_actor_file_words.h"

#define PATH_MAX_LEN 2048u  /* longest path or key taken */
#define QUOTE_SPAN 512u     /* how far a closing quote is looked for */
#define SPACE_WORDS 4u      /* words of one name part with spaces */
#define ROOT_TRIES 8u       /* positions inside a token tried as a root */
#define CONTEXT_WORDS 4u    /* words looked at before a file name */
#define NEXT_CONTEXT_WORDS 3u /* and after it */

/* ------------------------------------------------------------ tables */

enum {
  X = CTIX__EXT_EXECUTABLE,
  S = CTIX__EXT_SCRIPT,
  D = CTIX__EXT_DOCUMENT,
  A = CTIX__EXT_ARCHIVE,
  O = CTIX__EXT_OTHER
};

/* A file extension and its kind. Whether it is also a top-level domain
 * ("py", "zip", "mov") is asked of the public-suffix list once
 * (ctix__ioc_is_tld, net.c) when the index below is built. */
typedef struct ext_entry {
  const char *ext;
  unsigned char kind;
} ext_entry;

static const ext_entry exts[] = {
    {"7z", A}, {"a3x", S}, {"ace", A}, {"ahk", S}, {"apk", X}, {"app", X}, {"applescript", S},
    {"appx", X}, {"appxbundle", X}, {"arj", A}, {"ashx", S}, {"asmx", S}, {"asp", S},
    {"aspx", S}, {"au3", S}, {"avi", O}, {"bak", O}, {"bash", S}, {"bat", S}, {"bin", O},
    {"bmp", O}, {"bz2", A}, {"cab", A}, {"cer", O}, {"cfg", O}, {"cgi", S}, {"chm", D},
    {"class", X}, {"cmd", S}, {"conf", O}, {"config", O}, {"cpio", A}, {"cpl", X}, {"crt", O},
    {"csv", O}, {"dat", O}, {"db", O}, {"deb", A}, {"der", O}, {"desktop", S}, {"dll", X},
    {"dmg", A}, {"dmp", O}, {"doc", D}, {"docm", D}, {"docx", D}, {"dot", D}, {"dotm", D},
    {"dotx", D}, {"drv", X}, {"dylib", X}, {"efi", X}, {"elf", X}, {"eml", D}, {"etl", O},
    {"evtx", O}, {"exe", X}, {"gadget", X}, {"gif", O}, {"gz", A}, {"hta", S}, {"htm", D},
    {"html", D}, {"ico", O}, {"img", A}, {"inf", S}, {"ini", O}, {"ipa", X}, {"iqy", D},
    {"iso", A}, {"jar", X}, {"jpeg", O}, {"jpg", O}, {"js", S}, {"jse", S}, {"json", O},
    {"jsp", S}, {"jspx", S}, {"key", O}, {"ko", X}, {"ksh", S}, {"lha", A}, {"lnk", X},
    {"log", O}, {"lua", S}, {"lz", A}, {"lzh", A}, {"md", O}, {"mht", D}, {"mhtml", D},
    {"mjs", S}, {"mkv", O}, {"mov", O}, {"mp3", O}, {"mp4", O}, {"msc", X}, {"msg", D},
    {"msi", X}, {"msix", X}, {"msixbundle", X}, {"msp", X}, {"ocx", X}, {"odp", D}, {"ods", D},
    {"odt", D}, {"one", D}, {"onepkg", D}, {"oxps", D}, {"p12", O}, {"pcap", O}, {"pcapng", O},
    {"pdb", O}, {"pdf", D}, {"pem", O}, {"pfx", O}, {"php", S}, {"phtml", S}, {"pif", X},
    {"pkg", X}, {"pl", S}, {"pm", S}, {"png", O}, {"pot", D}, {"potm", D}, {"ppam", D},
    {"pps", D}, {"ppsm", D}, {"ppsx", D}, {"ppt", D}, {"pptm", D}, {"pptx", D}, {"ps", O},
    {"ps1", S}, {"psd1", S}, {"psm1", S}, {"pub", D}, {"py", S}, {"pyc", S}, {"pyw", S},
    {"r00", A}, {"r01", A}, {"rar", A}, {"rb", S}, {"reg", S}, {"rpm", A}, {"rs", O},
    {"rtf", D}, {"scf", S}, {"scpt", S}, {"scr", X}, {"sct", S}, {"sh", S}, {"slk", D},
    {"so", X}, {"sql", O}, {"sqlite", O}, {"svg", D}, {"sys", X}, {"tar", A}, {"tgz", A},
    {"tif", O}, {"tiff", O}, {"tmp", O}, {"txt", O}, {"url", S}, {"uue", A}, {"vba", S},
    {"vbe", S}, {"vbs", S}, {"vhd", A}, {"vhdx", A}, {"vmdk", A}, {"wav", O}, {"webp", O},
    {"wim", A}, {"wll", X}, {"wri", D}, {"ws", S}, {"wsc", S}, {"wsf", S}, {"wsh", S},
    {"xar", A}, {"xhtml", D}, {"xla", D}, {"xlam", D}, {"xll", X}, {"xls", D}, {"xlsb", D},
    {"xlsm", D}, {"xlsx", D}, {"xlt", D}, {"xltm", D}, {"xltx", D}, {"xml", O}, {"xps", D},
    {"xz", A}, {"yaml", O}, {"yml", O}, {"zip", A}, {"zsh", S}, {"zst", A},
};

/* Registry hive names and aliases (compared ignoring case). */
static const char *const hives[] = {
    "HKCC", "HKCR", "HKCU", "HKDD", "HKEY_CLASSES_ROOT", "HKEY_CURRENT_CONFIG",
    "HKEY_CURRENT_USER", "HKEY_CURRENT_USER_LOCAL_SETTINGS", "HKEY_DYN_DATA",
    "HKEY_LOCAL_MACHINE", "HKEY_PERFORMANCE_DATA", "HKEY_PERFORMANCE_NLSTEXT",
    "HKEY_PERFORMANCE_TEXT", "HKEY_USERS", "HKLM", "HKPD", "HKU",
};

/* Roots of the native registry namespace after "\REGISTRY\". */
static const char *const native_roots[] = {"A", "MACHINE", "USER", "WC"};

/* Top-level directories that make a one-segment POSIX path ("/tmp"). */
static const char *const posix_top[] = {
    "Applications", "Library", "System", "Users", "Volumes", "bin",  "boot", "dev",
    "etc",          "home",    "lib",    "lib64", "media",  "mnt",  "opt",  "private",
    "proc",         "root",    "run",    "sbin",  "srv",    "sys",  "tmp",  "usr",
    "var",
};

/* Function words that never belong to a name with spaces, sorted. */
static const char *const glue_words[] = {
    "a",  "an",  "and", "are",  "as",   "at", "by", "for", "from", "in", "into",
    "is", "of",  "on",  "or",   "the",  "then", "to", "via", "was", "with",
};

/* Words that end a name even when capitalised ("...\Run Key", "C:\Temp The
 * ..."), sorted. */
static const char *const stop_words[] = {
    "a", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "before",
    "both", "but", "by", "can", "for", "from", "had", "has", "have", "he", "hive", "i",
    "if", "in", "into", "is", "it", "its", "key", "keys", "may", "no", "not", "of", "on",
    "or", "other", "registry", "see", "she", "so", "subkey", "subkeys", "such", "that",
    "the", "then", "these", "they", "this", "those", "to", "under", "value", "values",
    "via", "was", "we", "when", "where", "which", "while", "will", "with", "you",
};

/* Words that, before or after a name such as "abc.py", say it is a file
 * (or a script or tool run as one), sorted. */
static const char *const file_words[] = {
    "archive",   "archives",  "attached",   "attachment", "attachments", "binaries",
    "binary",    "called",    "commands",   "compressed", "copied",      "copies",
    "created",   "creates",   "document",   "documents",  "download",    "downloaded",
    "downloads", "drop",      "dropped",    "dropper",    "drops",       "executable",
    "executables", "execute", "executed",   "executes",   "executing",   "extracted",
    "extracts",  "file",      "filename",   "files",      "installer",   "invoked",
    "invokes",   "launched",  "launches",   "libraries",  "library",     "loaded",
    "loader",    "loads",     "macro",      "module",     "modules",     "named",
    "opened",    "opens",     "package",    "payload",    "payloads",    "ran",
    "renamed",   "sample",    "samples",    "saved",      "saves",       "script",
    "scripts",   "tool",      "tools",      "utilities",  "utility",     "wrote",
    "writes",    "written",   "zipped",
};

/* Words that say a name is a host, sorted. ("from" is decided apart.) */
static const char *const net_words[] = {
    "beacon",  "beacons",  "cnc",     "connect", "connected", "connects", "contact",
    "contacted", "contacts", "dns",   "domain",  "domains",   "host",     "hosted",
    "hostname", "hosts",   "http",    "https",   "link",      "links",    "registered",
    "resolve", "resolved", "resolves", "server", "servers",   "site",     "sites",
    "url",     "urls",     "visit",   "visited", "visiting",  "website",  "websites",
    "www",
};

/* Words after "domain" that make it a Windows domain, not a host name
 * ("domain controllers", "domain admins"): ad_domain_words[] of
 * ioc_ad_domain_words.h, from data/ioc/ad-domain-words.txt. */

/* Words before "from" that make what follows a file ("extracted from"). */
static const char *const from_file_words[] = {
    "decompressed", "extracted", "extracts", "inside", "unpacked", "unzipped", "within",
};

/* Names ending in a script extension that are products, not files. */
static const char *const not_files[] = {
    "angular.js", "backbone.js", "chart.js", "d3.js",    "ember.js", "express.js",
    "next.js",    "node.js",     "nuxt.js",  "react.js", "three.js", "vue.js",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ helpers */

/*
 * The lengths of the words of a word table by their first letter (bit n:
 * a word of n bytes; index: the letter's low five bits), built once with
 * the other tables: a word whose first letter and length match no entry
 * is not looked for. One per table passed to word_in (WORDS()).
 */
typedef uint32_t word_lens[32];
static word_lens glue_words_lens, stop_words_lens, file_words_lens, net_words_lens,
    from_file_words_lens, ad_domain_words_lens, actor_file_words_lens, actor_file_after_lens,
    actor_file_stops_lens, actor_file_renames_lens, actor_file_skips_lens, actor_file_vetoes_lens;
#define WORDS(tab) tab, COUNT(tab), tab##_lens
static void tables_init(void);

/* Fills the length filter of the word table tab[0..count). */
static void build_word_lens(word_lens lens, const char *const *tab, size_t count)
{
  size_t i, n;
  for (i = 0; i < count; i++)
    if ((n = strlen(tab[i])) > 0 && n < 32)
      lens[(unsigned char)tab[i][0] & 31u] |= (uint32_t)1 << n;
}

/* Binary search of s[0..n) (any case) in a sorted table of lower-case
 * words, after the length filter `lens` of the table. */
static bool word_in(const char *const *tab, size_t count, const word_lens lens, const char *s,
                    size_t n)
{
  size_t lo = 0, hi = count;
  char low[24];
  size_t i;
  if (n == 0 || n >= sizeof(low))
    return false;
  tables_init();
  if (!((lens[(unsigned)ctix__lower((unsigned char)s[0]) & 31u] >> n) & 1))
    return false;
  for (i = 0; i < n; i++)
    low[i] = (char)ctix__lower((unsigned char)s[i]);
  low[n] = '\0';
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = (unsigned char)low[0] - (unsigned char)tab[mid][0];
    if (c == 0)
      c = strcmp(low, tab[mid]);
    if (c == 0)
      return true;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return false;
}

/* Linear search, ignoring case, in a small unsorted table. */
static bool name_in(const char *const *tab, size_t count, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < count; i++)
    if (ctix__mem_ieq(s, n, tab[i]))
      return true;
  return false;
}

/*
 * Derived lookup tables, built once (pthread_once): an open-addressing
 * index of `exts` by a hash of the lower-case extension, and the byte
 * classes that end a path or key run.
 */
#define EXT_SLOTS 512u /* power of two, > 2 x COUNT(exts) */
enum { B_STOP = 1, B_STOP_POSIX = 2, B_NONHOST = 4, B_ROOTPOS = 8, B_HIGH = 16 /* >= 0x80 */ };
static uint16_t ext_slots[EXT_SLOTS]; /* entry index + 1; 0 = empty */
/* The key (ext_key) of each entry: a probe compares it alone. */
typedef struct ext_packed {
  uint64_t lo, hi;
} ext_packed;
static ext_packed ext_keys[COUNT(exts)];
static bool ext_tld[COUNT(exts)];     /* the extension is also a TLD */
static unsigned char byte_class[256];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

/* The lower case of each ASCII letter and digit, 0 for any other byte
 * (no extension holds one). */
static unsigned char ext_low[256];

/* The longest extension a key holds (the table's longest is shorter). */
#define EXT_KEY_MAX 15

/*
 * The key of the extension ext[0..n) (any case) and its slot hash: its
 * lower-case bytes packed into 16 bytes (zero padding), so an entry is
 * found by two compares. False when n is 0 or above EXT_KEY_MAX or a byte
 * is not an ASCII letter or digit (no extension holds one). The one
 * definition used both to build the index and to look an extension up
 * (reads ext_low: after tables_init()).
 */
static inline bool ext_key(const char *ext, size_t n, ext_packed *k, uint32_t *hash)
{
  const unsigned char *e = (const unsigned char *)ext;
  uint64_t lo = 0, hi = 0, c;
  size_t i;
  if (n == 0 || n > EXT_KEY_MAX)
    return false;
  for (i = 0; i < n && i < 8; i++) {
    if (!(c = ext_low[e[i]]))
      return false;
    lo |= c << (8 * i);
  }
  for (; i < n; i++) {
    if (!(c = ext_low[e[i]]))
      return false;
    hi |= c << (8 * (i - 8));
  }
  k->lo = lo;
  k->hi = hi;
  *hash = (uint32_t)((lo * 0x9E3779B97F4A7C15ull ^ hi * 0xC2B2AE3D27D4EB4Full) >> 40);
  return true;
}

/* The ASCII bytes above ' ' that end a path or key run (B_STOP); a POSIX
 * path also ends at '?' and '#' (B_STOP_POSIX). */
static const char run_stops[] = "\"`|,;='<>";

static void build_tables(void)
{
  size_t i;
  const char *stops = run_stops;
  /* bytes a file name may hold but a host name may not */
  static const char nonhost[] = "()[]{}!#$&+=,~'";
  /* bytes after which a path or key may start inside a token */
  static const char rootpos[] = "=:([{,;\"'<>`";
  for (i = 0; i < 256; i++)
    ext_low[i] = ctix__isalnum((int)i) ? (unsigned char)ctix__lower((int)i) : 0;
  for (i = 0; i < COUNT(exts); i++) {
    uint32_t j;
    /* every entry is lower-case letters and digits, at most EXT_KEY_MAX
     * of them (test_ioc_path looks some up in any case); one that were
     * not could never be found, and is left out of the index */
    if (!ext_key(exts[i].ext, strlen(exts[i].ext), &ext_keys[i], &j))
      continue;
    j &= EXT_SLOTS - 1;
    while (ext_slots[j])
      j = (j + 1) & (EXT_SLOTS - 1);
    ext_slots[j] = (uint16_t)(i + 1);
    ext_tld[i] = ctix__ioc_is_tld(exts[i].ext, strlen(exts[i].ext));
  }
  for (i = 0; i <= ' '; i++)
    byte_class[i] = B_STOP | B_STOP_POSIX;
  for (i = 0x80; i < 256; i++)
    byte_class[i] = B_HIGH;
  byte_class[0x7f] = B_STOP | B_STOP_POSIX;
  for (i = 0; stops[i]; i++)
    byte_class[(unsigned char)stops[i]] = B_STOP | B_STOP_POSIX;
  byte_class['?'] = B_STOP_POSIX;
  byte_class['#'] = B_STOP_POSIX;
  for (i = 0; nonhost[i]; i++)
    byte_class[(unsigned char)nonhost[i]] |= B_NONHOST;
  for (i = 0; rootpos[i]; i++)
    byte_class[(unsigned char)rootpos[i]] |= B_ROOTPOS;
  build_word_lens(glue_words_lens, glue_words, COUNT(glue_words));
  build_word_lens(stop_words_lens, stop_words, COUNT(stop_words));
  build_word_lens(ad_domain_words_lens, ad_domain_words, COUNT(ad_domain_words));
  build_word_lens(actor_file_words_lens, actor_file_words, COUNT(actor_file_words));
  build_word_lens(actor_file_after_lens, actor_file_after, COUNT(actor_file_after));
  build_word_lens(actor_file_stops_lens, actor_file_stops, COUNT(actor_file_stops));
  build_word_lens(actor_file_renames_lens, actor_file_renames, COUNT(actor_file_renames));
  build_word_lens(actor_file_skips_lens, actor_file_skips, COUNT(actor_file_skips));
  build_word_lens(actor_file_vetoes_lens, actor_file_vetoes, COUNT(actor_file_vetoes));
  build_word_lens(file_words_lens, file_words, COUNT(file_words));
  build_word_lens(net_words_lens, net_words, COUNT(net_words));
  build_word_lens(from_file_words_lens, from_file_words, COUNT(from_file_words));
}

static void tables_init(void)
{
  (void)pthread_once(&tables_once, build_tables);
}

/* The extension-table entry of ext[0..n) (any case), or NULL. */
static const ext_entry *ext_find(const char *ext, size_t n)
{
  ext_packed k;
  uint32_t j;
  tables_init();
  if (!ext_key(ext, n, &k, &j))
    return NULL;
  for (j &= EXT_SLOTS - 1; ext_slots[j]; j = (j + 1) & (EXT_SLOTS - 1)) {
    const ext_packed *e = &ext_keys[ext_slots[j] - 1];
    if (e->lo == k.lo && e->hi == k.hi)
      return &exts[ext_slots[j] - 1];
  }
  return NULL;
}

ctix__ext_kind ctix__ioc_ext_kind(const char *ext, size_t n)
{
  const ext_entry *e = ext_find(ext, n);
  return e ? (ctix__ext_kind)e->kind : CTIX__EXT_NONE;
}

/* Length of a typographic quote (‘ ’ ‚ ‛ “ ” « ») at t[i], else 0. */
static size_t uquote_at(const char *t, size_t len, size_t i)
{
  const unsigned char *u = (const unsigned char *)t;
  if (i + 2 < len && u[i] == 0xE2 && u[i + 1] == 0x80 &&
      u[i + 2] >= 0x98 && u[i + 2] <= 0x9D)
    return 3;
  if (i + 1 < len && u[i] == 0xC2 && (u[i + 1] == 0xAB || u[i + 1] == 0xBB))
    return 2;
  return 0;
}

/* Quote families: the opener found just before a position. */
enum { Q_NONE = 0, Q_DOUBLE, Q_SINGLE, Q_BACK, Q_GUILLEMET };

/* The quote that ends just before position i, if any. */
static int quote_before(const char *t, size_t i)
{
  const unsigned char *u = (const unsigned char *)t;
  if (i >= 1) {
    if (t[i - 1] == '"')
      return Q_DOUBLE;
    if (t[i - 1] == '\'')
      return Q_SINGLE;
    if (t[i - 1] == '`')
      return Q_BACK;
  }
  if (i >= 3 && u[i - 3] == 0xE2 && u[i - 2] == 0x80) {
    if (u[i - 1] == 0x9C)
      return Q_DOUBLE;
    if (u[i - 1] == 0x98)
      return Q_SINGLE;
  }
  if (i >= 2 && u[i - 2] == 0xC2 && u[i - 1] == 0xAB)
    return Q_GUILLEMET;
  return Q_NONE;
}

/* True if a quote closing family `q` starts at t[i]. */
static bool quote_closes(const char *t, size_t len, size_t i, int q)
{
  const unsigned char *u = (const unsigned char *)t;
  switch (q) {
  case Q_DOUBLE:
    return t[i] == '"' || (uquote_at(t, len, i) == 3 && u[i + 2] == 0x9D);
  case Q_SINGLE:
    return t[i] == '\'' || (uquote_at(t, len, i) == 3 && u[i + 2] == 0x99);
  case Q_BACK:
    return t[i] == '`';
  case Q_GUILLEMET:
    return uquote_at(t, len, i) == 2 && u[i + 1] == 0xBB;
  default:
    return false;
  }
}

/*
 * The position of the quote closing family `q` on the same line at or after
 * `from` (within QUOTE_SPAN bytes), or 0 if there is none.
 */
static size_t closing_quote(const char *t, size_t len, size_t from, int q)
{
  size_t i, lim = from + QUOTE_SPAN < len ? from + QUOTE_SPAN : len;
  for (i = from; i < lim; i++) {
    if ((unsigned char)t[i] < ' ' || t[i] == 0x7f)
      return 0;
    if (quote_closes(t, len, i, q))
      return i;
  }
  return 0;
}

/* Bytes that end a path or key run: white space, control bytes, quotes,
 * shell and list punctuation; '?' and '#' too in POSIX paths. */
static bool is_stop(const char *t, size_t len, size_t i, bool posix)
{
  unsigned char c = (unsigned char)t[i];
  if (byte_class[c] & (posix ? B_STOP_POSIX : B_STOP))
    return true;
  return c >= 0x80 && uquote_at(t, len, i) != 0;
}

static bool is_sentence_punct(char c)
{
  return c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?';
}

/* True if t[a..b) names a registry hive (optionally in angle brackets). */
static bool is_hive(const char *t, size_t a, size_t b)
{
  if (b - a >= 2 && t[a] == '<' && t[b - 1] == '>') {
    a++;
    b--;
  }
  if (b - a < 3 || ctix__lower((unsigned char)t[a]) != 'h')
    return false;
  return name_in(hives, COUNT(hives), t + a, b - a);
}

/*
 * True if the word t[a..b) (followed by a separator) starts a new path or
 * key rather than continuing the current one: a drive "C:", a hive, an
 * "%ENV%" or "$env:" root, "~", ".", "..".
 */
static bool starts_new_root(const char *t, size_t a, size_t b)
{
  size_t i;
  if (b == a)
    return true;
  if (t[a] == '%' || t[a] == '$' || t[a] == '~' || t[a] == '.')
    return true;
  for (i = a; i < b; i++)
    if (t[i] == ':')
      return true;
  return is_hive(t, a, b);
}

/* ------------------------------------------------------------ walking */

/* How a path or key is read. */
typedef struct walk_style {
  char sep;      /* segment separator */
  bool posix;    /* '?' and '#' end the name */
  bool registry; /* a key: no file extension rule */
} walk_style;

/* The end of a "<placeholder>" starting at t[i] ("<USER SID>"), or 0. */
static size_t placeholder_end(const char *t, size_t len, size_t i)
{
  size_t k, lim = i + 64 < len ? i + 64 : len;
  for (k = i + 1; k < lim; k++) {
    unsigned char c = (unsigned char)t[k];
    if (c == '>')
      return k > i + 1 ? k + 1 : 0;
    if (c == '<' || c < ' ' || c == 0x7f || c == '"')
      return 0;
  }
  return 0;
}

#if defined(__SSE2__)
/* A bit per byte of t[0..16) that byte_class marks B_HIGH or, by `posix`,
 * B_STOP_POSIX or B_STOP: a control byte, space, DEL, a byte of
 * run_stops, '?' and '#' for a POSIX path, a byte above ASCII. */
static unsigned run_special16(const char *t, bool posix)
{
  __m128i v = _mm_loadu_si128((const __m128i *)(const void *)t);
  /* signed: bytes above ASCII are below '!' too */
  __m128i m = _mm_or_si128(_mm_cmplt_epi8(v, _mm_set1_epi8('!')),
                           _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)));
  size_t k;
  for (k = 0; k < sizeof(run_stops) - 1; k++)
    m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8(run_stops[k])));
  if (posix)
    m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')),
                                     _mm_cmpeq_epi8(v, _mm_set1_epi8('#'))));
  return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The end of the run of name bytes and separators starting at `pos`. */
static size_t run_end(const char *t, size_t len, size_t pos, size_t lim,
                      const walk_style *st)
{
  /* a byte of none of these classes (an ASCII name byte or a separator)
   * goes on without the tests below; sixteen at a time with SSE2 (not
   * when the tests compare the byte loop alone, ctix__ioc_force_scalar) */
  const unsigned special = (st->posix ? B_STOP_POSIX : B_STOP) | B_HIGH;
#if defined(__SSE2__)
  const bool vec = !ctix__ioc_force_scalar;
#endif
  while (pos < lim) {
    char c;
#if defined(__SSE2__)
    if (vec && pos + 16 <= lim) {
      unsigned m = run_special16(t + pos, st->posix);
      if (!m) {
        pos += 16;
        continue;
      }
      pos += (size_t)__builtin_ctz(m);
    }
#endif
    c = t[pos];
    if (!(byte_class[(unsigned char)c] & special)) {
      pos++;
      continue;
    }
    if (c == st->sep) {
      pos++;
      continue;
    }
    if (c == '<' && pos > 0 && t[pos - 1] == st->sep) {
      size_t q = placeholder_end(t, len, pos);
      if (!q)
        break;
      pos = q;
      continue;
    }
    if (is_stop(t, len, pos, st->posix))
      break;
    pos++;
  }
  return pos;
}

/* The word starting at `w`: up to white space, a separator or a stop byte. */
static size_t word_end(const char *t, size_t len, size_t w, size_t lim, const walk_style *st)
{
  while (w < lim && t[w] != st->sep && !is_stop(t, len, w, st->posix))
    w++;
  return w;
}

/* Letter case of a word's first byte: 'l'ower, 'u'pper (or digit), or 0
 * for a neutral start such as "(x86)". */
static char word_case(unsigned char c)
{
  if (ctix__islower(c))
    return 'l';
  if (ctix__isupper(c) || ctix__isdigit(c))
    return 'u';
  return 0;
}

/* True if t[a..b) has a letter (or a non-ASCII byte). */
static bool has_letter(const char *t, size_t a, size_t b)
{
  for (; a < b; a++)
    if (ctix__isalpha((unsigned char)t[a]) || (unsigned char)t[a] >= 0x80)
      return true;
  return false;
}

/* True if the segment t[a..b) ends in a known file extension ("x.exe"). */
static bool ends_in_ext(const char *t, size_t a, size_t b)
{
  size_t k = b;
  while (k > a && t[k - 1] != '.')
    k--;
  return k > a + 1 && k < b && ext_find(t + k, b - k) != NULL;
}

/*
 * Continuation across spaces inside a name: `q` is a space after a run
 * whose last segment starts at `seg`. If one to SPACE_WORDS words follow,
 * the last glued to a separator ("Windows NT"), returns the position of
 * that separator, else 0. The words must read as one name: no file name
 * before them, function words only inside capitalised names ("Documents
 * and Settings", not "Temp and then\"), one letter case for the first letters ("Terminal Server
 * Client", "foo bar", not "run mutex Global"), and letters in each word
 * (not an address "7.208.128.221/24").
 */
static size_t glued_continuation(const char *t, size_t len, size_t seg, size_t q, size_t lim,
                                 const walk_style *st)
{
  unsigned n;
  char kase = seg < q ? word_case((unsigned char)t[seg]) : 0;
  bool glue_last = false;
  if (seg >= q || ends_in_ext(t, seg, q))
    return 0;
  for (n = 0; n < SPACE_WORDS; n++) {
    size_t w = q + 1, x;
    char c;
    if (q >= lim || t[q] != ' ' || w >= lim)
      return 0;
    x = word_end(t, len, w, lim, st);
    if (x == w || is_sentence_punct(t[x - 1]))
      return 0;
    glue_last = word_in(WORDS(glue_words), t + w, x - w);
    if (glue_last) {
      if (kase != 'u')
        return 0; /* only between capitalised words: "Documents and Settings" */
    } else {
      c = word_case((unsigned char)t[w]);
      if (c && kase && c != kase)
        return 0;
      if (c)
        kase = c;
      if (!has_letter(t, w, x) && (memchr(t + w, '.', x - w) || memchr(t + w, ':', x - w)))
        return 0;
    }
    if (x < lim && t[x] == st->sep)
      return glue_last || starts_new_root(t, w, x) ? 0 : x;
    q = x;
  }
  return 0;
}

/* True if a word may continue the last part of a name: a capital (or a
 * "(x86)"-style group) first, then letters, digits and - _ . ( ) &. */
static bool capital_word(const char *t, size_t w, size_t x)
{
  size_t i;
  unsigned char c = (unsigned char)t[w];
  if (!(ctix__isupper(c) || (c == '(' && x - w >= 3 && ctix__isalnum((unsigned char)t[w + 1]))))
    return false;
  for (i = w; i < x; i++) {
    unsigned char k = (unsigned char)t[i];
    if (!(ctix__isalnum(k) || k == '-' || k == '_' || k == '.' || k == '(' || k == ')' ||
          k == '&'))
      return false;
  }
  if (x - w > 4 && ctix__mem_istarts(t + w, x - w, "REG_"))
    return false;
  if (c != '(') {
    /* a name, not an identifier such as "T1547.001", "AS4266", "CVE-..." */
    unsigned letters = 0, digits = 0;
    for (i = w; i < x; i++) {
      letters += ctix__isalpha((unsigned char)t[i]);
      digits += ctix__isdigit((unsigned char)t[i]);
    }
    if (letters < 2 || digits > letters)
      return false;
  }
  return !word_in(WORDS(stop_words), t + w, x - w);
}

/*
 * Continuation of the last part of a name over capitalised words
 * ("\Shell Folders", "\Image File Execution Options"): `q` is the space
 * after the run. Returns the new end (q when nothing continues).
 */
static size_t capital_continuation(const char *t, size_t len, size_t q, size_t lim,
                                   const walk_style *st)
{
  size_t end = q;
  unsigned n;
  for (n = 0; n < SPACE_WORDS; n++) {
    size_t w = q + 1, x, core;
    if (q >= lim || t[q] != ' ' || w >= lim)
      break;
    x = w;
    while (x < lim && !ctix__isspace((unsigned char)t[x]) && !is_stop(t, len, x, st->posix))
      x++;
    core = x;
    while (core > w && is_sentence_punct(t[core - 1]))
      core--;
    if (core == w || !capital_word(t, w, core))
      break;
    end = core;
    if (core != x || (x < lim && t[x] != ' '))
      break;
    q = x;
  }
  return end;
}

/* True if the last segment of t[a..e) has a file extension ("x.exe"). */
static bool last_has_ext(const char *t, size_t a, size_t e, char sep)
{
  size_t i = e;
  while (i > a && t[i - 1] != sep) {
    if (t[i - 1] == '.')
      return i < e && i - 1 > a && t[i - 2] != sep;
    i--;
  }
  return false;
}

/* Drops trailing sentence punctuation and unbalanced closing brackets. */
static size_t trim_end(const char *t, size_t a, size_t e)
{
  while (e > a) {
    char c = t[e - 1];
    if (is_sentence_punct(c)) {
      e--;
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      char o = c == ')' ? '(' : c == ']' ? '[' : '{';
      int depth = 0;
      size_t k;
      for (k = a; k < e; k++)
        depth += t[k] == o ? 1 : t[k] == c ? -1 : 0;
      if (depth < 0) {
        e--;
        continue;
      }
    }
    break;
  }
  return e;
}

/*
 * True if the quoted text t[e..c) after a path's own run still reads as
 * part of its last name ("C:\My Files\a b.txt"), not as a command line:
 * no separator (the walk already declined to continue over it), no
 * redirection or shell punctuation, no word that starts an option, a new
 * path or a drive ("rm /x 2>/dev/null", "a.exe -k C:\y").
 */
static bool quoted_rest_ok(const char *t, size_t e, size_t c, char sep)
{
  size_t k;
  for (k = e; k < c; k++) {
    char x = t[k];
    if (x == '<' || x == '>' || x == '|' || x == '&' || x == ';' || x == '`' || x == sep)
      return false;
    if (x == ' ' && k + 1 < c) {
      char y = t[k + 1];
      if (y == '-' || y == '/' || y == '\\' || y == '%' || y == '$' || y == '~')
        return false;
      if (k + 2 < c && ctix__isalpha((unsigned char)y) && t[k + 2] == ':')
        return false;
    }
  }
  return true;
}

/*
 * Reads a path or key whose name part starts at `body` (its root starts at
 * `root`), following the rules for spaces; returns its end (> body) or 0.
 */
static size_t walk(const char *t, size_t len, size_t root, size_t body, const walk_style *st)
{
  size_t lim = root + PATH_MAX_LEN < len ? root + PATH_MAX_LEN : len;
  size_t pos = body, q, e;
  int quote = quote_before(t, root);

  for (;;) {
    size_t seg;
    q = run_end(t, len, pos, lim, st);
    if (q >= lim || t[q] != ' ' || q == pos || is_sentence_punct(t[q - 1]))
      break;
    for (seg = q; seg > body && t[seg - 1] != st->sep; seg--)
      ;
    {
      size_t g = glued_continuation(t, len, seg, q, lim, st);
      if (g) {
        pos = g;
        continue;
      }
    }
    if (t[q - 1] != st->sep && (st->registry || !last_has_ext(t, body, q, st->sep)))
      q = capital_continuation(t, len, q, lim, st);
    break;
  }
  e = q;
  if (quote) {
    /* inside quotes the whole quoted text is the name (quotes stop runs,
     * so the closing one is at or after e) */
    size_t c = closing_quote(t, len, e, quote);
    if (c > body && c <= lim && quoted_rest_ok(t, e, c, st->sep))
      return c;
  }
  e = trim_end(t, body, e);
  return e > body ? e : 0;
}

/* Number of non-empty segments in t[a..e) and whether one has a letter. */
static unsigned count_segments(const char *t, size_t a, size_t e, char sep, bool *letter)
{
  unsigned n = 0;
  bool in = false;
  size_t i;
  *letter = false;
  for (i = a; i < e; i++) {
    if (t[i] == sep) {
      in = false;
      continue;
    }
    if (!in)
      n++;
    in = true;
    if (ctix__isalpha((unsigned char)t[i]) || (unsigned char)t[i] >= 0x80)
      *letter = true;
  }
  return n;
}

/* Positions inside a token where a path or key may start: its start, and
 * after '=', ':', '(' and similar ("-file:..\a", "key=HKLM\..."). Needs
 * tables_init(). */
static bool root_position(const char *t, size_t start, size_t i)
{
  unsigned char c;
  if (i == start)
    return true;
  c = (unsigned char)t[i - 1];
  if (c < 0x80)
    return (byte_class[c] & B_ROOTPOS) != 0;
  return quote_before(t, i) != Q_NONE;
}

/* Skips typographic quotes at the start of [i, end). */
static size_t skip_uquotes(const char *t, size_t len, size_t i, size_t end)
{
  size_t q;
  while (i < end && (q = uquote_at(t, len, i)) != 0)
    i += q;
  return i;
}

/* ------------------------------------------------------------ registry */

/*
 * A registry root at t[i]: "HKLM\", "<HKCU>\", "HKLM:\", "Registry::HKLM\",
 * "\REGISTRY\MACHINE\". Sets the hive bounds [*h0, *h1), the body start,
 * and *known (false for an "HK...\" name that is no hive).
 */
static bool registry_root(const char *t, size_t len, size_t i, size_t *h0, size_t *h1,
                          size_t *body, bool *known)
{
  size_t j = i, a;
  bool angle = false;
  if (j + 10 < len && ctix__mem_istarts(t + j, len - j, "\\registry\\")) {
    size_t k;
    a = j + 10;
    k = a;
    while (k < len && ctix__isalpha((unsigned char)t[k]) && k - a < 8)
      k++;
    if (!name_in(native_roots, COUNT(native_roots), t + a, k - a))
      return false;
    *h0 = i;
    *h1 = k;
    *known = true;
    if (k < len && t[k] == '\\' && k + 1 < len && !ctix__isspace((unsigned char)t[k + 1])) {
      *body = k + 1;
      return true;
    }
    return false;
  }
  if (len - j > 10 && ctix__mem_istarts(t + j, len - j, "registry::"))
    j += 10;
  if (j < len && t[j] == '<') {
    angle = true;
    j++;
  }
  a = j;
  while (j < len && (ctix__isalpha((unsigned char)t[j]) || t[j] == '_') && j - a < 40)
    j++;
  if (j - a < 3 || ctix__lower((unsigned char)t[a]) != 'h' ||
      ctix__lower((unsigned char)t[a + 1]) != 'k')
    return false;
  *h0 = a;
  *h1 = j;
  *known = name_in(hives, COUNT(hives), t + a, j - a);
  if (angle) {
    if (j >= len || t[j] != '>')
      return false;
    j++;
  }
  if (j < len && t[j] == ':')
    j++;
  if (j >= len || t[j] != '\\')
    return false;
  j++;
  if (j < len && t[j] == '\\')
    j++; /* "HKLM\\Software" as escaped in JSON or code */
  if (j >= len || t[j] == '\\' ||
      (is_stop(t, len, j, false) && !(t[j] == '<' && placeholder_end(t, len, j))))
    return false;
  if (!*known) {
    /* only an upper-case "HK..." word reads as a would-be hive */
    size_t k;
    for (k = a; k < *h1; k++)
      if (!ctix__isupper((unsigned char)t[k]) && t[k] != '_')
        return false;
  }
  *body = j;
  return true;
}

/* Builds the canonical key into out (size PATH_MAX_LEN + 1): hive as
 * written without brackets or drive colon, single separators, no trailing
 * separator. Returns its length. */
static size_t registry_value(char *out, const char *t, size_t h0, size_t h1, size_t body,
                             size_t e)
{
  size_t n = 0, i;
  for (i = h0; i < h1 && n < PATH_MAX_LEN; i++)
    out[n++] = t[i];
  if (n < PATH_MAX_LEN)
    out[n++] = '\\';
  for (i = body; i < e && n < PATH_MAX_LEN; i++) {
    if (t[i] == '\\' && n > 0 && out[n - 1] == '\\')
      continue;
    out[n++] = t[i];
  }
  while (n > 0 && out[n - 1] == '\\')
    n--;
  out[n] = '\0';
  return n;
}

int ctix__ioc_rec_registry(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  static const walk_style st = {'\\', false, true};
  const char *t = s->text;
  size_t i, from = start, tries = 0;
  char value[PATH_MAX_LEN + 1];

  if (!sh->backslashes) {
    /* "<HKCU>\SOFTWARE\...": the scanner cut at the angle brackets */
    if (!(start > 0 && t[start - 1] == '<' && end + 1 < s->len && t[end] == '>' &&
          t[end + 1] == '\\' && is_hive(t, start, end)))
      return 0;
    from = start - 1;
  }
  tables_init();
  for (i = from; i < end && tries < ROOT_TRIES; i++) {
    size_t h0, h1, body, e, vlen;
    bool known;
    if (i != from && !root_position(t, start, i))
      continue;
    i = skip_uquotes(t, s->len, i, end);
    if (i >= end)
      break;
    tries++;
    if (t[i] != '\\' && t[i] != '<' && ctix__lower((unsigned char)t[i]) != 'h' &&
        ctix__lower((unsigned char)t[i]) != 'r')
      continue;
    if (!registry_root(t, s->len, i, &h0, &h1, &body, &known))
      continue;
    e = walk(t, s->len, i, body, &st);
    if (!e)
      continue;
    vlen = registry_value(value, t, h0, h1, body, e);
    {
      int rc = ctix__ioc_emit(s, CTIX_IOC_REGISTRY_KEY, i, e, value, vlen,
                              known ? CTIX_IOC_STATUS_IOC : CTIX_IOC_STATUS_REJECTED,
                              known ? NULL : "unknown registry hive");
      if (rc < 0)
        return rc;
    }
    if (e > end)
      ctix__ioc_consume(s, e);
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------ paths */

typedef enum path_kind {
  P_NONE = 0,
  P_DRIVE,  /* C:\ or C:/ */
  P_DEVICE, /* \\?\ \\.\ */
  P_UNC,    /* \\server\share */
  P_ENV,    /* %APPDATA%\ $env:TEMP\ */
  P_REL,    /* .\ ..\ */
  P_ROOTED, /* \Windows\Temp */
  P_ABS,    /* /etc/passwd */
  P_HOME,   /* ~/ ~user/ $HOME/ */
  P_DOT     /* ./ ../ */
} path_kind;

/* A byte that may start a segment. */
static bool seg_start(unsigned char c)
{
  return ctix__isalnum(c) || c == '_' || c == '$' || c == '%' || c == '.' || c == '-' ||
         c == '~' || c == '{' || c == '(' || c == '@' || c == '*' || c >= 0x80;
}

/* True if a path body may start at t[k]: a segment byte or "<name>". */
static bool body_ok(const char *t, size_t len, size_t k)
{
  return k < len && (seg_start((unsigned char)t[k]) || (t[k] == '<' && placeholder_end(t, len, k)));
}

/* Recognises a path root at t[i]: sets the kind, the separator and the
 * body start. */
static path_kind path_root(const char *t, size_t len, size_t i, char *sep, size_t *body)
{
  size_t n = len - i, k;
  const char *p = t + i;
  if (n < 2)
    return P_NONE;
  /* C:\  C:/ */
  if (n >= 4 && ctix__isalpha((unsigned char)p[0]) && p[1] == ':' &&
      (p[2] == '\\' || p[2] == '/')) {
    *sep = p[2];
    k = 3;
    if (p[k] == p[2])
      k++; /* C:\\Windows */
    *body = i + k;
    return body_ok(t, len, i + k) ? P_DRIVE : P_NONE;
  }
  if (p[0] == '\\') {
    *sep = '\\';
    if (n >= 5 && p[1] == '\\' && (p[2] == '?' || p[2] == '.') && p[3] == '\\' &&
        seg_start((unsigned char)p[4])) {
      *body = i + 4;
      return P_DEVICE;
    }
    if (n >= 5 && p[1] == '\\') {
      for (k = 2; k < n && (ctix__isalnum((unsigned char)p[k]) || p[k] == '.' || p[k] == '-' ||
                            p[k] == '_' || p[k] == '$' || p[k] == '@');
           k++)
        ;
      if (k > 2 && k + 1 < n && p[k] == '\\' && seg_start((unsigned char)p[k + 1])) {
        *body = i + 2;
        return P_UNC;
      }
      return P_NONE;
    }
    if (seg_start((unsigned char)p[1]) && p[1] != '.') {
      *body = i + 1;
      return P_ROOTED;
    }
    return P_NONE;
  }
  /* %APPDATA%\  %ProgramFiles(x86)%\ */
  if (p[0] == '%') {
    for (k = 1; k < n && k < 40 && (ctix__isalnum((unsigned char)p[k]) || p[k] == '_' ||
                                    p[k] == '(' || p[k] == ')');
         k++)
      ;
    if (k > 1 && k + 2 < n && p[k] == '%' && (p[k + 1] == '\\' || p[k + 1] == '/') &&
        body_ok(t, len, i + k + 2)) {
      *sep = p[k + 1];
      *body = i + k + 2;
      return P_ENV;
    }
    return P_NONE;
  }
  /* $env:TEMP\  $HOME/  ${HOME}/ */
  if (p[0] == '$') {
    size_t a = 1;
    bool ps = false, brace = false;
    if (n > 5 && ctix__mem_istarts(p, n, "$env:")) {
      a = 5;
      ps = true;
    } else if (p[1] == '{') {
      a = 2;
      brace = true;
    }
    for (k = a; k < n && k < 40 && (ctix__isalnum((unsigned char)p[k]) || p[k] == '_'); k++)
      ;
    if (k == a)
      return P_NONE;
    if (brace) {
      if (k >= n || p[k] != '}')
        return P_NONE;
      k++;
    }
    if (k + 1 < n && seg_start((unsigned char)p[k + 1]) &&
        ((ps && p[k] == '\\') || (!ps && p[k] == '/'))) {
      *sep = p[k];
      *body = i + k + 1;
      return ps ? P_ENV : P_HOME;
    }
    return P_NONE;
  }
  /* ~/  ~user/ */
  if (p[0] == '~') {
    for (k = 1; k < n && k < 33 && (ctix__isalnum((unsigned char)p[k]) || p[k] == '_' ||
                                    p[k] == '-');
         k++)
      ;
    if (k + 1 < n && p[k] == '/' && seg_start((unsigned char)p[k + 1])) {
      *sep = '/';
      *body = i + k + 1;
      return P_HOME;
    }
    return P_NONE;
  }
  /* .\  ..\  ./  ../ */
  if (p[0] == '.') {
    k = p[1] == '.' ? 2 : 1;
    if (k + 1 < n && (p[k] == '\\' || p[k] == '/') && seg_start((unsigned char)p[k + 1])) {
      *sep = p[k];
      *body = i + k + 1;
      return p[k] == '\\' ? P_REL : P_DOT;
    }
    return P_NONE;
  }
  if (p[0] == '/') {
    if (seg_start((unsigned char)p[1]) && p[1] != '.' && p[1] != '-' && p[1] != '*') {
      *sep = '/';
      *body = i + 1;
      return P_ABS;
    }
    return P_NONE;
  }
  return P_NONE;
}

static bool is_hex(unsigned char c)
{
  return ctix__isdigit(c) || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

/* True if a segment reads as a string escape or a regex class ("\n",
 * "\x41", "\u00e9", "\d+", "\s*"), not a directory name. */
static bool escape_like(const char *t, size_t a, size_t b)
{
  size_t n = b - a, i;
  if (n == 0)
    return true;
  if (t[a] != '\0' && strchr("nrtvfab0dswDSWB", t[a])) {
    for (i = a + 1; i < b; i++)
      if (t[i] == '\0' || !strchr("+*?{},0123456789", t[i]))
        break;
    if (i == b)
      return true;
  }
  if ((t[a] == 'x' && n == 3) || (t[a] == 'u' && n == 5)) {
    for (i = a + 1; i < b; i++)
      if (!is_hex((unsigned char)t[i]))
        return false;
    return true;
  }
  for (i = a; i < b; i++)
    if (!ctix__isdigit((unsigned char)t[i]))
      return false;
  return true;
}

/* True if every segment of t[a..e) reads as an escape. */
static bool all_escapes(const char *t, size_t a, size_t e, char sep)
{
  size_t i = a;
  while (i < e) {
    size_t j = i;
    while (j < e && t[j] != sep)
      j++;
    if (j > i && !escape_like(t, i, j))
      return false;
    i = j + 1;
  }
  return true;
}

/* Checks the path read at [root, e) for its kind. */
static bool path_ok(path_kind kind, const char *t, size_t body, size_t e, char sep)
{
  bool letter;
  unsigned nseg = count_segments(t, body, e, sep, &letter);
  size_t k;
  for (k = body; k + 2 < e; k++)
    if (t[k] == ':' && t[k + 1] == '/' && t[k + 2] == '/')
      return false; /* a URL inside: "/url:https://host/x" */
  switch (kind) {
  case P_UNC:
    return nseg >= 2;
  case P_ROOTED:
    return nseg >= 2 && letter && !all_escapes(t, body, e, sep);
  case P_ABS:
    for (k = body; k < e && t[k] != sep; k++)
      if (t[k] == ':')
        return false; /* a command switch "/url:x/y" */
    if (nseg == 1) {
      size_t b = e;
      while (b > body && t[b - 1] == sep)
        b--;
      for (k = 0; k < COUNT(posix_top); k++)
        if (strlen(posix_top[k]) == b - body && memcmp(posix_top[k], t + body, b - body) == 0)
          return true;
      return false;
    }
    return nseg >= 2 && letter;
  default:
    return nseg >= 1;
  }
}

/*
 * Where a POSIX absolute path t[i..e) holds a second one glued after it,
 * or e: at a later separator k, the path t[k..e) is a file of the same
 * folder as the first one t[i..k) ("/opt/x/conf/LIST/opt/x/conf/LIST.tmp",
 * the two arguments of "cp X X.tmp" whose space was lost). A path that
 * only passes through folders of the same names is one path
 * ("/var/lib/docker/overlay2/3f2a/merged/var/lib/docker/.cache/kworker",
 * "/home/admin/backup/home/admin/.ssh/id_rsa"). Candidates are looked
 * for at the first two folders written again.
 */
static size_t doubled_at(const char *t, size_t i, size_t e)
{
  size_t p, k, f;
  const char *q;
  if (e - i < 8 || t[i] != '/')
    return e;
  q = memchr(t + i + 1, '/', e - i - 1);
  if (!q || q == t + i + 1)
    return e;
  q = memchr(q + 1, '/', (size_t)(t + e - q - 1));
  if (!q || q[-1] == '/')
    return e;
  p = (size_t)(q - t) + 1 - i; /* "/a/b/" */
  for (k = i + p; k + p < e; k++) {
    if (t[k] != '/' || t[k - 1] == '/' || memcmp(t + k, t + i, p) != 0)
      continue;
    for (f = k - 1; f > i && t[f] != '/'; f--)
      ; /* the first path's folder is t[i..f] */
    if (k + (f - i + 1) < e && memcmp(t + k, t + i, f - i + 1) == 0 &&
        !memchr(t + k + (f - i + 1), '/', e - k - (f - i + 1)))
      return k;
  }
  return e;
}

/* Emits the file path t[a..z) with its triage. */
static int emit_file_path(ctix__ioc_scan *s, size_t a, size_t z)
{
  ctix_ioc_status fst;
  const char *why;
  ctix__ioc_triage_file(s->text + a, z - a, &fst, &why);
  return ctix__ioc_emit(s, CTIX_IOC_FILE_PATH, a, z, s->text + a, z - a, fst, why);
}

int ctix__ioc_rec_path(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t i, tries = 0;

  if (!sh->slashes && !sh->backslashes)
    return 0;
  tables_init();
  for (i = start; i < end && tries < ROOT_TRIES; i++) {
    walk_style st;
    path_kind kind;
    size_t body, e;
    char sep = '\\';
    if (i != start && !root_position(t, start, i))
      continue;
    i = skip_uquotes(t, s->len, i, end);
    if (i >= end)
      break;
    tries++;
    kind = path_root(t, s->len, i, &sep, &body);
    if (kind == P_NONE)
      continue;
    st.sep = sep;
    st.posix = kind == P_ABS || kind == P_HOME || kind == P_DOT;
    st.registry = false;
    e = walk(t, s->len, i, body, &st);
    if (!e || !path_ok(kind, t, body, e, sep))
      continue;
    {
      size_t d = kind == P_ABS ? doubled_at(t, i, e) : e;
      int rc = emit_file_path(s, i, d);
      if (rc == 0 && d < e)
        rc = emit_file_path(s, d, e);
      if (rc < 0)
        return rc;
    }
    if (e > end)
      ctix__ioc_consume(s, e);
    return 1;
  }
  return 0;
}

/* ------------------------------------------------------------ file names */

static bool ends_sentence(char c)
{
  return c == '.' || c == '!' || c == '?';
}

/*
 * The white-space separated word before `pos` in the same sentence and
 * line, trimmed of punctuation ("File:" gives "File"). Sets [*wb, *we)
 * (empty for a word of punctuation only) and returns true if there is
 * one. `pos` is the start of the current word or a space before it.
 */
static bool prev_word(const char *t, size_t pos, size_t *wb, size_t *we, size_t *raw)
{
  size_t e, b;
  while (pos > 0 && !ctix__isspace((unsigned char)t[pos - 1]) &&
         !ctix__isalnum((unsigned char)t[pos - 1]))
    pos--; /* an opening quote or bracket of the current word */
  e = pos;
  while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t'))
    e--;
  if (e == 0 || e == pos || ctix__isspace((unsigned char)t[e - 1]) || ends_sentence(t[e - 1]))
    return false;
  b = e;
  while (b > 0 && !ctix__isspace((unsigned char)t[b - 1]) && e - b < 64)
    b--;
  *raw = b;
  *wb = b;
  *we = e;
  while (*wb < *we && !ctix__isalnum((unsigned char)t[*wb]))
    (*wb)++;
  while (*we > *wb && !ctix__isalnum((unsigned char)t[*we - 1]))
    (*we)--;
  *wb = *wb < *we ? *wb : b;
  *we = *we > *wb ? *we : *wb;
  return true;
}

/* The word after `pos` (the end of the current word), as prev_word. */
static bool next_word(const char *t, size_t len, size_t pos, size_t *wb, size_t *we)
{
  size_t b = pos, e;
  while (b < len && !ctix__isspace((unsigned char)t[b]))
    b++; /* the rest of the current word: closing quotes, commas */
  if (b > pos && ends_sentence(t[b - 1]))
    return false;
  if (b > 0 && b == pos && ends_sentence(t[b - 1]))
    return false;
  while (b < len && (t[b] == ' ' || t[b] == '\t'))
    b++;
  if (b >= len || ctix__isspace((unsigned char)t[b]))
    return false;
  e = b;
  while (e < len && !ctix__isspace((unsigned char)t[e]) && e - b < 64)
    e++;
  while (b < e && !ctix__isalnum((unsigned char)t[b]))
    b++;
  while (e > b && !ctix__isalnum((unsigned char)t[e - 1]))
    e--;
  *wb = b;
  *we = e;
  return true;
}

/* Bytes a file name may hold but a host name may not. Needs
 * tables_init(). */
static bool non_host_byte(unsigned char c)
{
  return (byte_class[c] & B_NONHOST) != 0;
}

/* True if the word just before `pos` is a capitalised possessive
 * ("Impacket's ", "Impacket’s "). */
static bool possessive_before(const char *t, size_t pos)
{
  size_t e = pos, b;
  while (e > 0 && t[e - 1] == ' ')
    e--;
  if (e == pos || e < 3 || (t[e - 1] != 's' && t[e - 1] != 'S'))
    return false;
  if (t[e - 2] == '\'')
    b = e - 2;
  else if (e >= 5 && (unsigned char)t[e - 4] == 0xe2 && (unsigned char)t[e - 3] == 0x80 &&
           (unsigned char)t[e - 2] == 0x99)
    b = e - 4;
  else
    return false;
  while (b > 0 && ctix__isalnum((unsigned char)t[b - 1]))
    b--;
  return b < e && ctix__isupper((unsigned char)t[b]) && (b == 0 || !ctix__isalnum((unsigned char)t[b - 1])) &&
         (b == 0 || ctix__isspace((unsigned char)t[b - 1]) || strchr("(\"[", t[b - 1]));
}

/* True if the word t[wb..we) says a name is a host: one of net_words,
 * but not the "domain" of an Active Directory domain ("used tool.py on
 * the domain controllers"). */
static bool net_word(const char *t, size_t len, size_t wb, size_t we)
{
  size_t b, e;
  if (!word_in(WORDS(net_words), t + wb, we - wb))
    return false;
  if (!ctix__mem_ieq(t + wb, we - wb, "domain"))
    return true;
  return !next_word(t, len, we, &b, &e) ||
         !word_in(WORDS(ad_domain_words), t + b, e - b);
}

/*
 * What the words around t[start..end) say of the name: 1 a file (a file
 * word first: "ran the script x.sh"), -1 a host (a net word first:
 * "beacons to x.sh", "resolved the domain x.sh"), 0 neither. The words
 * before it are read first, then the words after it; with `strong`, a
 * net word before it says host only when no file word follows the name
 * ("connected with this x.sh script" is a file), and a word after it only
 * when it calls the name a domain ("x.py (C2 domain ...)"; "x.py on
 * every server" names where a tool ran).
 */
static int context_words(const char *t, size_t len, size_t start, size_t end, bool strong)
{
  size_t wb, we, pos = start, raw;
  unsigned n;
  bool host = false;
  for (n = 0; n < CONTEXT_WORDS && prev_word(t, pos, &wb, &we, &raw); n++) {
    if (word_in(WORDS(file_words), t + wb, we - wb))
      return 1;
    if (net_word(t, len, wb, we)) {
      if (!strong)
        return -1;
      host = true; /* unless a file word follows the name */
      break;
    }
    if (ctix__mem_ieq(t + wb, we - wb, "from")) {
      size_t b2, e2, r2;
      return prev_word(t, raw, &b2, &e2, &r2) &&
                     word_in(WORDS(from_file_words), t + b2, e2 - b2)
                 ? 1
                 : 0;
    }
    pos = raw;
  }
  pos = end;
  for (n = 0; n < NEXT_CONTEXT_WORDS && next_word(t, len, pos, &wb, &we); n++) {
    if (word_in(WORDS(file_words), t + wb, we - wb))
      return 1;
    if (net_word(t, len, wb, we) &&
        (!strong || ctix__mem_ieq(t + wb, we - wb, "domain") ||
         ctix__mem_ieq(t + wb, we - wb, "domains")))
      return -1;
    pos = we;
  }
  return host ? -1 : 0;
}

bool ctix__ioc_context_says_host(const char *t, size_t len, size_t start, size_t end)
{
  if (end > len || start >= end)
    return false;
  tables_init();
  /* a port ("x.sh:8443") or a scheme ("tcp://x.sh") beside it */
  if (end + 1 < len && t[end] == ':' && ctix__isdigit((unsigned char)t[end + 1]))
    return true;
  if (start >= 3 && t[start - 1] == '/' && t[start - 2] == '/' && t[start - 3] == ':')
    return true;
  return context_words(t, len, start, end, true) < 0;
}

/*
 * Whether the words around t[start..end), a name whose extension `dot`
 * (index of the '.') is also a top-level domain, say it is a file.
 */
static bool context_says_file(const char *t, size_t len, size_t start, size_t end, size_t dot)
{
  size_t k;

  tables_init();
  /* a path or URL path before it, or a bigger file name ("report#2.zip") */
  if (start > 0 && t[start - 1] != '\0' && strchr("/\\#$~!&+=", t[start - 1]))
    return true;
  for (k = start; k < end; k++)
    if (non_host_byte((unsigned char)t[k]))
      return true;
  /* a double extension: "invoice.pdf.zip" */
  for (k = dot; k > start && t[k - 1] != '.'; k--)
    ;
  if (k > start) {
    const ext_entry *x = ext_find(t + k, dot - k);
    if (x && x->kind != O)
      return true;
  }
  switch (context_words(t, len, start, end, false)) {
  case 1:
    return true;
  case -1:
    return false;
  default:
    break;
  }
  /* no word decided: a script or program written as code ("`tool.py`"),
   * or named as a part of a tool ("Impacket's secretsdump.py") */
  {
    const ext_entry *x = ext_find(t + dot + 1, end - dot - 1);
    if (x && (x->kind == S || x->kind == X)) {
      if (start > 0 && t[start - 1] == '`' && end < len && t[end] == '`')
        return true;
      if (possessive_before(t, start))
        return true;
    }
  }
  return false;
}

bool ctix__ioc_filename_likely(const ctix__ioc_scan *s, size_t start, size_t end)
{
  const char *t = s->text;
  const ext_entry *x;
  size_t dot = end;
  if (end > s->len || start >= end)
    return false;
  while (dot > start && t[dot - 1] != '.')
    dot--;
  if (dot <= start + 1 || dot >= end)
    return false;
  x = ext_find(t + dot, end - dot);
  if (!x)
    return false;
  return !ext_tld[x - exts] || context_says_file(t, s->len, start, end, dot - 1);
}

static bool comma_list(const char *t, size_t a, size_t e);
static int filename_piece(ctix__ioc_scan *s, size_t a, size_t e);

int ctix__ioc_rec_filename(ctix__ioc_scan *s, size_t start, size_t end, const ctix__ioc_shape *sh)
{
  const char *t = s->text;
  size_t a, e = end, k;

  if (sh->slashes || sh->backslashes || sh->ats || !sh->dots)
    return 0;
  tables_init();
  a = skip_uquotes(t, s->len, start, end);
  /* a trailing closing quote or possessive: ’s 's ” */
  if (e - a > 2 && t[e - 2] == '\'' && (t[e - 1] == 's' || t[e - 1] == 'S'))
    e -= 2;
  else if (e - a > 4 && uquote_at(t, s->len, e - 4) == 3 && (t[e - 1] == 's'))
    e -= 4;
  while (e > a + 3 && uquote_at(t, s->len, e - 3) == 3)
    e -= 3;
  if (e <= a)
    return 0;
  for (k = a; k < e; k++) {
    unsigned char c = (unsigned char)t[k];
    if (!ctix__isalnum(c) && c < 0x80 && c != '.' && c != '_' && c != '-' && !non_host_byte(c))
      return 0;
  }
  if (comma_list(t, a, e)) {
    /* "a.exe,b.dll" or "e.g.,.exe,.dll": each piece on its own */
    int claimed = 0;
    size_t p = a;
    while (p < e) {
      size_t q = p;
      while (q < e && t[q] != ',')
        q++;
      if (q > p) {
        int rc = filename_piece(s, p, q);
        if (rc < 0)
          return rc;
        claimed |= rc;
      }
      p = q + 1;
    }
    return claimed;
  }
  return filename_piece(s, a, e);
}

/*
 * True if t[a..e) is a comma-separated list rather than one name with a
 * comma in it: some piece after a comma is a bare extension (".dll") or
 * every piece ends in a known extension.
 */
static bool comma_list(const char *t, size_t a, size_t e)
{
  size_t p = a, pieces = 0, named = 0;
  if (!memchr(t + a, ',', e - a))
    return false;
  while (p <= e) {
    size_t q = p;
    while (q < e && t[q] != ',')
      q++;
    if (p > a && q > p && t[p] == '.')
      return true;
    pieces++;
    named += ends_in_ext(t, p, q);
    p = q + 1;
  }
  return pieces > 1 && named == pieces;
}

/* True if a hash (32, 40 or 64 hex digits, alone) lies in the sentence
 * of t[a..e) on its line, within 160 bytes of it and with no double quote
 * between ("| sort.exe | 5f4dcc3b5aa7... |"; not a sample's hash before
 * a quoted command line, "hash1 = "..." strings: $x1 = "cmd.exe /c"). */
static bool hash_beside(const char *t, size_t len, size_t a, size_t e)
{
  size_t lo = a > 160 ? a - 160 : 0, hi = e + 160 < len ? e + 160 : len, k, r;
  for (k = a; k > lo && t[k - 1] != '\n' && t[k - 1] != '"' &&
              !(k >= 2 && ends_sentence(t[k - 2]) && ctix__isspace((unsigned char)t[k - 1]));
       k--)
    ;
  lo = k;
  for (k = e; k < hi && t[k] != '\n' && t[k] != '"' &&
              !(ends_sentence(t[k]) && (k + 1 >= len || ctix__isspace((unsigned char)t[k + 1])));
       k++)
    ;
  hi = k;
  for (k = lo; k < hi; k = r + 1) {
    for (r = k; r < hi && (ctix__isdigit((unsigned char)t[r]) || (unsigned)((t[r] | 32) - 'a') < 6); r++)
      ;
    if ((r - k == 32 || r - k == 40 || r - k == 64) &&
        (k == 0 || !ctix__isalnum((unsigned char)t[k - 1])) &&
        (r >= len || !ctix__isalnum((unsigned char)t[r])))
      return true;
  }
  return false;
}

/* True if t[wb..we) is the word w, in any case. */
static bool word_is(const char *t, size_t wb, size_t we, const char *w)
{
  size_t n = strlen(w), k;
  if (we - wb != n)
    return false;
  for (k = 0; k < n; k++)
    if ((t[wb + k] | 32) != w[k])
      return false;
  return true;
}

/*
 * True if the word right after the name ending at e, in its shape, makes
 * it the actors' file: "(malicious)" or a dash and then a word of
 * data/ioc/actor-file-after.txt ("RuntimeBroker.exe – Associated file").
 * Nothing else may stand between, so a ';' or the end of the sentence
 * ends the look ("to start cmd.exe; malicious commands followed").
 */
static bool actor_file_after_name(const char *t, size_t len, size_t e)
{
  size_t p = e, wb, we;
  bool paren = false, dash = false;
  while (p < len && (t[p] == ' ' || t[p] == '\t'))
    p++;
  if (p < len && t[p] == '(') {
    paren = true;
    p++;
  } else if (p > e && p < len && t[p] == '-') {
    dash = true;
    p++;
  } else if (p > e && p + 2 < len && (unsigned char)t[p] == 0xe2 &&
             (unsigned char)t[p + 1] == 0x80 &&
             ((unsigned char)t[p + 2] == 0x93 || (unsigned char)t[p + 2] == 0x94)) {
    dash = true; /* an en or em dash */
    p += 3;
  }
  if (!paren && !dash)
    return false;
  if (dash && (p >= len || (t[p] != ' ' && t[p] != '\t')))
    return false;
  while (p < len && (t[p] == ' ' || t[p] == '\t'))
    p++;
  for (wb = we = p;
       we < len && we - wb <= ACTOR_FILE_AFTER_LONGEST && ctix__isalnum((unsigned char)t[we]); we++)
    ;
  if (we == wb || !word_in(WORDS(actor_file_after), t + wb, we - wb))
    return false;
  return !paren || (we < len && t[we] == ')');
}

/*
 * True if the text says the built-in program's name t[a..e), written
 * bare, is the actors' own file. Before it, a word of
 * data/ioc/actor-file-words.txt that modifies the name itself: right
 * before it or with only determiners (actor-file-skips.txt) between ("a
 * fake svchost.exe", "the malicious rundll32.exe"; not "a malicious
 * payload then spawned cmd.exe"); or a "to" or "as" there governed, a
 * few words back and up to a word of actor-file-stops.txt, by a word of
 * actor-file-renames.txt ("renamed the miner to sort.exe", "masquerading
 * as RuntimeBroker.exe"). After it, "(malicious)" or "– Associated file"
 * (actor_file_after_name). Or a hash beside it (hash_beside). A word of
 * actor-file-vetoes.txt in the modifier's place ("the legitimate
 * svchost.exe", "a legitimate mshta.exe file (MD5 ...)") says it is the
 * real program: no.
 */
static bool actor_file(const char *t, size_t len, size_t a, size_t e)
{
  size_t wb = a, we = a, pos = a, raw;
  unsigned n;
  bool have = false;
  while (prev_word(t, pos, &wb, &we, &raw)) {
    pos = raw;
    if (!word_in(WORDS(actor_file_skips), t + wb, we - wb)) {
      have = true;
      break;
    }
  }
  if (have) {
    if (word_in(WORDS(actor_file_vetoes), t + wb, we - wb))
      return false;
    if (word_in(WORDS(actor_file_words), t + wb, we - wb))
      return true;
    if (word_is(t, wb, we, "to") || word_is(t, wb, we, "as")) {
      for (n = 0; n < CONTEXT_WORDS && prev_word(t, pos, &wb, &we, &raw); n++) {
        if (word_in(WORDS(actor_file_renames), t + wb, we - wb))
          return true;
        if (word_in(WORDS(actor_file_stops), t + wb, we - wb))
          break;
        pos = raw;
      }
    }
  }
  if (actor_file_after_name(t, len, e))
    return true;
  return hash_beside(t, len, a, e);
}

/* The file-name checks on one name t[a..e) of a token; emits it and
 * returns 1, or returns 0 (or an error). */
static int filename_piece(ctix__ioc_scan *s, size_t a, size_t e)
{
  const char *t = s->text;
  size_t k, dot;
  bool alnum = false;
  const ext_entry *x;

  for (k = a; k < e; k++)
    if (ctix__isalnum((unsigned char)t[k]) || (unsigned char)t[k] >= 0x80)
      alnum = true;
  for (dot = e; dot > a && t[dot - 1] != '.'; dot--)
    ;
  if (!alnum || dot <= a + 1 || dot >= e || t[a] == '.')
    return 0;
  /* "(2).exe" is the tail of a name with a space ("invoice (2).exe"), not a name. */
  if (t[a] == '(' || t[a] == '[' || t[a] == '{')
    return 0;
  x = ext_find(t + dot, e - dot);
  if (!x)
    return 0;
  if (x->kind == S && name_in(not_files, COUNT(not_files), t + a, e - a))
    return 0;
  if (ext_tld[x - exts]) {
    if (!context_says_file(t, s->len, a, e, dot - 1))
      return 0;
    if (x->kind == S || x->kind == X)
      s->tld_programs = true;
  }
  {
    ctix_ioc_status fst;
    const char *why;
    int rc;
    ctix__ioc_triage_file(t + a, e - a, &fst, &why);
    /* a built-in program's name given to the actors' file */
    if (fst == CTIX_IOC_STATUS_BENIGN && why && strcmp(why, "well-known system file") == 0 &&
        actor_file(t, s->len, a, e)) {
      fst = CTIX_IOC_STATUS_IOC;
      why = NULL;
    }
    rc = ctix__ioc_emit(s, CTIX_IOC_FILE_NAME, a, e, t + a, e - a, fst, why);
    if (rc < 0)
      return rc;
  }
  return 1;
}
