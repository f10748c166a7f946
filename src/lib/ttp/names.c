/*
 * Explicit ATT&CK ids and technique names, the first rule signal of the
 * technique mapper.
 *
 * Ids: "T1059", "T1566.001" and the URL form "T1059/001" (as in
 * attack.mitre.org/techniques/T1059/001), capital T, on word boundaries,
 * resolved through the knowledge base: revoked ids map to their current
 * technique, unknown or deprecated ids are ignored. Ids of every ATT&CK
 * domain count: Enterprise and Mobile ("T1636.004", both begin with "T1")
 * and ICS ("T0883"). The automaton only sees the triggers "t1" and "t0";
 * the id itself is read here.
 *
 * Names are Enterprise only: the exact names of Mobile and ICS techniques
 * were measured on the dev documents and found imprecise ("Scripting",
 * "Hooking", "Accounts", "Denial of Service"; docs/ttp.md, "Mobile and
 * ICS techniques").
 *
 * Names: every current Enterprise technique's name, matched as a pattern
 * (case ignored, word boundaries, any white space between words), with a
 * plural form ("scheduled tasks") and, for names of two to four words, a
 * hyphenated one ("pass-the-hash"). A sub-technique also matches as
 * "Parent: Sub", ATT&CK's own way of writing it. A sub-technique's bare
 * name is left out when another technique has the same name ("Domain
 * Accounts" is three techniques). Weights and exclusions come from
 * data/ttp/names.tsv (same format as cues.tsv, built by
 * tools/ttp/name_stats.py from the measured precision of each name on the
 * dev sentence sets): a line whose pattern is the technique's name sets
 * that name's weight, 0.00 meaning "too generic, never match the bare
 * name" ("Proxy", "Credentials"); any other pattern is an extra name of
 * the technique. Names without a line weigh NAME_DEFAULT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttp/cues_internal.h"
#include "util/err.h"
#include "util/str.h"

/* Weight of a name nobody measured, and of the "Parent: Sub" form. */
#define NAME_DEFAULT 0.75f
#define NAME_QUALIFIED 0.95f
/* Longest name handled (with its variants). */
#define NAME_MAX 160u

/* Flag on a pattern value marking a name (cues.c reads it back). */
#define NAME_BIT 0x80000000u

/* How explicit ids begin: Enterprise and Mobile "T1...", ICS "T0...". */
static const char *const id_triggers[] = {"t1", "t0"};

bool ctix__ttp_read_id(const ctix_kb *kb, const char *text, size_t len, size_t start,
                       ctix_kb_ref *ref, size_t *end, const char **written)
{
  const unsigned char *t = (const unsigned char *)text;
  char id[10];
  size_t p = start + 5, n = 5, i;
  ctix_kb_ref found;
  ctix_kb_obj obj, cur;

  if (start + 5 > len || t[start] != 'T')
    return false;
  if (start > 0 && (ctix__isalnum(t[start - 1]) || t[start - 1] == '_'))
    return false;
  for (i = 1; i < 5; i++)
    if (!ctix__isdigit(t[start + i]))
      return false;
  memcpy(id, text + start, 5);
  if (p + 4 <= len && (t[p] == '.' || t[p] == '/') && ctix__isdigit(t[p + 1]) &&
      ctix__isdigit(t[p + 2]) && ctix__isdigit(t[p + 3]) &&
      (p + 4 == len || !(ctix__isalnum(t[p + 4]) || t[p + 4] == '_'))) {
    id[5] = '.';
    memcpy(id + 6, text + p + 1, 3);
    n = 9;
  } else if (p < len && (ctix__isalnum(t[p]) || t[p] == '_')) {
    return false;
  }
  id[n] = '\0';
  if (ctix_kb_find_id(kb, id, n, &found) != 0 || ctix_kb_get(kb, found, &obj) != 0 ||
      obj.kind != CTIX_KB_TECHNIQUE)
    return false;
  if (obj.flags & CTIX_KB_REVOKED) {
    if (obj.revoked_by == CTIX_KB_NONE || ctix_kb_get(kb, obj.revoked_by, &cur) != 0 ||
        cur.kind != CTIX_KB_TECHNIQUE)
      return false;
  } else {
    cur = obj;
  }
  if ((cur.flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)) ||
      !(cur.domains & (CTIX_KB_ENTERPRISE | CTIX_KB_MOBILE | CTIX_KB_ICS)))
    return false;
  *ref = cur.ref;
  *end = start + (n == 9 ? 9 : 5);
  *written = obj.id;
  return true;
}

/* A current Enterprise technique. */
static bool usable(const ctix_kb_obj *o)
{
  return o->kind == CTIX_KB_TECHNIQUE && (o->domains & CTIX_KB_ENTERPRISE) &&
         !(o->flags & (CTIX_KB_REVOKED | CTIX_KB_DEPRECATED)) && o->name[0];
}

/* How many usable techniques are named `name` (case ignored). */
static size_t name_count(const ctix_kb *kb, const char *name)
{
  ctix_kb_ref refs[8];
  size_t n = ctix_kb_find_name(kb, name, strlen(name), refs, 8), i, c = 0;
  ctix_kb_obj o;
  for (i = 0; i < n && i < 8; i++)
    if (ctix_kb_get(kb, refs[i], &o) == 0 && usable(&o) && ctix__mem_ieq(o.name, strlen(o.name), name))
      c++;
  return c;
}

/* Weight set by names.tsv for `ref`'s pattern `lower`, or `dflt`. */
static float listed_weight(const ctix__ttp_patset *w, ctix_kb_ref ref, const char *lower,
                           float dflt, bool *listed)
{
  size_t i;
  uint32_t v;
  float wt;
  const char *cue;
  for (i = 0; ctix__ttp_patset_entry(w, i, &v, &wt, &cue); i++)
    if (v == ref && strcmp(cue, lower) == 0) {
      if (listed)
        *listed = true;
      return wt;
    }
  return dflt;
}

/* Adds one name pattern, skipping names the pattern syntax cannot express. */
static int add_one(ctix__ttp_patset *ps, const char *pat, ctix_kb_ref ref, float weight,
                   const char *cue, ctix_error *err)
{
  char why[64];
  int rc = ctix__ttp_patset_add(ps, pat, strlen(pat), ref | NAME_BIT, weight, cue, 0, why,
                                sizeof(why), err);
  return rc == CTIX_EPARSE ? 0 : rc;
}

/* Adds a name with its plural and hyphenated forms. */
static int add_name(ctix__ttp_patset *ps, const char *lower, ctix_kb_ref ref, float weight,
                    const char *cue, ctix_error *err)
{
  char v[NAME_MAX + 2];
  size_t n = strlen(lower), i, words = 1;
  int rc;
  bool letters = true;
  if (n == 0 || n > NAME_MAX)
    return 0;
  if ((rc = add_one(ps, lower, ref, weight, cue, err)))
    return rc;
  if (ctix__islower((unsigned char)lower[n - 1]) && lower[n - 1] != 's') {
    snprintf(v, sizeof(v), "%ss", lower);
    if ((rc = add_one(ps, v, ref, weight, cue, err)))
      return rc;
  }
  for (i = 0; i < n; i++) {
    if (lower[i] == ' ')
      words++;
    else if (!ctix__isalnum((unsigned char)lower[i]))
      letters = false;
  }
  if (letters && words >= 2 && words <= 4) {
    for (i = 0; i <= n; i++)
      v[i] = lower[i] == ' ' ? '-' : lower[i];
    if ((rc = add_one(ps, v, ref, weight, cue, err)))
      return rc;
  }
  return 0;
}

int ctix__ttp_names_add(ctix__ttp_patset *ps, const ctix_kb *kb, ctix_error *err)
{
  ctix__ttp_patset *w = NULL;
  ctix_kb_ref first, r;
  size_t count = ctix_kb_range(kb, CTIX_KB_TECHNIQUE, &first), i, len;
  const char *data;
  char why[64], lower[NAME_MAX + 1], full[2 * NAME_MAX + 3];
  uint32_t v;
  float wt;
  const char *cue;
  int rc;

  for (i = 0; i < sizeof(id_triggers) / sizeof(id_triggers[0]); i++)
    if ((rc = ctix__ttp_patset_add(ps, id_triggers[i], 2, CTIX__TTP_ID_TRIGGER, 1.0f, NULL,
                                   CTIX__TTP_PAT_OPEN_END, why, sizeof(why), err)))
      goto done;
  if ((rc = ctix__ttp_patset_new(&w, err)))
    goto done;
  data = ctix__ttp_data_names(&len);
  if ((rc = ctix__ttp_lexicon_parse(w, data, len, "names.tsv", kb, true, err)))
    goto done;
  for (r = first; r < first + count; r++) {
    ctix_kb_obj o, par;
    float weight;
    bool listed = false;
    if (ctix_kb_get(kb, r, &o) != 0 || !usable(&o))
      continue;
    if (!ctix__lower_copy(lower, sizeof(lower), o.name, strlen(o.name)))
      continue;
    weight = listed_weight(w, r, lower, NAME_DEFAULT, &listed);
    if (o.parent != CTIX_KB_NONE && ctix_kb_get(kb, o.parent, &par) == 0) {
      char plower[NAME_MAX + 1];
      if (ctix__lower_copy(plower, sizeof(plower), par.name, strlen(par.name))) {
        snprintf(full, sizeof(full), "%s: %s", plower, lower);
        if ((rc = add_one(ps, full, r, listed_weight(w, r, full, NAME_QUALIFIED, NULL), o.name,
                          err)))
          goto done;
      }
      if (!listed && name_count(kb, o.name) > 1)
        continue; /* shared sub-technique name: only with its parent */
    }
    if (weight > 0.0f && (rc = add_name(ps, lower, r, weight, o.name, err)))
      goto done;
  }
  /* extra names: lines of names.tsv that are not a technique's own name */
  for (i = 0; ctix__ttp_patset_entry(w, i, &v, &wt, &cue); i++) {
    ctix_kb_obj o;
    const char *copy;
    if (wt <= 0.0f || ctix_kb_get(kb, v, &o) != 0)
      continue;
    if (ctix__lower_copy(lower, sizeof(lower), o.name, strlen(o.name)) && strcmp(lower, cue) == 0)
      continue;
    if (o.parent != CTIX_KB_NONE) {
      char plower[NAME_MAX + 1];
      if (ctix__lower_copy(plower, sizeof(plower), ctix_kb_name(kb, o.parent),
                           strlen(ctix_kb_name(kb, o.parent)))) {
        snprintf(full, sizeof(full), "%s: %s", plower, lower);
        if (strcmp(full, cue) == 0)
          continue;
      }
    }
    copy = ctix__ttp_patset_strdup(ps, cue, strlen(cue));
    if (!copy) {
      rc = ctix__error_set(err, CTIX_ENOMEM, "out of memory");
      goto done;
    }
    if ((rc = add_one(ps, copy, v, wt, copy, err)))
      goto done;
  }
done:
  ctix__ttp_patset_free(w);
  return rc;
}
