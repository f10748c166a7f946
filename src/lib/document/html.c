/*
 * HTML input to document: libxml2's HTML parser in SAX mode, a
 * compact record of the page, main-content extraction, then blocks written
 * through the document builder.
 *
 * Why SAX: on article-sized pages libxml2 2.9's tree parser runs at about
 * 30 MB/s against about 80 MB/s for its SAX interface with empty
 * callbacks (one core), so the callbacks below record the page themselves
 * as two flat arrays:
 * `nodes` (one record per kept element, in document order, with its
 * parent and text statistics) and `events` (open / close / text / space,
 * in document order). Text goes into one pool. Nothing is recursive: the
 * statistics are summed by reverse passes over `nodes`, and the emitter
 * walks `events` with an explicit stack.
 *
 * Extraction:
 *  - dropped outright (never recorded): script, style, template, svg,
 *    math, iframe, object, embed, canvas, audio, video, noscript, form
 *    controls (input, button, select, textarea, ...), title/meta/link
 *    (read for metadata instead);
 *  - "chrome" (recorded, but left out of the content): nav, aside,
 *    footer, dialog, page-level header (a <header> inside an article or
 *    main is kept), elements whose ARIA role, class or id tokens say
 *    navigation, banner, sidebar, ads, cookie/consent, share, comments,
 *    related/recommended, newsletter/subscribe, breadcrumb, pagination
 *    (see the tables chrome_words, chrome_tokens and role_table), and
 *    elements with the `hidden` attribute. A chrome element that holds
 *    the page's <main> (or [role=main], [itemprop=articleBody]) is kept.
 *    Class/id tokens are split into words ("comments-list" -> comments,
 *    list) and matched per word with a position rule and veto words, so
 *    "no-comment-style" or "header-image" are not chrome;
 *  - the content root: the largest <main>/[role=main] or
 *    <article>/[role=article]/[itemprop=articleBody] (an article holding
 *    >= 60% of the main's text is preferred to the main) when it holds at
 *    least a quarter of the page's text; otherwise, starting from the
 *    whole page, the emitter descends into the child container with the
 *    best score (text bytes outside links + 40 per paragraph) as long as
 *    that child holds >= 60% of its parent's text. When the root has no
 *    <h1>, the first non-link <h1> before it (outside nav/aside/footer
 *    chrome) is emitted first as the title heading. When the page has no
 *    text outside chrome at all (e.g. only a navigation list), everything
 *    but the dropped elements is kept and a warning says so.
 *
 * Blocks: h1-h6 -> heading (level); p, div and other containers end the
 * current block, text directly in them is a paragraph; li -> list item
 * (level = number of enclosing lists); pre, xmp, listing and a <code>
 * that spans several lines outside a paragraph -> code block (lines kept,
 * <br> is a line break); blockquote -> quote blocks; in a data table each
 * tr is one table row, cells joined by " | " (block elements inside a
 * cell are word breaks); tables used for layout (role=presentation, a
 * nested table, a heading in a cell, or a single column) are treated as
 * plain containers; a <dt> and its first <dd> make one paragraph
 * "term: definition"; caption, figcaption, summary -> paragraphs.
 * Inline elements flow into the block without spacing of their own; <br>
 * is a word break and two <br> in a row end the paragraph; unknown
 * (custom) elements and <img> are word breaks.
 *
 * Links: every <a href> in the kept content (except javascript:) is
 * recorded with its anchor text span.
 *
 * Metadata (best source wins, see meta_keys and the JSON-LD reader):
 * title from og:title, twitter:title, JSON-LD headline, then the first
 * <h1> when the <title> contains it (or there is no <title>), else <title>
 * without a " | Site name" suffix; author from meta author,
 * article:author (not a URL), JSON-LD author names, rel=author text;
 * published date from article:published_time, JSON-LD datePublished,
 * meta date/pubdate/..., <time pubdate|itemprop=datePublished>, the first
 * <time datetime> in the content; canonical URL from link rel=canonical,
 * og:url, JSON-LD url; language from <html lang>, content-language;
 * site name from og:site_name, JSON-LD publisher; description from meta
 * description, og:description, twitter:description.
 *
 * Limits and errors: nesting deeper than opts->max_depth elements (0
 * means no limit) fails the whole document with CTIX_ETOOBIG ("HTML
 * nesting deeper than 256 elements at line N"), as document.h promises:
 * no partial result is returned. The parser stops at that point, so deep
 * input costs no more than the limit. libxml2 never touches the network
 * (HTML_PARSE_NONET, no URL) and prints nothing: its messages are counted
 * into one warning diagnostic (unknown-tag messages, which every HTML5
 * page triggers in libxml2 2.9, are not counted).
 *
 * Charset: decided here, not by libxml2 (which reads undeclared UTF-8 as
 * Latin-1 and drops the rest of a page at the first byte its converter
 * rejects). A UTF-8 byte order mark wins; else the charset declared by an
 * XML declaration or a <meta> in the first 64 KiB (before <body>); Latin
 * labels (iso-8859-1, us-ascii, ...) mean windows-1252, as in browsers,
 * but bytes that are valid UTF-8 are read as UTF-8 whatever such a label
 * says. Undeclared input is UTF-8 when it is valid or mostly valid UTF-8,
 * else windows-1252. Anything not valid UTF-8 is converted first (iconv,
 * or UTF-8 repair): bytes that cannot be converted become U+FFFD and are
 * counted (doc->utf8_replaced, or a warning for charset conversion), so
 * libxml2 always reads valid UTF-8.
 */
#include "document/builder.h"

#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"
#include "util/utf8.h"

#define NONE UINT32_MAX
#define MAX_NODES ((uint32_t)1 << 29)
#define MAX_ATTR 8192            /* bytes kept of an href */
#define MAX_META 2048            /* bytes kept of a metadata value */
#define MAX_JSONLD (256 * 1024)  /* bytes of one JSON-LD script read */
#define MAX_TIMES 32             /* <time datetime> elements remembered */
#define PARA_BONUS 40            /* text score of one paragraph */
#define PRESCAN (64 * 1024)      /* bytes searched for a charset declaration */
#define LABEL_MAX 40             /* longest charset label kept */

/* ------------------------------------------------------------ tag table */

typedef enum tag_kind {
  K_INLINE = 0, /* flows into the block: b, em, span, ... */
  K_SPACE,      /* inline, but a word break: img, unknown elements */
  K_BLOCK,      /* ends the current block: div, p, section, ... */
  K_HEADING,
  K_LIST,
  K_LI,
  K_PRE,
  K_CODE,
  K_QUOTE,
  K_TABLE,
  K_TR,
  K_CELL,
  K_BR,
  K_A,
  K_TIME,
  K_HEADER,
  K_DT,
  K_DD,
  K_DROP,       /* never recorded, content skipped */
  K_SCRIPT,     /* dropped; JSON-LD read for metadata */
  K_TITLE,      /* dropped; text read for metadata */
  K_META,       /* <meta>: metadata */
  K_LINK,       /* <link>: canonical URL */
  K_HTML        /* <html>: language */
} tag_kind;

enum {
  T_CONT = 1,       /* a container the density search may descend into */
  T_CHROME = 2,     /* page chrome by element name */
  T_MAIN = 4,       /* <main> */
  T_ARTICLE = 8,    /* <article> */
  T_PARA = 16,      /* counts as a paragraph for the text score */
  T_NOCLASS = 32    /* class/id never make it chrome (html, body, main, article) */
};

typedef struct tag_info {
  const char *name;
  uint8_t kind;
  uint8_t flags;
} tag_info;

/* Sorted by name (binary search). Anything not listed is K_SPACE. */
static const tag_info tags[] = {
    {"a", K_A, 0},
    {"abbr", K_INLINE, 0},
    {"address", K_BLOCK, T_CONT},
    {"applet", K_DROP, 0},
    {"article", K_BLOCK, T_CONT | T_ARTICLE | T_NOCLASS},
    {"aside", K_BLOCK, T_CHROME},
    {"audio", K_DROP, 0},
    {"b", K_INLINE, 0},
    {"base", K_INLINE, 0},
    {"bdi", K_INLINE, 0},
    {"bdo", K_INLINE, 0},
    {"big", K_INLINE, 0},
    {"blockquote", K_QUOTE, T_PARA},
    {"body", K_BLOCK, T_CONT | T_NOCLASS},
    {"br", K_BR, 0},
    {"button", K_DROP, 0},
    {"canvas", K_DROP, 0},
    {"caption", K_BLOCK, 0},
    {"center", K_BLOCK, T_CONT},
    {"cite", K_INLINE, 0},
    {"code", K_CODE, 0},
    {"col", K_INLINE, 0},
    {"colgroup", K_INLINE, 0},
    {"data", K_INLINE, 0},
    {"datalist", K_DROP, 0},
    {"dd", K_DD, 0},
    {"del", K_INLINE, 0},
    {"details", K_BLOCK, T_CONT},
    {"dfn", K_INLINE, 0},
    {"dialog", K_BLOCK, T_CHROME},
    {"dir", K_LIST, 0},
    {"div", K_BLOCK, T_CONT},
    {"dl", K_BLOCK, 0},
    {"dt", K_DT, 0},
    {"em", K_INLINE, 0},
    {"embed", K_DROP, 0},
    {"fieldset", K_BLOCK, T_CONT},
    {"figcaption", K_BLOCK, 0},
    {"figure", K_BLOCK, 0},
    {"font", K_INLINE, 0},
    {"footer", K_BLOCK, T_CHROME},
    {"form", K_BLOCK, T_CONT},
    {"frame", K_DROP, 0},
    {"frameset", K_BLOCK, 0},
    {"h1", K_HEADING, 0},
    {"h2", K_HEADING, 0},
    {"h3", K_HEADING, 0},
    {"h4", K_HEADING, 0},
    {"h5", K_HEADING, 0},
    {"h6", K_HEADING, 0},
    {"head", K_BLOCK, 0},
    {"header", K_HEADER, 0},
    {"hgroup", K_BLOCK, 0},
    {"hr", K_BLOCK, 0},
    {"html", K_HTML, T_CONT | T_NOCLASS},
    {"i", K_INLINE, 0},
    {"iframe", K_DROP, 0},
    {"img", K_SPACE, 0},
    {"input", K_DROP, 0},
    {"ins", K_INLINE, 0},
    {"kbd", K_INLINE, 0},
    {"label", K_INLINE, 0},
    {"legend", K_BLOCK, 0},
    {"li", K_LI, 0},
    {"link", K_LINK, 0},
    {"listing", K_PRE, T_PARA},
    {"main", K_BLOCK, T_CONT | T_MAIN | T_NOCLASS},
    {"map", K_DROP, 0},
    {"mark", K_INLINE, 0},
    {"math", K_DROP, 0},
    {"menu", K_LIST, 0},
    {"meta", K_META, 0},
    {"meter", K_DROP, 0},
    {"nav", K_BLOCK, T_CHROME},
    {"nobr", K_INLINE, 0},
    {"noembed", K_DROP, 0},
    {"noframes", K_DROP, 0},
    {"noscript", K_DROP, 0},
    {"object", K_DROP, 0},
    {"ol", K_LIST, 0},
    {"optgroup", K_DROP, 0},
    {"option", K_DROP, 0},
    {"output", K_DROP, 0},
    {"p", K_BLOCK, T_PARA},
    {"param", K_DROP, 0},
    {"plaintext", K_PRE, T_PARA},
    {"pre", K_PRE, T_PARA},
    {"progress", K_DROP, 0},
    {"q", K_INLINE, 0},
    {"rp", K_DROP, 0},
    {"rt", K_INLINE, 0},
    {"ruby", K_INLINE, 0},
    {"s", K_INLINE, 0},
    {"samp", K_INLINE, 0},
    {"script", K_SCRIPT, 0},
    {"search", K_BLOCK, T_CHROME},
    {"section", K_BLOCK, T_CONT},
    {"select", K_DROP, 0},
    {"slot", K_INLINE, 0},
    {"small", K_INLINE, 0},
    {"source", K_INLINE, 0},
    {"span", K_INLINE, 0},
    {"strike", K_INLINE, 0},
    {"strong", K_INLINE, 0},
    {"style", K_DROP, 0},
    {"sub", K_INLINE, 0},
    {"summary", K_BLOCK, 0},
    {"sup", K_INLINE, 0},
    {"svg", K_DROP, 0},
    {"table", K_TABLE, T_CONT},
    {"tbody", K_BLOCK, T_CONT},
    {"td", K_CELL, T_CONT},
    {"template", K_DROP, 0},
    {"textarea", K_DROP, 0},
    {"tfoot", K_BLOCK, T_CONT},
    {"th", K_CELL, T_CONT},
    {"thead", K_BLOCK, T_CONT},
    {"time", K_TIME, 0},
    {"title", K_TITLE, 0},
    {"tr", K_TR, T_CONT},
    {"track", K_INLINE, 0},
    {"tt", K_INLINE, 0},
    {"u", K_INLINE, 0},
    {"ul", K_LIST, 0},
    {"var", K_INLINE, 0},
    {"video", K_DROP, 0},
    {"wbr", K_INLINE, 0},
    {"xmp", K_PRE, T_PARA},
};
#define NTAGS (sizeof(tags) / sizeof(tags[0]))
#define TAG_UNKNOWN 255
static const tag_info unknown_tag = {"", K_SPACE, T_CONT};

static const tag_info *tag_of(uint8_t t)
{
  return t == TAG_UNKNOWN ? &unknown_tag : &tags[t];
}

/* ---------------------------------------------------- chrome by class/id */

/* Where a chrome word must sit in a class/id token to count. */
enum { W_ANY = 0, W_EDGE = 1 /* first or last word */ };
/* Words that cancel a match when the token also holds one of them. */
enum { V_STATE = 1, V_CONTENT = 2 };
/* Chrome reasons (node.why). */
enum { WHY_NONE = 0, WHY_ELEM, WHY_HEADER, WHY_ROLE, WHY_CLASS, WHY_HIDDEN };

typedef struct chrome_word {
  const char *word;
  uint8_t where;
  uint8_t veto;
  uint8_t header; /* header-like: chrome only outside article/main */
} chrome_word;

/* Sorted by word. Words are lower case pieces of a token split at '-',
 * '_', ':', '.' and lower-to-upper case changes. */
static const chrome_word chrome_words[] = {
    {"ad", W_ANY, V_STATE, 0},
    {"addthis", W_ANY, 0, 0},
    {"ads", W_ANY, V_STATE, 0},
    {"adsbygoogle", W_ANY, 0, 0},
    {"advert", W_ANY, 0, 0},
    {"advertisement", W_ANY, 0, 0},
    {"advertising", W_ANY, 0, 0},
    {"banner", W_EDGE, V_STATE | V_CONTENT, 1},
    {"breadcrumb", W_ANY, 0, 0},
    {"breadcrumbs", W_ANY, 0, 0},
    {"colophon", W_ANY, 0, 0},
    {"comment", W_EDGE, V_STATE, 0},
    {"commentlist", W_ANY, 0, 0},
    {"comments", W_EDGE, V_STATE, 0},
    {"consent", W_ANY, V_STATE, 0},
    {"cookie", W_ANY, V_STATE, 0},
    {"cookies", W_ANY, V_STATE, 0},
    {"disqus", W_ANY, 0, 0},
    {"feedback", W_EDGE, V_STATE, 0},
    {"footer", W_EDGE, V_STATE, 0},
    {"gdpr", W_ANY, 0, 0},
    {"header", W_EDGE, V_STATE | V_CONTENT, 1},
    {"masthead", W_ANY, V_CONTENT, 1},
    {"menu", W_EDGE, V_STATE | V_CONTENT, 0},
    {"modal", W_EDGE, V_STATE, 0},
    {"nav", W_EDGE, V_STATE, 0},
    {"navbar", W_ANY, 0, 0},
    {"navigation", W_ANY, V_STATE, 0},
    {"newsletter", W_ANY, 0, 0},
    {"onetrust", W_ANY, 0, 0},
    {"pager", W_ANY, 0, 0},
    {"pagination", W_ANY, 0, 0},
    {"popup", W_ANY, V_STATE, 0},
    {"promo", W_EDGE, V_CONTENT, 0},
    {"rail", W_EDGE, 0, 0},
    {"recommendations", W_ANY, 0, 0},
    {"recommended", W_ANY, 0, 0},
    {"related", W_EDGE, V_STATE, 0},
    {"relatedposts", W_ANY, 0, 0},
    {"share", W_EDGE, V_STATE, 0},
    {"sharedaddy", W_ANY, 0, 0},
    {"sharing", W_ANY, V_STATE, 0},
    {"sidebar", W_ANY, V_STATE, 0},
    {"signup", W_ANY, 0, 0},
    {"social", W_EDGE, V_STATE, 0},
    {"sponsor", W_EDGE, 0, 0},
    {"sponsored", W_ANY, 0, 0},
    {"subscribe", W_ANY, 0, 0},
    {"subscription", W_ANY, 0, 0},
    {"tags", W_EDGE, 0, 0},
    {"toolbar", W_ANY, 0, 0},
    {"topbar", W_ANY, 0, 1},
    {"widget", W_EDGE, V_STATE, 0},
};

/* Whole tokens (lower case) that mark chrome, sorted. */
static const char *const chrome_tokens[] = {
    "hidden",         "more-news",       "more-stories",        "most-popular",
    "most-read",      "nav-links",       "popular-posts",       "post-navigation",
    "read-more",      "respond",         "screen-reader-text",  "secondary",
    "sign-up",        "skip-link",       "skip-to-content",     "sr-only",
    "top-stories",    "trending",        "visually-hidden",     "visuallyhidden",
    "you-may-like",   "you-might-also-like",
};

typedef struct veto_word {
  const char *word;
  uint8_t group;
} veto_word;

/* Sorted. A state word ("has-sidebar", "comments-open") says the element
 * is styled for a state, not that it is the thing itself; a content word
 * ("header-image", "post-header") says it belongs to the story. */
static const veto_word veto_words[] = {
    {"allow", V_STATE},   {"article", V_CONTENT}, {"body", V_CONTENT},
    {"closed", V_STATE},  {"content", V_CONTENT}, {"disabled", V_STATE},
    {"enabled", V_STATE}, {"entry", V_CONTENT},   {"figure", V_CONTENT},
    {"has", V_STATE},     {"headline", V_CONTENT}, {"hero", V_CONTENT},
    {"hide", V_STATE},    {"image", V_CONTENT},   {"img", V_CONTENT},
    {"is", V_STATE},      {"main", V_CONTENT},    {"media", V_CONTENT},
    {"no", V_STATE},      {"open", V_STATE},      {"photo", V_CONTENT},
    {"picture", V_CONTENT}, {"post", V_CONTENT},  {"show", V_STATE},
    {"story", V_CONTENT}, {"text", V_CONTENT},    {"title", V_CONTENT},
    {"video", V_CONTENT}, {"with", V_STATE},      {"without", V_STATE},
};

typedef struct role_info {
  const char *role;
  uint8_t what; /* WHY_ROLE chrome, or a candidate flag */
  uint8_t header;
} role_info;

enum { R_CHROME = 1, R_MAIN, R_ARTICLE, R_LAYOUT };

/* ARIA roles, sorted. */
static const role_info role_table[] = {
    {"alertdialog", R_CHROME, 0},  {"article", R_ARTICLE, 0}, {"banner", R_CHROME, 1},
    {"complementary", R_CHROME, 0}, {"contentinfo", R_CHROME, 0}, {"dialog", R_CHROME, 0},
    {"main", R_MAIN, 0},           {"menu", R_CHROME, 0},     {"menubar", R_CHROME, 0},
    {"navigation", R_CHROME, 0},   {"none", R_LAYOUT, 0},     {"presentation", R_LAYOUT, 0},
    {"search", R_CHROME, 0},       {"toolbar", R_CHROME, 0},
};

/* ------------------------------------------------------------ metadata */

enum { NFIELDS = CTIX__META_DESCRIPTION + 1 };
enum { MK_NOURL = 1 };

typedef struct meta_key {
  const char *key;   /* value of name=, property=, itemprop= or http-equiv= */
  uint8_t field;
  uint8_t prio;      /* lower wins */
  uint8_t flags;
} meta_key;

/* Sorted by key. Priorities of other sources: link rel=canonical 10,
 * <html lang> 10, <time pubdate> 14, JSON-LD (see jsonld_item), <h1> and
 * <title> (see finish_meta), rel=author text 40, <time> in content 40. */
static const meta_key meta_keys[] = {
    {"application-name", CTIX__META_SITE_NAME, 30, 0},
    {"article:author", CTIX__META_AUTHOR, 20, MK_NOURL},
    {"article:published_time", CTIX__META_PUBLISHED, 10, 0},
    {"author", CTIX__META_AUTHOR, 10, MK_NOURL},
    {"content-language", CTIX__META_LANGUAGE, 20, 0},
    {"date", CTIX__META_PUBLISHED, 20, 0},
    {"datepublished", CTIX__META_PUBLISHED, 12, 0},
    {"dc.creator", CTIX__META_AUTHOR, 30, 0},
    {"dc.date", CTIX__META_PUBLISHED, 25, 0},
    {"dc.date.issued", CTIX__META_PUBLISHED, 25, 0},
    {"dc.language", CTIX__META_LANGUAGE, 30, 0},
    {"dc.title", CTIX__META_TITLE, 45, 0},
    {"dcterms.created", CTIX__META_PUBLISHED, 25, 0},
    {"dcterms.creator", CTIX__META_AUTHOR, 30, 0},
    {"dcterms.issued", CTIX__META_PUBLISHED, 25, 0},
    {"description", CTIX__META_DESCRIPTION, 10, 0},
    {"headline", CTIX__META_TITLE, 35, 0},
    {"language", CTIX__META_LANGUAGE, 30, 0},
    {"og:description", CTIX__META_DESCRIPTION, 20, 0},
    {"og:locale", CTIX__META_LANGUAGE, 40, 0},
    {"og:site_name", CTIX__META_SITE_NAME, 10, 0},
    {"og:title", CTIX__META_TITLE, 10, 0},
    {"og:url", CTIX__META_CANONICAL_URL, 20, 0},
    {"parsely-author", CTIX__META_AUTHOR, 30, 0},
    {"parsely-pub-date", CTIX__META_PUBLISHED, 30, 0},
    {"pubdate", CTIX__META_PUBLISHED, 20, 0},
    {"publish-date", CTIX__META_PUBLISHED, 20, 0},
    {"publishdate", CTIX__META_PUBLISHED, 20, 0},
    {"sailthru.author", CTIX__META_AUTHOR, 30, 0},
    {"sailthru.date", CTIX__META_PUBLISHED, 30, 0},
    {"twitter:description", CTIX__META_DESCRIPTION, 30, 0},
    {"twitter:title", CTIX__META_TITLE, 20, 0},
};

/* schema.org types whose JSON-LD describes the article itself. */
static const char *const jsonld_types[] = {
    "AnalysisNewsArticle", "Article",         "BlogPosting",      "LiveBlogPosting",
    "NewsArticle",         "OpinionNewsArticle", "Report",        "ReportageNewsArticle",
    "ScholarlyArticle",    "SocialMediaPosting", "TechArticle",
};

/* Separators between a page title and the site name in <title>. */
static const char *const title_seps[] = {" | ", " - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ",
                                         " :: ", " \xc2\xb7 ", " \xe2\x80\xa2 "};

/* ------------------------------------------------------- recorded page */

enum { EV_OPEN = 0, EV_CLOSE = 1, EV_TEXT = 2 };
#define EV_SPACE_BEFORE ((uint32_t)1 << 29)
#define EV_TYPE(e) ((e)->tn >> 30)
#define EV_NODE(e) ((e)->tn & (MAX_NODES - 1))

/* One event. OPEN/CLOSE: node in tn; an <a>'s OPEN also carries its href
 * (off/len in the pool). TEXT: off/len in the pool. EV_SPACE_BEFORE in tn:
 * white space came before it (a word break). */
typedef struct hevent {
  uint32_t tn;
  uint32_t off, len;
} hevent;

/* Node flags. */
enum {
  N_MAIN = 1,        /* main-level candidate: <main>, role=main */
  N_ARTICLE = 2,     /* article-level: <article>, role=article, itemprop=articleBody */
  N_STRONG = 4,      /* <main>, role=main or articleBody (keeps chrome ancestors) */
  N_HAS_STRONG = 8,  /* a strong candidate is inside (or is this node) */
  N_IN_CHROME = 16,  /* this node or an ancestor is chrome */
  N_LAYOUT = 32,     /* a table used for layout */
  N_MULTILINE = 64,  /* a <code> whose text spans lines */
  N_HAS_H1 = 128,    /* a non-chrome <h1> is inside (or is this node) */
  N_AUTHOR = 256,    /* <a rel=author> */
  N_VERB = 512,      /* counted in hp.verbatim */
  N_ANCHOR = 1024,   /* counted in hp.anchors */
  N_CAND = 2048,     /* counted in hp.cands */
  N_TABLE = 4096     /* pushed on hp.tables */
};

typedef struct hnode {
  uint32_t parent;
  uint32_t end;              /* one past its last descendant node */
  uint32_t open_ev, close_ev;
  uint32_t text;             /* bytes of text outside links (own, then subtree) */
  uint32_t link;             /* bytes of link text */
  uint32_t paras;            /* paragraphs inside */
  uint16_t flags;
  uint8_t tag;
  uint8_t why;
} hnode;

typedef struct htable {
  uint32_t node;
  uint32_t row_cells, max_cells;
  uint8_t layout;
} htable;

typedef struct mcand {
  uint32_t prio; /* 0: none yet */
  uint32_t off, len;
} mcand;

typedef struct htime {
  uint32_t node, off, len;
} htime;

enum { CAP_NONE = 0, CAP_TITLE, CAP_JSON };

/* A parse error message kept for the warning. */
#define ERRMSG_MAX 160

typedef struct tag_cache {
  const xmlChar *name;
  uint8_t tag;
} tag_cache;

/* The SAX state. */
typedef struct hp {
  ctix__docb *b;
  htmlParserCtxtPtr ctxt;
  unsigned max_depth;
  int rc;
  uint32_t depth;       /* open elements, dropped ones included */
  uint32_t skip;        /* > 0: inside a dropped element */
  uint32_t verbatim;    /* open pre-like and <code> elements */
  uint32_t anchors;     /* open <a> */
  uint32_t cands;       /* open article/main candidates */
  uint32_t code_node;   /* innermost open <code> outside pre, or NONE */
  uint8_t capture;
  uint32_t space;       /* EV_SPACE_BEFORE when white space is pending */
  ctix_buf nodes, events, pool, stack, tables, cands_list, times, mpool, cap;
  mcand meta[NFIELDS];
  mcand title_tag;
  uint32_t author_node;
  size_t nerrors;
  int err_line;
  char err_msg[ERRMSG_MAX];
  tag_cache cache[64];
} hp;

#define NODE(p, i) CTIX__BUF_AT(&(p)->nodes, hnode, i)
#define TOP_TABLE(p) CTIX__BUF_AT(&(p)->tables, htable, CTIX__BUF_COUNT(&(p)->tables, htable) - 1)
#define NNODES(p) ((uint32_t)CTIX__BUF_COUNT(&(p)->nodes, hnode))
#define EVENT(p, i) CTIX__BUF_AT(&(p)->events, hevent, i)
#define NEVENTS(p) ((uint32_t)CTIX__BUF_COUNT(&(p)->events, hevent))

/* -------------------------------------------------------------- helpers */

/* The innermost open recorded element (the stack is not empty). */
static uint32_t stack_top(const hp *p)
{
  return CTIX__BUF_AT(&p->stack, uint32_t, CTIX__BUF_COUNT(&p->stack, uint32_t) - 1);
}

static int cmp_tag(const void *k, const void *e)
{
  return strcmp(k, ((const tag_info *)e)->name);
}
static int cmp_word(const void *k, const void *e)
{
  return strcmp(k, ((const chrome_word *)e)->word);
}
static int cmp_veto(const void *k, const void *e)
{
  return strcmp(k, ((const veto_word *)e)->word);
}
static int cmp_role(const void *k, const void *e)
{
  return strcmp(k, ((const role_info *)e)->role);
}
static int cmp_meta(const void *k, const void *e)
{
  return strcmp(k, ((const meta_key *)e)->key);
}
static int cmp_str(const void *k, const void *e)
{
  return strcmp(k, *(const char *const *)e);
}

/* Records a failure (first one wins) and stops libxml2. */
static void hp_fail(hp *p, int rc)
{
  if (p->rc)
    return;
  p->rc = rc;
  if (rc == CTIX_ETOOBIG)
    ctix__error_set(p->b->err, rc, "HTML text exceeds the size limit");
  else
    ctix__error_set(p->b->err, rc, "out of memory while reading HTML");
  if (p->ctxt)
    xmlStopParser(p->ctxt);
}

/* Checks a record buffer's sticky error after a series of appends. */
static bool hp_ok(hp *p, const ctix_buf *buf)
{
  if (buf->err)
    hp_fail(p, buf->err);
  return p->rc == 0;
}

/* The tags[] index of an element name, or TAG_UNKNOWN. libxml2 interns
 * names, so a small cache keyed by the name's address saves most of the
 * binary searches (a hit is confirmed by comparing the name). */
static uint8_t lookup_tag(hp *p, const xmlChar *name)
{
  size_t slot = ((uintptr_t)name >> 4) & 63;
  const tag_info *t;
  if (p->cache[slot].name == name && p->cache[slot].tag != TAG_UNKNOWN &&
      strcmp((const char *)name, tags[p->cache[slot].tag].name) == 0)
    return p->cache[slot].tag;
  t = bsearch(name, tags, NTAGS, sizeof(tags[0]), cmp_tag);
  if (!t)
    return TAG_UNKNOWN;
  p->cache[slot].name = name;
  p->cache[slot].tag = (uint8_t)(t - tags);
  return p->cache[slot].tag;
}

/* Splits one class/id token into lower-case words; returns their count. */
#define MAX_WORDS 8
#define WORD_MAX 32
static size_t split_words(const char *t, size_t n, char words[MAX_WORDS][WORD_MAX])
{
  size_t i = 0, nw = 0;
  while (i < n && nw < MAX_WORDS) {
    size_t s, len;
    while (i < n && !ctix__isalnum((unsigned char)t[i]))
      i++;
    s = i;
    while (i < n && ctix__isalnum((unsigned char)t[i])) {
      /* camelCase: a capital after a lower-case letter starts a word */
      if (i > s && ctix__isupper((unsigned char)t[i]) && ctix__islower((unsigned char)t[i - 1]))
        break;
      i++;
    }
    len = i - s;
    if (len && ctix__lower_copy(words[nw], WORD_MAX, t + s, len))
      nw++;
  }
  return nw;
}

/* Classifies one class/id token: WHY_CLASS (chrome), WHY_HEADER
 * (header-like chrome, page level only) or WHY_NONE. */
static uint8_t classify_token(const char *t, size_t n)
{
  char low[64];
  char words[MAX_WORDS][WORD_MAX];
  size_t nw, i, j;
  if (ctix__lower_copy(low, sizeof(low), t, n) &&
      bsearch(low, chrome_tokens, sizeof(chrome_tokens) / sizeof(chrome_tokens[0]),
              sizeof(chrome_tokens[0]), cmp_str))
    return WHY_CLASS;
  nw = split_words(t, n, words);
  for (i = 0; i < nw; i++) {
    const chrome_word *w = bsearch(words[i], chrome_words,
                                   sizeof(chrome_words) / sizeof(chrome_words[0]),
                                   sizeof(chrome_words[0]), cmp_word);
    bool vetoed = false;
    if (!w)
      continue;
    if (w->where == W_EDGE && i != 0 && i != nw - 1)
      continue;
    for (j = 0; j < nw && !vetoed; j++) {
      const veto_word *v;
      if (j == i || !w->veto)
        continue;
      v = bsearch(words[j], veto_words, sizeof(veto_words) / sizeof(veto_words[0]),
                  sizeof(veto_words[0]), cmp_veto);
      vetoed = v && (v->group & w->veto);
    }
    if (!vetoed)
      return w->header ? WHY_HEADER : WHY_CLASS;
  }
  return WHY_NONE;
}

/* Classifies a class or id attribute value (white-space separated tokens). */
static uint8_t classify_attr(const char *s)
{
  uint8_t why = WHY_NONE, w;
  while (*s) {
    size_t n = 0;
    while (*s && ctix__isspace((unsigned char)*s))
      s++;
    while (s[n] && !ctix__isspace((unsigned char)s[n]))
      n++;
    if (!n)
      break;
    w = classify_token(s, n);
    if (w == WHY_CLASS)
      return w;
    if (w)
      why = w;
    s += n;
  }
  return why;
}

/* Does a space-separated attribute value hold `word` (case ignored)? */
static bool has_word(const char *s, const char *word)
{
  size_t wl = strlen(word);
  while (*s) {
    size_t n = 0;
    while (*s && ctix__isspace((unsigned char)*s))
      s++;
    while (s[n] && !ctix__isspace((unsigned char)s[n]))
      n++;
    if (n == wl && ctix__mem_ieq(s, n, word))
      return true;
    s += n;
  }
  return false;
}

/* Length of the longest prefix of s[0..n) no longer than max that does
 * not cut a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t n, size_t max)
{
  if (n <= max)
    return n;
  while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
    max--;
  return max;
}

/* Offers a metadata value; the best priority (lowest) wins, then the first. */
static void meta_offer(hp *p, int field, uint32_t prio, const char *s, size_t n)
{
  mcand *m = &p->meta[field];
  s = ctix__trim(s, &n);
  if (!n || (m->prio && m->prio <= prio))
    return;
  n = utf8_cut(s, n, MAX_META);
  m->prio = prio;
  m->len = (uint32_t)n;
  if (p->mpool.data && s >= p->mpool.data && s < p->mpool.data + p->mpool.len) {
    m->off = (uint32_t)(s - p->mpool.data); /* already in the pool */
    return;
  }
  m->off = (uint32_t)p->mpool.len;
  ctix__buf_add(&p->mpool, s, n);
  hp_ok(p, &p->mpool);
}

static bool is_url(const char *s)
{
  size_t n = strlen(s);
  s = ctix__trim(s, &n);
  return ctix__mem_istarts(s, n, "http://") || ctix__mem_istarts(s, n, "https://");
}

/* ------------------------------------------------------------- JSON-LD */

/* Is a JSON-LD "@type" string (possibly a full schema.org URL) one of
 * jsonld_types? */
static bool jsonld_type_article(json_t *type)
{
  size_t k;
  const char *s, *slash;
  if (!json_is_string(type))
    return false;
  s = json_string_value(type);
  if ((slash = strrchr(s, '/')))
    s = slash + 1;
  for (k = 0; k < sizeof(jsonld_types) / sizeof(jsonld_types[0]); k++)
    if (strcmp(s, jsonld_types[k]) == 0)
      return true;
  return false;
}

/* Is a JSON-LD "@type" (a string or a flat array of them) an article?
 * Nested arrays are not followed (no recursion on untrusted depth). */
static bool jsonld_is_article(json_t *type)
{
  size_t i;
  json_t *v;
  if (json_is_array(type)) {
    json_array_foreach(type, i, v) if (jsonld_type_article(v)) return true;
    return false;
  }
  return jsonld_type_article(type);
}

/* The name of a person/organisation value: a string or {"name": ...}. */
static const char *jsonld_name(json_t *v)
{
  if (json_is_string(v))
    return json_string_value(v);
  if (json_is_object(v) && json_is_string(json_object_get(v, "name")))
    return json_string_value(json_object_get(v, "name"));
  return NULL;
}

static void jsonld_offer(hp *p, int field, uint32_t prio, json_t *v)
{
  if (json_is_string(v))
    meta_offer(p, field, prio, json_string_value(v), strlen(json_string_value(v)));
}

/* Reads the metadata of one JSON-LD item; `depth` bounds @graph nesting. */
static void jsonld_item(hp *p, json_t *o, int depth)
{
  json_t *v, *a;
  size_t i;
  if (json_is_array(o) && depth < 2) {
    json_array_foreach(o, i, v) if (i < 64) jsonld_item(p, v, depth + 1);
    return;
  }
  if (!json_is_object(o))
    return;
  if ((v = json_object_get(o, "@graph")) && depth < 2)
    jsonld_item(p, v, depth + 1);
  if (!jsonld_is_article(json_object_get(o, "@type")))
    return;
  jsonld_offer(p, CTIX__META_TITLE, 30, json_object_get(o, "headline"));
  jsonld_offer(p, CTIX__META_PUBLISHED, 15, json_object_get(o, "datePublished"));
  jsonld_offer(p, CTIX__META_DESCRIPTION, 25, json_object_get(o, "description"));
  jsonld_offer(p, CTIX__META_LANGUAGE, 35, json_object_get(o, "inLanguage"));
  jsonld_offer(p, CTIX__META_CANONICAL_URL, 30, json_object_get(o, "url"));
  if ((v = json_object_get(o, "publisher")) && jsonld_name(v))
    meta_offer(p, CTIX__META_SITE_NAME, 20, jsonld_name(v), strlen(jsonld_name(v)));
  v = json_object_get(o, "author");
  if (jsonld_name(v)) {
    meta_offer(p, CTIX__META_AUTHOR, 25, jsonld_name(v), strlen(jsonld_name(v)));
  } else if (json_is_array(v)) {
    /* Several authors: their names joined by ", ". */
    ctix_buf names = CTIX_BUF_INIT(MAX_META);
    json_array_foreach(v, i, a)
    {
      const char *nm = jsonld_name(a);
      if (!nm || i >= 8)
        continue;
      if (names.len)
        ctix__buf_add(&names, ", ", 2);
      ctix__buf_adds(&names, nm);
    }
    if (!names.err && names.len)
      meta_offer(p, CTIX__META_AUTHOR, 25, names.data, names.len);
    ctix__buf_free(&names);
  }
}

/* Reads the metadata of one JSON-LD script; invalid JSON is ignored. */
static void jsonld_read(hp *p, const char *s, size_t n)
{
  json_error_t jerr;
  json_t *root = json_loadb(s, n, 0, &jerr);
  if (!root)
    return; /* only a metadata hint */
  jsonld_item(p, root, 0);
  json_decref(root);
}

/* -------------------------------------------------------------- charset */

/* Charset labels meaning UTF-8, and the Latin single-byte labels that HTML
 * reads as windows-1252. Sorted. */
static const char *const utf8_labels[] = {"unicode-1-1-utf-8", "utf-8", "utf8",
                                          "x-unicode20utf8"};
static const char *const latin_labels[] = {
    "ascii",      "cp1252",    "cp819",      "ibm819", "iso-8859-1", "iso8859-1",
    "iso_8859-1", "l1",        "latin1",     "us-ascii", "windows-1252", "x-cp1252",
};

static bool label_in(const char *label, const char *const *list, size_t n)
{
  return bsearch(label, list, n, sizeof(list[0]), cmp_str) != NULL;
}
#define LABEL_IN(label, list) label_in(label, list, sizeof(list) / sizeof(list[0]))

static bool label_char(int c)
{
  return ctix__isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
}

/* Reads a charset label after "charset" / "encoding" at s[0..n): optional
 * white space, '=', white space and quote, then the label, lower-cased
 * into out. */
static bool read_label(const char *s, size_t n, char *out, size_t cap)
{
  size_t i = 0, k = 0;
  while (i < n && ctix__isspace((unsigned char)s[i]))
    i++;
  if (i >= n || s[i] != '=')
    return false;
  i++;
  while (i < n && (ctix__isspace((unsigned char)s[i]) || s[i] == '"' || s[i] == '\''))
    i++;
  while (i < n && label_char((unsigned char)s[i]) && k + 1 < cap)
    out[k++] = (char)ctix__lower((unsigned char)s[i++]);
  out[k] = '\0';
  return k > 0 && (i >= n || !label_char((unsigned char)s[i]));
}

/* The charset a page declares in its first PRESCAN bytes, before <body>:
 * an XML declaration's encoding or a <meta> tag's charset (either
 * <meta charset> or http-equiv content). Lower-cased into out. */
static bool declared_charset(const char *s, size_t n, char *out, size_t cap)
{
  size_t lim = n < PRESCAN ? n : PRESCAN, i = 0;
  if (lim > 5 && memcmp(s, "<?xml", 5) == 0) {
    const char *end = memchr(s, '>', lim), *enc;
    if (end && (enc = ctix__mem_ifind(s, (size_t)(end - s), "encoding")) &&
        read_label(enc + 8, (size_t)(end - enc - 8), out, cap))
      return true;
  }
  while (i < lim) {
    const char *lt = memchr(s + i, '<', lim - i), *gt, *cs;
    if (!lt)
      break;
    i = (size_t)(lt - s) + 1;
    if (ctix__mem_istarts(s + i, lim - i, "body"))
      break;
    if (!ctix__mem_istarts(s + i, lim - i, "meta"))
      continue;
    gt = memchr(s + i, '>', lim - i);
    if (!gt)
      break;
    cs = ctix__mem_ifind(s + i, (size_t)(gt - s) - i, "charset");
    if (cs && read_label(cs + 7, (size_t)(gt - cs - 7), out, cap))
      return true;
    i = (size_t)(gt - s) + 1;
  }
  return false;
}

/* Does invalid UTF-8 look like a legacy 8-bit encoding (more invalid
 * bytes than valid multi-byte sequences) rather than damaged UTF-8? */
static bool looks_legacy(const char *str, size_t n)
{
  const unsigned char *s = (const unsigned char *)str;
  size_t i = 0, multi = 0, bad = 0, k;
  uint32_t cp;
  while (i < n) {
    if (s[i] < 0x80) {
      i++;
      continue;
    }
    k = ctix__utf8_decode(s + i, n - i, &cp);
    if (k) {
      multi++;
      i += k;
    } else {
      bad++;
      i++;
    }
  }
  return bad > multi;
}

/* Converts s[0..n) from `charset` to UTF-8 into out with iconv; bytes it
 * cannot convert become U+FFFD and are counted in *replaced. Returns
 * CTIX_EUNSUPPORTED when iconv does not know the charset. */
static int iconv_to_utf8(ctix_buf *out, const char *s, size_t n, const char *charset,
                         size_t *replaced)
{
  static const char fffd[3] = {(char)0xEF, (char)0xBF, (char)0xBD};
  iconv_t cd = iconv_open("UTF-8", charset);
  char *in = (char *)(uintptr_t)s;
  size_t left = n;
  int rc = 0;
  if (cd == (iconv_t)-1)
    return CTIX_EUNSUPPORTED;
  if ((rc = ctix__buf_grow(out, n + n / 2 + 64)))
    goto done;
  for (;;) {
    char *o = out->data + out->len, *o0 = o;
    size_t room = out->cap - out->len - 1;
    size_t r = left ? iconv(cd, &in, &left, &o, &room) : iconv(cd, NULL, NULL, &o, &room);
    int e = errno;
    out->len += (size_t)(o - o0);
    out->data[out->len] = '\0';
    if (r != (size_t)-1) {
      if (!left)
        break; /* input done and shift state flushed */
      continue;
    }
    if (e == E2BIG) {
      if ((rc = ctix__buf_grow(out, left * 2 + 64)))
        goto done;
    } else if ((e == EILSEQ || e == EINVAL) && left) {
      if ((rc = ctix__buf_add(out, fffd, 3)))
        goto done;
      (*replaced)++;
      in++;
      left--;
      iconv(cd, NULL, NULL, NULL, NULL);
    } else {
      rc = CTIX_EUNSUPPORTED;
      goto done;
    }
  }
done:
  iconv_close(cd);
  return rc;
}

/* Decides the page's charset: a UTF-8 byte order mark, else the declared
 * charset (Latin labels read as windows-1252, and as UTF-8 when the bytes
 * are valid UTF-8), else UTF-8 when the bytes are (mostly) UTF-8, else
 * windows-1252. Unless the input already is valid UTF-8, it is converted
 * into `conv`; *in and *n then name the UTF-8 text libxml2 reads. */
static int to_utf8(hp *p, ctix_buf *conv, const char **in, size_t *n)
{
  const char *s = *in;
  size_t len = *n, bad, replaced = 0;
  char label[LABEL_MAX] = "";
  bool declared;
  int rc;

  if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    s += 3;
    len -= 3;
    declared = true;
    ctix__strlcpy(label, "utf-8", sizeof(label));
  } else {
    declared = declared_charset(s, len, label, sizeof(label));
  }
  bad = ctix__utf8_validate(s, len);
  if (declared && !LABEL_IN(label, utf8_labels) && !(bad == len && LABEL_IN(label, latin_labels))) {
    rc = iconv_to_utf8(conv, s, len, LABEL_IN(label, latin_labels) ? "WINDOWS-1252" : label,
                       &replaced);
    if (rc == 0) {
      if (replaced)
        ctix__docb_warn(p->b, CTIX_EPARSE, CTIX_NOPOS,
                        "HTML: %zu byte(s) not valid in the declared charset %s replaced by "
                        "U+FFFD",
                        replaced, label);
      *in = conv->data ? conv->data : "";
      *n = conv->len;
      return 0;
    }
    if (rc != CTIX_EUNSUPPORTED)
      return ctix__error_set(p->b->err, rc, "out of memory converting HTML from %s", label);
    ctix__buf_reset(conv);
    ctix__docb_warn(p->b, CTIX_EUNSUPPORTED, CTIX_NOPOS,
                    "HTML: unknown charset \"%s\" ignored", label);
    declared = false;
  }
  *in = s;
  *n = len;
  if (bad == len)
    return 0;
  if (!declared && looks_legacy(s, len)) {
    rc = iconv_to_utf8(conv, s, len, "WINDOWS-1252", &replaced);
    if (rc == 0 && replaced)
      ctix__docb_warn(p->b, CTIX_EPARSE, CTIX_NOPOS,
                      "HTML: %zu byte(s) not valid in windows-1252 replaced by U+FFFD",
                      replaced);
  } else {
    rc = ctix__utf8_repair(conv, s, len, &p->b->doc->utf8_replaced);
  }
  if (rc)
    return ctix__error_set(p->b->err, rc, "out of memory converting HTML to UTF-8");
  *in = conv->data ? conv->data : "";
  *n = conv->len;
  return 0;
}

/* -------------------------------------------------------- SAX callbacks */

/* Attributes of interest of one start tag. */
typedef struct hattrs {
  const char *cls, *id, *role, *itemprop, *href, *rel, *name, *property, *content;
  const char *http_equiv, *lang, *datetime, *type;
  bool hidden, pubdate;
} hattrs;

/* The attributes read_attrs keeps, and where: a string field of hattrs, a
 * flag set by the attribute's presence, or a string field filled only when
 * still empty (xml:lang yields to lang). */
enum { ATTR_STR, ATTR_FLAG, ATTR_FALLBACK };
static const struct {
  const char *name;
  size_t off;
  unsigned char kind;
} attr_fields[] = {
    {"class", offsetof(hattrs, cls), ATTR_STR},
    {"content", offsetof(hattrs, content), ATTR_STR},
    {"datetime", offsetof(hattrs, datetime), ATTR_STR},
    {"hidden", offsetof(hattrs, hidden), ATTR_FLAG},
    {"href", offsetof(hattrs, href), ATTR_STR},
    {"http-equiv", offsetof(hattrs, http_equiv), ATTR_STR},
    {"id", offsetof(hattrs, id), ATTR_STR},
    {"itemprop", offsetof(hattrs, itemprop), ATTR_STR},
    {"lang", offsetof(hattrs, lang), ATTR_STR},
    {"name", offsetof(hattrs, name), ATTR_STR},
    {"property", offsetof(hattrs, property), ATTR_STR},
    {"pubdate", offsetof(hattrs, pubdate), ATTR_FLAG},
    {"rel", offsetof(hattrs, rel), ATTR_STR},
    {"role", offsetof(hattrs, role), ATTR_STR},
    {"type", offsetof(hattrs, type), ATTR_STR},
    {"xml:lang", offsetof(hattrs, lang), ATTR_FALLBACK},
};

/* Picks the attributes of interest (attr_fields) out of libxml2's
 * name/value list. */
static void read_attrs(hattrs *a, const xmlChar **atts)
{
  size_t i;
  memset(a, 0, sizeof(*a));
  for (; atts && atts[0]; atts += 2) {
    const char *k = (const char *)atts[0], *v = atts[1] ? (const char *)atts[1] : "";
    for (i = 0; i < sizeof(attr_fields) / sizeof(attr_fields[0]); i++) {
      char *field = (char *)a + attr_fields[i].off;
      if (attr_fields[i].name[0] != k[0] || strcmp(attr_fields[i].name, k) != 0)
        continue;
      if (attr_fields[i].kind == ATTR_FLAG)
        *(bool *)(void *)field = true;
      else if (attr_fields[i].kind == ATTR_STR || !*(const char **)(void *)field)
        *(const char **)(void *)field = v;
      break;
    }
  }
}

/* Looks a metadata key up in meta_keys and offers `value`. */
static void meta_key_offer(hp *p, const char *key, const char *value)
{
  char low[64];
  const meta_key *m;
  size_t kn = strlen(key);
  key = ctix__trim(key, &kn);
  if (!ctix__lower_copy(low, sizeof(low), key, kn))
    return;
  m = bsearch(low, meta_keys, sizeof(meta_keys) / sizeof(meta_keys[0]), sizeof(meta_keys[0]),
              cmp_meta);
  if (!m || ((m->flags & MK_NOURL) && is_url(value)))
    return;
  meta_offer(p, m->field, m->prio, value, strlen(value));
}

/* <meta name|property|itemprop|http-equiv=KEY content=VALUE>. */
static void on_meta(hp *p, const hattrs *a)
{
  if (!a->content)
    return;
  if (a->name)
    meta_key_offer(p, a->name, a->content);
  if (a->property)
    meta_key_offer(p, a->property, a->content);
  if (a->itemprop)
    meta_key_offer(p, a->itemprop, a->content);
  if (a->http_equiv)
    meta_key_offer(p, a->http_equiv, a->content);
}

/* <link rel=canonical href=URL>. */
static void on_link(hp *p, const hattrs *a)
{
  if (a->rel && a->href && has_word(a->rel, "canonical"))
    meta_offer(p, CTIX__META_CANONICAL_URL, 10, a->href, strlen(a->href));
}

/* ctix__buf_push with the common case (room left) inlined: the SAX
 * callbacks push several records per element. */
static inline void rec_push(ctix_buf *b, const void *rec, size_t size)
{
  if (b->len + size < b->cap && !b->err) {
    memcpy(b->data + b->len, rec, size);
    b->len += size;
    b->data[b->len] = '\0';
  } else {
    ctix__buf_push(b, rec, size);
  }
}

/* Appends an event, carrying any pending white space as EV_SPACE_BEFORE. */
static void push_event(hp *p, uint32_t type, uint32_t node, uint32_t off, uint32_t len)
{
  hevent e;
  e.tn = (type << 30) | node | p->space;
  e.off = off;
  e.len = len;
  p->space = 0;
  rec_push(&p->events, &e, sizeof(e));
}

/* The chrome reason and candidate flags an element's attributes give it. */
static uint8_t attr_chrome(hp *p, const tag_info *t, const hattrs *a, uint16_t *flags)
{
  uint8_t why = WHY_NONE, w;
  if (a->role) {
    char low[32];
    size_t n = strlen(a->role);
    const char *r = ctix__trim(a->role, &n);
    const role_info *ri = NULL;
    if (ctix__lower_copy(low, sizeof(low), r, n))
      ri = bsearch(low, role_table, sizeof(role_table) / sizeof(role_table[0]),
                   sizeof(role_table[0]), cmp_role);
    if (ri && ri->what == R_MAIN)
      *flags |= N_MAIN | N_STRONG;
    else if (ri && ri->what == R_ARTICLE)
      *flags |= N_ARTICLE;
    else if (ri && ri->what == R_LAYOUT)
      *flags |= N_LAYOUT;
    else if (ri && ri->what == R_CHROME && !(ri->header && p->cands))
      why = ri->header ? WHY_HEADER : WHY_ROLE;
  }
  if (a->itemprop && has_word(a->itemprop, "articleBody"))
    *flags |= N_ARTICLE | N_STRONG;
  if (why || (t->flags & T_NOCLASS) || (*flags & (N_MAIN | N_ARTICLE)))
    return why;
  if (a->hidden)
    return WHY_HIDDEN;
  if (a->cls && (w = classify_attr(a->cls)) != WHY_NONE)
    why = w;
  if (why != WHY_CLASS && a->id && (w = classify_attr(a->id)) != WHY_NONE)
    why = w;
  if (why == WHY_HEADER && p->cands)
    why = WHY_NONE;
  return why;
}

/* The nesting limit is passed: the document fails, libxml2 stops. */
static void fail_depth(hp *p)
{
  int line = xmlSAX2GetLineNumber(p->ctxt), col = xmlSAX2GetColumnNumber(p->ctxt);
  p->rc = ctix__error_set_lc(p->b->err, CTIX_ETOOBIG, line > 0 ? (unsigned)line : 0,
                             col > 0 ? (unsigned)col : 0,
                             "HTML nesting deeper than %u elements at line %d", p->max_depth,
                             line);
  xmlStopParser(p->ctxt);
}

/* A start tag: metadata elements are read, dropped ones start a skipped
 * region, any other becomes a node and an OPEN event, classified (chrome,
 * candidate) and counted (links, code, tables) on the way. */
static void on_start(void *ud, const xmlChar *name, const xmlChar **atts)
{
  hp *p = ud;
  const tag_info *t;
  hattrs a;
  hnode nd;
  uint8_t tag;
  uint32_t idx, parent, ev_off = 0, ev_len = 0;

  if (p->rc)
    return;
  p->depth++;
  if (p->max_depth && p->depth > p->max_depth) {
    fail_depth(p);
    return;
  }
  if (p->skip) {
    p->skip++;
    return;
  }
  tag = lookup_tag(p, name);
  t = tag_of(tag);
  read_attrs(&a, atts);
  switch (t->kind) {
  case K_META:
    on_meta(p, &a);
    p->skip = 1;
    return;
  case K_LINK:
    on_link(p, &a);
    p->skip = 1;
    return;
  case K_TITLE:
    p->skip = 1;
    if (!p->title_tag.prio) {
      p->capture = CAP_TITLE;
      ctix__buf_reset(&p->cap);
    }
    return;
  case K_SCRIPT:
    p->skip = 1;
    if (a.type && ctix__mem_ieq(a.type, strlen(a.type), "application/ld+json")) {
      p->capture = CAP_JSON;
      ctix__buf_reset(&p->cap);
    }
    return;
  case K_DROP:
    p->skip = 1;
    return;
  case K_HTML:
    if (a.lang)
      meta_offer(p, CTIX__META_LANGUAGE, 10, a.lang, strlen(a.lang));
    break;
  default:
    break;
  }
  if (a.itemprop && a.content)
    meta_key_offer(p, a.itemprop, a.content);

  idx = NNODES(p);
  if (idx >= MAX_NODES - 1) {
    hp_fail(p, CTIX_ETOOBIG);
    return;
  }
  parent = p->stack.len ? stack_top(p) : NONE;
  memset(&nd, 0, sizeof(nd));
  nd.parent = parent;
  nd.open_ev = NEVENTS(p);
  nd.close_ev = NONE;
  nd.tag = tag;
  nd.why = attr_chrome(p, t, &a, &nd.flags);
  if (t->flags & T_MAIN)
    nd.flags |= N_MAIN | N_STRONG;
  if (t->flags & T_ARTICLE)
    nd.flags |= N_ARTICLE;
  if (!nd.why && (t->flags & T_CHROME))
    nd.why = WHY_ELEM;
  if (!nd.why && t->kind == K_HEADER && !p->cands)
    nd.why = WHY_HEADER;

  switch (t->kind) {
  case K_A:
    if (a.href) {
      size_t hn = strlen(a.href);
      const char *h = ctix__trim(a.href, &hn);
      if (hn && !ctix__mem_istarts(h, hn, "javascript:")) {
        hn = utf8_cut(h, hn, MAX_ATTR);
        ev_off = (uint32_t)p->pool.len;
        ev_len = (uint32_t)hn;
        ctix__buf_add(&p->pool, h, hn);
      }
    }
    if (a.rel && has_word(a.rel, "author") && p->author_node == NONE) {
      nd.flags |= N_AUTHOR;
      p->author_node = idx;
    }
    nd.flags |= N_ANCHOR;
    p->anchors++;
    break;
  case K_PRE:
    nd.flags |= N_VERB;
    p->verbatim++;
    break;
  case K_CODE:
    nd.flags |= N_VERB;
    if (!p->verbatim)
      p->code_node = idx;
    p->verbatim++;
    break;
  case K_TIME:
    if (a.datetime) {
      if (a.pubdate || (a.itemprop && has_word(a.itemprop, "datePublished")))
        meta_offer(p, CTIX__META_PUBLISHED, 14, a.datetime, strlen(a.datetime));
      if (CTIX__BUF_COUNT(&p->times, htime) < MAX_TIMES) {
        size_t dn = utf8_cut(a.datetime, strlen(a.datetime), MAX_META);
        htime tm = {idx, (uint32_t)p->mpool.len, (uint32_t)dn};
        ctix__buf_add(&p->mpool, a.datetime, dn);
        ctix__buf_push(&p->times, &tm, sizeof(tm));
      }
    }
    break;
  case K_TABLE: {
    htable tb = {idx, 0, 0, (nd.flags & N_LAYOUT) ? 1 : 0};
    if (p->tables.len) /* a table inside a table: the outer one is layout */
      TOP_TABLE(p).layout = 1;
    ctix__buf_push(&p->tables, &tb, sizeof(tb));
    nd.flags |= N_TABLE;
    break;
  }
  case K_TR:
    if (p->tables.len)
      TOP_TABLE(p).row_cells = 0;
    break;
  case K_CELL:
    if (p->tables.len) {
      htable *tb = &TOP_TABLE(p);
      if (++tb->row_cells > tb->max_cells)
        tb->max_cells = tb->row_cells;
    }
    break;
  case K_HEADING:
    if (p->tables.len)
      TOP_TABLE(p).layout = 1;
    break;
  case K_BR:
    if (p->code_node != NONE) /* <code>line<br>line</code> */
      NODE(p, p->code_node).flags |= N_MULTILINE;
    break;
  default:
    break;
  }
  if (nd.flags & (N_MAIN | N_ARTICLE)) {
    nd.flags |= N_CAND;
    p->cands++;
    ctix__buf_push(&p->cands_list, &idx, sizeof(idx));
  }
  push_event(p, EV_OPEN, idx, ev_off, ev_len);
  rec_push(&p->nodes, &nd, sizeof(nd));
  rec_push(&p->stack, &idx, sizeof(idx));
  (void)(hp_ok(p, &p->nodes) && hp_ok(p, &p->events) && hp_ok(p, &p->stack) &&
         hp_ok(p, &p->pool) && hp_ok(p, &p->tables) && hp_ok(p, &p->cands_list) &&
         hp_ok(p, &p->times));
}

/* Closes the innermost recorded element. */
static void close_top(hp *p)
{
  uint32_t idx = stack_top(p);
  hnode *nd = &NODE(p, idx);
  ctix__buf_truncate(&p->stack, p->stack.len - sizeof(uint32_t));
  nd->close_ev = NEVENTS(p);
  nd->end = NNODES(p);
  if (nd->flags & N_ANCHOR)
    p->anchors--;
  if (nd->flags & N_VERB)
    p->verbatim--;
  if (p->code_node == idx)
    p->code_node = NONE;
  if (nd->flags & N_CAND)
    p->cands--;
  if ((nd->flags & N_TABLE) && p->tables.len) {
    htable *tb = &TOP_TABLE(p);
    if (tb->node == idx) {
      if (tb->layout || tb->max_cells <= 1)
        nd->flags |= N_LAYOUT;
      ctix__buf_truncate(&p->tables, p->tables.len - sizeof(htable));
    }
  }
  push_event(p, EV_CLOSE, idx, 0, 0);
  hp_ok(p, &p->events);
}

/* The <title> or JSON-LD script being captured has ended: use it. */
static void end_capture(hp *p)
{
  if (p->capture == CAP_TITLE && !p->cap.err && p->cap.len) {
    const char *s = p->cap.data;
    size_t n = p->cap.len;
    s = ctix__trim(s, &n);
    if (n) {
      n = utf8_cut(s, n, MAX_META);
      p->title_tag.prio = 1;
      p->title_tag.off = (uint32_t)p->mpool.len;
      p->title_tag.len = (uint32_t)n;
      ctix__buf_add(&p->mpool, s, n);
      hp_ok(p, &p->mpool);
    }
  } else if (p->capture == CAP_JSON && !p->cap.err && p->cap.len) {
    jsonld_read(p, p->cap.data, p->cap.len);
  }
  p->capture = CAP_NONE;
  ctix__buf_free(&p->cap);
  ctix__buf_init(&p->cap, MAX_JSONLD);
}

/* An end tag (libxml2 reports every element closed, implied ones too). */
static void on_end(void *ud, const xmlChar *name)
{
  hp *p = ud;
  (void)name;
  if (p->rc)
    return;
  if (p->depth)
    p->depth--;
  if (p->skip) {
    if (--p->skip == 0 && p->capture)
      end_capture(p);
    return;
  }
  if (p->stack.len)
    close_top(p);
}

static bool all_space(const xmlChar *s, int len)
{
  int i;
  for (i = 0; i < len; i++)
    if (!ctix__isspace(s[i]))
      return false;
  return true;
}

/* Character data: pooled as a TEXT event (merged with the previous one
 * when adjacent) and counted as text or link text of the open element;
 * white space alone (outside pre/code) is only a pending word break. */
static void on_text(void *ud, const xmlChar *s, int len)
{
  hp *p = ud;
  hevent *last;
  hnode *nd;
  if (p->rc || len <= 0)
    return;
  if (p->skip) {
    if (p->capture && p->skip == 1)
      ctix__buf_add(&p->cap, s, (size_t)len); /* overflow: sticky error, value dropped */
    return;
  }
  if (!p->stack.len)
    return;
  if (!p->verbatim && all_space(s, len)) {
    p->space = EV_SPACE_BEFORE;
    return;
  }
  last = p->events.len ? &EVENT(p, NEVENTS(p) - 1) : NULL;
  if (p->code_node != NONE && memchr(s, '\n', (size_t)len))
    NODE(p, p->code_node).flags |= N_MULTILINE;
  if (last && EV_TYPE(last) == EV_TEXT && !p->space) {
    last->len += (uint32_t)len;
  } else {
    push_event(p, EV_TEXT, 0, (uint32_t)p->pool.len, (uint32_t)len);
    if (!hp_ok(p, &p->events))
      return;
  }
  ctix__buf_add(&p->pool, s, (size_t)len);
  if (!hp_ok(p, &p->pool))
    return;
  nd = &NODE(p, stack_top(p));
  if (p->anchors)
    nd->link += (uint32_t)len;
  else
    nd->text += (uint32_t)len;
}

/* Raw text of script and style elements: only JSON-LD is kept. */
static void on_cdata(void *ud, const xmlChar *s, int len)
{
  hp *p = ud;
  if (!p->rc && p->skip == 1 && p->capture && len > 0)
    ctix__buf_add(&p->cap, s, (size_t)len);
}

/* libxml2 reports a problem: counted, the first one kept for the warning. */
static void on_error(void *ud, xmlErrorPtr e)
{
  hp *p = ud;
  size_t n;
  if (!p || !e || e->code == XML_HTML_UNKNOWN_TAG)
    return;
  if (p->nerrors++ == 0 && e->message) {
    p->err_line = e->line;
    ctix__strlcpy(p->err_msg, e->message, sizeof(p->err_msg));
    n = strlen(p->err_msg);
    while (n && ctix__isspace((unsigned char)p->err_msg[n - 1]))
      p->err_msg[--n] = '\0';
  }
}

/* libxml2's unstructured messages are dropped (nothing reaches stderr). */
static void on_generic_error(void *ud, const char *msg, ...)
{
  (void)ud;
  (void)msg;
}

/* ---------------------------------------------------- content selection */

/* Sums text statistics up the tree (children come after their parent in
 * `nodes`, so one reverse pass suffices) and settles chrome. */
static void settle_stats(hp *p)
{
  uint32_t n = NNODES(p), i;
  /* Strong candidates protect their chrome ancestors. */
  for (i = n; i-- > 0;) {
    hnode *nd = &NODE(p, i);
    if (nd->flags & N_STRONG)
      nd->flags |= N_HAS_STRONG;
    if (nd->parent != NONE && (nd->flags & N_HAS_STRONG))
      NODE(p, nd->parent).flags |= N_HAS_STRONG;
  }
  for (i = 0; i < n; i++) {
    hnode *nd = &NODE(p, i);
    if (nd->why && (nd->flags & N_HAS_STRONG))
      nd->why = WHY_NONE;
    if (nd->why || (nd->parent != NONE && (NODE(p, nd->parent).flags & N_IN_CHROME)))
      nd->flags |= N_IN_CHROME;
  }
  for (i = n; i-- > 0;) {
    hnode *nd = &NODE(p, i), *par;
    const tag_info *t = tag_of(nd->tag);
    if (t->kind == K_HEADING && t->name[1] == '1')
      nd->flags |= N_HAS_H1;
    if ((t->flags & T_PARA) && nd->text)
      nd->paras++;
    if (nd->parent == NONE || nd->why)
      continue;
    par = &NODE(p, nd->parent);
    par->text += nd->text;
    par->link += nd->link;
    par->paras += nd->paras;
    par->flags |= nd->flags & N_HAS_H1;
  }
}

/* Text score of a node: text bytes outside links, plus a bonus per
 * paragraph. */
static uint64_t score(const hnode *nd)
{
  return (uint64_t)nd->text + (uint64_t)PARA_BONUS * nd->paras;
}

/* The semantic candidate to use as root, or NONE. */
static uint32_t pick_candidate(hp *p, uint64_t page_text)
{
  size_t k, nc = CTIX__BUF_COUNT(&p->cands_list, uint32_t);
  uint32_t best = NONE, inner = NONE;
  for (k = 0; k < nc; k++) {
    uint32_t c = CTIX__BUF_AT(&p->cands_list, uint32_t, k);
    const hnode *nd = &NODE(p, c);
    if (nd->flags & N_IN_CHROME)
      continue;
    if (best == NONE || nd->text > NODE(p, best).text)
      best = c;
  }
  if (best == NONE || (uint64_t)NODE(p, best).text * 4 < page_text || !NODE(p, best).text)
    return NONE;
  if (!(NODE(p, best).flags & N_MAIN))
    return best;
  /* A main: prefer the article inside it that holds most of its text. */
  for (k = 0; k < nc; k++) {
    uint32_t c = CTIX__BUF_AT(&p->cands_list, uint32_t, k);
    const hnode *nd = &NODE(p, c);
    if (c <= best || c >= NODE(p, best).end || (nd->flags & N_IN_CHROME) ||
        !(nd->flags & N_ARTICLE))
      continue;
    if (inner == NONE || nd->text > NODE(p, inner).text)
      inner = c;
  }
  if (inner != NONE && (uint64_t)NODE(p, inner).text * 10 >= (uint64_t)NODE(p, best).text * 6)
    return inner;
  return best;
}

/* The child container of `cur` (NONE: the page, whose children are the
 * top-level elements) with the best text score, or NONE. */
static uint32_t best_child(hp *p, uint32_t cur)
{
  uint32_t c = cur == NONE ? 0 : cur + 1, end = cur == NONE ? NNODES(p) : NODE(p, cur).end;
  uint32_t best = NONE;
  while (c < end) {
    const hnode *ch = &NODE(p, c);
    if (!ch->why && (tag_of(ch->tag)->flags & T_CONT) &&
        (best == NONE || score(ch) > score(&NODE(p, best))))
      best = c;
    c = ch->end > c ? ch->end : c + 1;
  }
  return best;
}

/* From `cur` (NONE: the whole page, holding `page` bytes of text),
 * descends into the child container with the best text score while that
 * child holds >= 60% of its parent's text. Returns the node, or NONE for
 * the whole page. */
static uint32_t descend(hp *p, uint32_t cur, uint64_t page)
{
  int guard;
  for (guard = 0; guard < 512; guard++) {
    uint32_t best = best_child(p, cur);
    uint64_t here = cur == NONE ? page : NODE(p, cur).text;
    if (best == NONE || (uint64_t)NODE(p, best).text * 10 < here * 6)
      break;
    cur = best;
  }
  return cur;
}

/* The first <h1> before `root` fit to stand as the page's title heading:
 * not inside nav/aside/footer-like chrome (a page header is fine), with
 * some text, mostly outside links. */
static uint32_t title_heading(hp *p, uint32_t root)
{
  uint32_t i;
  for (i = 0; i < root; i++) {
    const hnode *nd = &NODE(p, i);
    const tag_info *t = tag_of(nd->tag);
    uint32_t a;
    bool ok = true;
    if (t->kind != K_HEADING || t->name[1] != '1' || nd->end > root || !nd->text ||
        nd->link >= nd->text)
      continue;
    for (a = i; a != NONE && ok; a = NODE(p, a).parent)
      ok = NODE(p, a).why == WHY_NONE || NODE(p, a).why == WHY_HEADER;
    if (ok)
      return i;
  }
  return NONE;
}

/* -------------------------------------------------------------- emitter */

enum { TB_NONE = 0, TB_DATA, TB_LAYOUT };

/* What text outside explicit blocks becomes, and how blocks nest. */
typedef struct wctx {
  uint8_t kind;   /* ctix_block_kind for lazily opened blocks */
  uint8_t line;   /* nested blocks are only word breaks (heading, table row) */
  uint8_t table;  /* enclosing table: TB_* */
  uint8_t pre;    /* inside a code block */
  uint32_t level; /* heading level or list depth */
  uint32_t lists; /* enclosing lists */
} wctx;

typedef struct wframe {
  uint32_t node;
  uint32_t href_off, href_len;
  size_t mark;    /* text offset where an <a> began */
  bool code_block;/* a <code> that opened a code block */
  wctx saved;
} wframe;

typedef struct wlink {
  uint32_t href_off, href_len;
  size_t start, end;
} wlink;

typedef struct walker {
  hp *p;
  ctix__docb *b;
  wctx c;
  ctix_buf frames;
  ctix_buf links;
  uint32_t cell;  /* index of the current cell in a data row, or NONE */
  uint32_t seps;  /* separators written in the current row */
  bool br;        /* the last thing seen was a <br> */
  bool term;      /* the open block is a <dt>, waiting for its <dd> */
  bool def_sep;   /* a <dd> joined to its term: ": " before its text */
  bool keep_chrome;
} walker;

static bool block_has_text(const ctix__docb *b)
{
  return b->open && b->text.len > b->block_start;
}

/* Ends the current block, or (inside a heading/row) makes a word break,
 * or (inside code) a line break. */
static int boundary(walker *w)
{
  ctix__docb *b = w->b;
  w->br = false;
  w->term = w->def_sep = false;
  if (w->c.pre) {
    if (block_has_text(b) && b->text.data[b->text.len - 1] != '\n')
      return ctix__docb_append(b, "\n", 1);
    return 0;
  }
  if (w->c.line) {
    ctix__docb_break(b);
    return 0;
  }
  return ctix__docb_end(b);
}

/* Does s[0..n) hold anything but white space (ASCII or U+00A0)? */
static bool visible(const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (ctix__isspace(c))
      continue;
    if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
      i++;
      continue;
    }
    return true;
  }
  return false;
}

/* Appends text to the current block, opening one of the context's kind
 * first, with the pending table-cell or definition separators. */
static int emit_text(walker *w, const char *s, size_t n)
{
  ctix__docb *b = w->b;
  int rc;
  if (w->c.pre) {
    if (!b->open || b->kind != CTIX_BLOCK_CODE) {
      if ((rc = ctix__docb_begin(b, CTIX_BLOCK_CODE, 0)))
        return rc;
    }
    if (!block_has_text(b)) {
      /* Leading blank lines of a code block are dropped, indentation kept. */
      size_t i = 0, from = 0;
      while (i < n && ctix__isspace((unsigned char)s[i])) {
        if (s[i] == '\n' || s[i] == '\r')
          from = i + 1;
        i++;
      }
      if (i == n)
        return 0;
      s += from;
      n -= from;
    }
    w->br = false;
    return ctix__docb_append(b, s, n);
  }
  if (!visible(s, n)) {
    ctix__docb_break(b);
    return 0;
  }
  if (!b->open || b->kind == CTIX_BLOCK_CODE) {
    uint32_t level = w->c.kind == CTIX_BLOCK_HEADING || w->c.kind == CTIX_BLOCK_LIST_ITEM
                         ? w->c.level
                         : 0;
    if ((rc = ctix__docb_begin(b, (ctix_block_kind)w->c.kind, level)))
      return rc;
  }
  if (w->def_sep && block_has_text(b)) {
    /* "Term: definition" */
    bool colon = b->text.data[b->text.len - 1] == ':';
    if ((rc = ctix__docb_append(b, colon ? " " : ": ", colon ? 1 : 2)))
      return rc;
    w->def_sep = false;
  }
  if (w->c.kind == CTIX_BLOCK_TABLE_ROW && w->cell != NONE) {
    while (w->seps < w->cell) {
      if ((rc = ctix__docb_append(b, " | ", 3)))
        return rc;
      w->seps++;
    }
  }
  w->br = false;
  return ctix__docb_append(b, s, n);
}

/* An element opens in the content: ends or breaks the current block as
 * its kind requires and sets the context for the text inside it. */
static int open_elem(walker *w, uint32_t idx, const hevent *ev)
{
  hp *p = w->p;
  const hnode *nd = &NODE(p, idx);
  const tag_info *t = tag_of(nd->tag);
  wframe f;
  int rc = 0;

  memset(&f, 0, sizeof(f));
  f.node = idx;
  f.saved = w->c;
  f.href_off = NONE;
  switch (t->kind) {
  case K_INLINE:
  case K_TIME:
    break;
  case K_A:
    if (ev->len) {
      f.href_off = ev->off;
      f.href_len = ev->len;
      f.mark = ctix__docb_mark(w->b);
    }
    break;
  case K_SPACE:
    if (!w->c.pre)
      ctix__docb_break(w->b);
    break;
  case K_BR:
    if (w->c.pre) {
      if (block_has_text(w->b))
        rc = ctix__docb_append(w->b, "\n", 1);
    } else if (w->c.line) {
      ctix__docb_break(w->b);
    } else if (w->br) {
      rc = ctix__docb_end(w->b);
      w->br = false;
    } else {
      ctix__docb_break(w->b);
      w->br = true;
    }
    break;
  case K_HEADING:
    rc = boundary(w);
    if (!w->c.line && !w->c.pre) {
      w->c.kind = CTIX_BLOCK_HEADING;
      w->c.level = (uint32_t)(t->name[1] - '0');
      w->c.line = 1;
    }
    break;
  case K_LIST:
    rc = boundary(w);
    w->c.lists++;
    break;
  case K_LI:
    rc = boundary(w);
    if (!w->c.line && !w->c.pre) {
      w->c.kind = CTIX_BLOCK_LIST_ITEM;
      w->c.level = w->c.lists ? w->c.lists : 1;
    }
    break;
  case K_QUOTE:
    rc = boundary(w);
    if (!w->c.line && !w->c.pre)
      w->c.kind = CTIX_BLOCK_QUOTE;
    break;
  case K_CODE:
    /* A multi-line <code> on its own is a code block, like <pre>. */
    if (!(nd->flags & N_MULTILINE) || w->c.line || w->c.pre || block_has_text(w->b))
      break;
    /* fall through */
  case K_PRE:
    rc = boundary(w);
    if (!w->c.line && !w->c.pre) {
      w->c.pre = 1;
      w->c.kind = CTIX_BLOCK_CODE;
    }
    f.code_block = true;
    break;
  case K_TABLE:
    rc = boundary(w);
    w->c.table = (nd->flags & N_LAYOUT) ? TB_LAYOUT : TB_DATA;
    break;
  case K_TR:
    rc = boundary(w);
    if (w->c.table == TB_DATA && !w->c.line && !w->c.pre) {
      w->c.kind = CTIX_BLOCK_TABLE_ROW;
      w->c.level = 0;
      w->c.line = 1;
      w->cell = NONE;
      w->seps = 0;
    }
    break;
  case K_CELL:
    if (w->c.kind == CTIX_BLOCK_TABLE_ROW && w->c.line && w->c.table == TB_DATA) {
      w->cell = w->cell == NONE ? 0 : w->cell + 1;
      ctix__docb_break(w->b);
    } else {
      rc = boundary(w);
    }
    break;
  case K_DD:
    if (w->term && block_has_text(w->b) && !w->c.line && !w->c.pre) {
      /* A definition continues its term's paragraph. */
      w->term = false;
      w->def_sep = true;
    } else {
      rc = boundary(w);
    }
    break;
  default: /* K_BLOCK, K_HEADER, K_HTML, K_DT */
    rc = boundary(w);
    break;
  }
  if (rc)
    return rc;
  if (ctix__buf_push(&w->frames, &f, sizeof(f)))
    return ctix__error_set(w->b->err, CTIX_ENOMEM, "out of memory while reading HTML");
  return 0;
}

/* An element closes: restores the enclosing context, ends or breaks the
 * block as its kind requires, and records a finished link. */
static int close_elem(walker *w, uint32_t idx)
{
  size_t nf = CTIX__BUF_COUNT(&w->frames, wframe);
  const tag_info *t;
  wframe f;
  int rc = 0;
  if (!nf || CTIX__BUF_AT(&w->frames, wframe, nf - 1).node != idx)
    return 0;
  f = CTIX__BUF_AT(&w->frames, wframe, nf - 1);
  ctix__buf_truncate(&w->frames, w->frames.len - sizeof(wframe));
  t = tag_of(NODE(w->p, idx).tag);
  w->c = f.saved;
  switch (t->kind) {
  case K_INLINE:
  case K_TIME:
  case K_BR:
    break;
  case K_A:
    if (f.href_off != NONE) {
      wlink l;
      const char *txt = w->b->text.data;
      l.href_off = f.href_off;
      l.href_len = f.href_len;
      l.start = f.mark;
      l.end = ctix__docb_mark(w->b);
      while (l.start < l.end && ctix__isspace((unsigned char)txt[l.start]))
        l.start++;
      while (l.end > l.start && ctix__isspace((unsigned char)txt[l.end - 1]))
        l.end--;
      if (ctix__buf_push(&w->links, &l, sizeof(l)))
        return ctix__error_set(w->b->err, CTIX_ENOMEM, "out of memory while reading HTML");
    }
    break;
  case K_SPACE:
    if (!w->c.pre)
      ctix__docb_break(w->b);
    break;
  case K_CELL:
    if (w->c.kind == CTIX_BLOCK_TABLE_ROW && w->c.line && w->c.table == TB_DATA)
      ctix__docb_break(w->b);
    else
      rc = boundary(w);
    break;
  case K_CODE:
    if (f.code_block)
      rc = boundary(w);
    break;
  case K_DT:
    /* The term's block stays open for its definition. */
    if (!w->c.line && !w->c.pre && block_has_text(w->b)) {
      w->br = false;
      w->term = true;
    } else {
      rc = boundary(w);
    }
    break;
  default:
    rc = boundary(w);
    break;
  }
  return rc;
}

/* Emits the events of node `root` (or of the whole page for NONE). */
static int walk(walker *w, uint32_t root)
{
  hp *p = w->p;
  uint32_t ev = root == NONE ? 0 : NODE(p, root).open_ev;
  uint32_t end = root == NONE ? NEVENTS(p) : NODE(p, root).close_ev + 1;
  int rc = 0;
  memset(&w->c, 0, sizeof(w->c));
  w->c.kind = CTIX_BLOCK_PARAGRAPH;
  w->cell = NONE;
  w->br = false;
  ctix__buf_reset(&w->frames);
  if (end > NEVENTS(p))
    end = NEVENTS(p);
  for (; ev < end && !rc; ev++) {
    const hevent *e = &EVENT(p, ev);
    if ((e->tn & EV_SPACE_BEFORE) && !w->c.pre)
      ctix__docb_break(w->b);
    switch (EV_TYPE(e)) {
    case EV_OPEN: {
      uint32_t idx = EV_NODE(e);
      if (NODE(p, idx).why && !w->keep_chrome) {
        /* Chrome is skipped, but still separates what is around it. */
        uint8_t kind = tag_of(NODE(p, idx).tag)->kind;
        if (kind == K_INLINE || kind == K_SPACE || kind == K_A) {
          if (!w->c.pre)
            ctix__docb_break(w->b);
        } else {
          rc = boundary(w);
        }
        ev = NODE(p, idx).close_ev;
        break;
      }
      rc = open_elem(w, idx, e);
      break;
    }
    case EV_CLOSE:
      rc = close_elem(w, EV_NODE(e));
      break;
    default:
      rc = emit_text(w, p->pool.data + e->off, e->len);
      break;
    }
  }
  if (!rc)
    rc = ctix__docb_end(w->b);
  return rc;
}

/* ------------------------------------------------------------- metadata */

/* The text of node `idx` (its TEXT events), into `out`. */
static void node_text(hp *p, uint32_t idx, ctix_buf *out)
{
  uint32_t ev, end = NODE(p, idx).close_ev;
  for (ev = NODE(p, idx).open_ev; ev < end && ev < NEVENTS(p); ev++) {
    const hevent *e = &EVENT(p, ev);
    if (e->tn & EV_SPACE_BEFORE)
      ctix__buf_addc(out, ' ');
    if (EV_TYPE(e) == EV_TEXT)
      ctix__buf_add(out, p->pool.data + e->off, e->len);
    else if (EV_TYPE(e) != EV_CLOSE)
      ctix__buf_addc(out, ' ');
  }
}

/* Does hay[0..n) contain needle[0..m) (m > 0)? */
static bool contains(const char *hay, size_t n, const char *needle, size_t m)
{
  size_t i;
  if (!m || m > n)
    return false;
  for (i = 0; i + m <= n; i++)
    if (hay[i] == needle[0] && memcmp(hay + i, needle, m) == 0)
      return true;
  return false;
}

/* `s` with a trailing " | Site name" (or " - ", ...) removed. */
static size_t strip_site(const char *s, size_t n, const char *site, size_t sn)
{
  size_t k;
  if (!sn || n <= sn)
    return n;
  for (k = 0; k < sizeof(title_seps) / sizeof(title_seps[0]); k++) {
    size_t sl = strlen(title_seps[k]);
    if (n > sn + sl && memcmp(s + n - sn, site, sn) == 0 &&
        memcmp(s + n - sn - sl, title_seps[k], sl) == 0)
      return n - sn - sl;
  }
  return n;
}

/* Settles each metadata field from its best source and hands it over. */
static int finish_meta(hp *p, uint32_t root)
{
  ctix__docb *b = p->b;
  const char *mp;
  size_t nb = CTIX__BUF_COUNT(&b->blocks, ctix_block), i;
  const ctix_block *h1 = NULL;
  int f;

  /* rel=author text and the first <time> of the content. */
  if (p->author_node != NONE) {
    ctix_buf t = CTIX_BUF_INIT(MAX_META * 2);
    node_text(p, p->author_node, &t);
    if (!t.err && t.len)
      meta_offer(p, CTIX__META_AUTHOR, 40, t.data, t.len);
    ctix__buf_free(&t);
  }
  for (i = 0; i < CTIX__BUF_COUNT(&p->times, htime); i++) {
    const htime *tm = &CTIX__BUF_AT(&p->times, htime, i);
    bool inside = root == NONE || (tm->node >= root && tm->node < NODE(p, root).end);
    if (inside && !(NODE(p, tm->node).flags & N_IN_CHROME)) {
      meta_offer(p, CTIX__META_PUBLISHED, 40, p->mpool.data + tm->off, tm->len);
      break;
    }
  }
  if (p->rc)
    return p->rc;
  mp = p->mpool.data;

  /* Title: a declared title first, else the first <h1> when the <title>
   * names it (or there is no <title>), else <title> without the site. */
  if (!p->meta[CTIX__META_TITLE].prio || p->meta[CTIX__META_TITLE].prio > 30) {
    for (i = 0; i < nb && !h1; i++) {
      const ctix_block *bl = &CTIX__BUF_AT(&b->blocks, ctix_block, i);
      if (bl->kind == CTIX_BLOCK_HEADING && bl->level == 1)
        h1 = bl;
    }
    if (h1) {
      const char *hs = b->text.data + h1->span.start;
      size_t hn = h1->span.end - h1->span.start;
      bool named = !p->title_tag.prio || contains(mp + p->title_tag.off, p->title_tag.len, hs, hn);
      if (named)
        meta_offer(p, CTIX__META_TITLE, 31, hs, hn);
    }
    mp = p->mpool.data; /* the offer may have moved the pool */
    if (p->title_tag.prio) {
      const mcand *site = &p->meta[CTIX__META_SITE_NAME];
      size_t tn = strip_site(mp + p->title_tag.off, p->title_tag.len,
                             site->prio ? mp + site->off : "", site->prio ? site->len : 0);
      meta_offer(p, CTIX__META_TITLE, 50, mp + p->title_tag.off, tn);
    }
    mp = p->mpool.data;
  }
  if (p->rc)
    return p->rc;
  for (f = 0; f < NFIELDS; f++) {
    const mcand *m = &p->meta[f];
    int rc;
    if (m->prio && (rc = ctix__docb_meta(b, (ctix__meta_field)f, mp + m->off, m->len)))
      return rc;
  }
  return 0;
}

/* ---------------------------------------------------------------- entry */

/* Releases the recorded page. */
static void hp_free(hp *p)
{
  ctix__buf_free(&p->nodes);
  ctix__buf_free(&p->events);
  ctix__buf_free(&p->pool);
  ctix__buf_free(&p->stack);
  ctix__buf_free(&p->tables);
  ctix__buf_free(&p->cands_list);
  ctix__buf_free(&p->times);
  ctix__buf_free(&p->mpool);
  ctix__buf_free(&p->cap);
}

/* Runs libxml2's HTML parser over the (valid UTF-8) input with the
 * callbacks above, its error output redirected into the counter. libxml2
 * is told the input is UTF-8 and to ignore <meta> charsets (to_utf8 has
 * converted the input): left to itself, libxml2 2.9 reads undeclared
 * UTF-8 as Latin-1, switches to Latin-1 mid-page at a bad byte, and drops
 * the rest of a page at the first byte its converter rejects. Setting the
 * charset rather than passing an encoding name avoids a second copy of the
 * input through a UTF-8 to UTF-8 converter. The pull parser is used, not
 * the push one: libxml2 2.9's push parser ignores everything after the
 * first </html>, which would drop text. */
static int run_parser(hp *p, const char *s, size_t n)
{
  xmlGenericErrorFunc old_generic = xmlGenericError;
  void *old_generic_ctx = xmlGenericErrorContext;
  xmlStructuredErrorFunc old_structured = xmlStructuredError;
  void *old_structured_ctx = xmlStructuredErrorContext;

  if (n == 0)
    return 0; /* a byte order mark alone */
  xmlInitParser();
  xmlSetGenericErrorFunc(p, on_generic_error);
  xmlSetStructuredErrorFunc(p, on_error);
  p->ctxt = htmlCreateMemoryParserCtxt(s, (int)n);
  if (!p->ctxt || !p->ctxt->sax) {
    hp_fail(p, CTIX_ENOMEM);
  } else {
    memset(p->ctxt->sax, 0, sizeof(*p->ctxt->sax));
    p->ctxt->sax->startElement = on_start;
    p->ctxt->sax->endElement = on_end;
    p->ctxt->sax->characters = on_text;
    p->ctxt->sax->ignorableWhitespace = on_text;
    p->ctxt->sax->cdataBlock = on_cdata;
    p->ctxt->sax->serror = on_error;
    p->ctxt->sax->initialized = XML_SAX2_MAGIC;
    p->ctxt->userData = p;
    htmlCtxtUseOptions(p->ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                    HTML_PARSE_NOWARNING | HTML_PARSE_IGNORE_ENC);
    p->ctxt->charset = XML_CHAR_ENCODING_UTF8;
    htmlParseDocument(p->ctxt);
    if (p->ctxt->myDoc) /* no tree is built with these callbacks; defensive */
      xmlFreeDoc(p->ctxt->myDoc);
    p->ctxt->myDoc = NULL;
  }
  htmlFreeParserCtxt(p->ctxt);
  p->ctxt = NULL;
  xmlSetGenericErrorFunc(old_generic_ctx, old_generic);
  xmlSetStructuredErrorFunc(old_structured_ctx, old_structured);
  return p->rc;
}

/* HTML to document: charset to UTF-8, SAX parse into the recorded page,
 * statistics and chrome, choice of the content root, emission of blocks,
 * links, metadata and warnings. See the comment at the top of the file. */
int ctix__doc_parse_html(ctix__docb *b, const char *s, size_t n)
{
  hp p;
  walker w;
  ctix_buf conv;
  uint32_t root = NONE, heading = NONE, i;
  uint64_t page_text = 0;
  size_t k;
  int rc;

  memset(&p, 0, sizeof(p));
  memset(&w, 0, sizeof(w));
  /* the page records below live until the end: sentences come after them */
  b->defer_sentences = true;
  ctix__buf_init(&conv, n > (SIZE_MAX - 4096) / 4 ? SIZE_MAX / 2 : n * 4 + 4096);
  p.b = b;
  p.max_depth = b->opts ? b->opts->max_depth : CTIX_DEFAULT_MAX_DEPTH;
  p.code_node = NONE;
  p.author_node = NONE;
  /* Text can grow past the input only by charset conversion (<= 3x). */
  ctix__buf_init(&p.pool, n > (UINT32_MAX - 4096) / 4 ? UINT32_MAX - 1 : n * 4 + 4096);
  ctix__buf_init(&p.nodes, (size_t)-1 / 2);
  ctix__buf_init(&p.events, (size_t)-1 / 2);
  ctix__buf_init(&p.stack, (size_t)-1 / 2);
  ctix__buf_init(&p.tables, (size_t)-1 / 2);
  ctix__buf_init(&p.cands_list, (size_t)-1 / 2);
  ctix__buf_init(&p.times, (size_t)-1 / 2);
  ctix__buf_init(&p.mpool, (size_t)64 * 1024 * 1024);
  ctix__buf_init(&p.cap, MAX_JSONLD);
  ctix__buf_init(&w.frames, (size_t)-1 / 2);
  ctix__buf_init(&w.links, (size_t)-1 / 2);
  if (n > INT32_MAX) {
    rc = ctix__error_set(b->err, CTIX_ETOOBIG, "HTML input over 2 GiB is not supported");
    goto done;
  }
  if ((rc = to_utf8(&p, &conv, &s, &n)))
    goto done;
  if (n > INT32_MAX) {
    rc = ctix__error_set(b->err, CTIX_ETOOBIG, "HTML input over 2 GiB is not supported");
    goto done;
  }
  if ((rc = run_parser(&p, s, n)))
    goto done;
  while (p.stack.len && !p.rc)
    close_top(&p); /* elements libxml2 left open */
  if ((rc = p.rc))
    goto done;

  settle_stats(&p);
  for (i = 0; i < NNODES(&p); i = NODE(&p, i).end > i ? NODE(&p, i).end : i + 1) {
    const hnode *nd = &NODE(&p, i); /* the top-level elements */
    if (!nd->why)
      page_text += nd->text;
  }
  w.p = &p;
  w.b = b;
  if (page_text == 0) {
    /* No text outside chrome: keep the chrome rather than nothing. */
    w.keep_chrome = true;
  } else {
    root = pick_candidate(&p, page_text);
    if (root == NONE)
      root = descend(&p, NONE, page_text);
    if (root != NONE && !(NODE(&p, root).flags & N_HAS_H1))
      heading = title_heading(&p, root);
  }
  if (heading != NONE && (rc = walk(&w, heading)))
    goto done;
  if ((rc = walk(&w, root)))
    goto done;
  if (w.keep_chrome && CTIX__BUF_COUNT(&b->blocks, ctix_block))
    ctix__docb_warn(b, CTIX_ENOTFOUND, CTIX_NOPOS,
                    "HTML: no main content found; navigation and page chrome kept");

  for (k = 0; k < CTIX__BUF_COUNT(&w.links, wlink); k++) {
    wlink *l = &CTIX__BUF_AT(&w.links, wlink, k);
    size_t len = ctix__docb_mark(b);
    if (l->start > len)
      l->start = len;
    if (l->end > len)
      l->end = len;
    if ((rc = ctix__docb_link(b, p.pool.data + l->href_off, l->href_len, l->start, l->end)))
      goto done;
  }
  if ((rc = finish_meta(&p, root)))
    goto done;
  if (p.nerrors)
    ctix__docb_warn(b, CTIX_EPARSE, CTIX_NOPOS,
                    "HTML: %zu markup error(s) recovered; first at line %d: %s", p.nerrors,
                    p.err_line, p.err_msg);

done:
  hp_free(&p);
  ctix__buf_free(&conv);
  ctix__buf_free(&w.frames);
  ctix__buf_free(&w.links);
  return rc;
}
