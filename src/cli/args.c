/*
 * Command-line option parsing for every ctix command, driven by each
 * command's option table: long options (--name, --name=value, --name
 * value), short ones (-o DIR, -oDIR, clusters like -qh), "--" to end the
 * options and "-" as an operand. Errors are one line with a hint, and an
 * unknown name gets a "did you mean" from the table.
 */
#include <string.h>

#include "cli/cli_internal.h"

void ctix__cli_args_init(ctix__cli_args *p, int argc, char **argv, const char *cmd,
                         const ctix__cli_opt *opts)
{
  memset(p, 0, sizeof(*p));
  p->argc = argc;
  p->argv = argv;
  p->next = 1;
  p->cmd = cmd;
  p->opts = opts;
}

/* Edit distance of two short strings, capped at 3 ("far"). */
static size_t edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b), i, j;
  size_t row[64];
  if (la >= 63 || lb >= 63)
    return 3;
  for (j = 0; j <= lb; j++)
    row[j] = j;
  for (i = 1; i <= la; i++) {
    size_t diag = row[0];
    row[0] = i;
    for (j = 1; j <= lb; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);
      if (row[j] + 1 < best)
        best = row[j] + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  return row[lb] > 3 ? 3 : row[lb];
}

const char *ctix__cli_suggest(const char *word, const char *const *names, size_t n)
{
  const char *best = NULL;
  size_t i, bestd = 3, wl = strlen(word);
  for (i = 0; i < n; i++) {
    size_t d;
    if (!names[i])
      continue;
    /* A unique-looking prefix ("--verb") is as good as a near miss. */
    if (wl >= 3 && strncmp(names[i], word, wl) == 0)
      return names[i];
    d = edit_distance(word, names[i]);
    if (d < bestd) {
      bestd = d;
      best = names[i];
    }
  }
  return best;
}

/* Reports an unknown long option, with a suggestion from the table. */
static int unknown_long(ctix__cli_args *p, const char *name, size_t n)
{
  const char *names[64];
  char word[64];
  size_t k = 0, i;
  const char *hint;
  for (i = 0; p->opts[i].id && k < 64; i++)
    if (p->opts[i].long_name)
      names[k++] = p->opts[i].long_name;
  if (n >= sizeof(word))
    n = sizeof(word) - 1;
  memcpy(word, name, n);
  word[n] = '\0';
  hint = ctix__cli_suggest(word, names, k);
  if (hint)
    return ctix__cli_usage(p->cmd, "unknown option '--%s' (did you mean '--%s'?)", word, hint);
  return ctix__cli_usage(p->cmd, "unknown option '--%s'", word);
}

static int parse_long(ctix__cli_args *p, const char *a, const char **arg)
{
  const char *name = a + 2, *eq = strchr(name, '=');
  size_t n = eq ? (size_t)(eq - name) : strlen(name);
  size_t i;
  for (i = 0; p->opts[i].id; i++) {
    const ctix__cli_opt *o = &p->opts[i];
    if (!o->long_name || strlen(o->long_name) != n || strncmp(o->long_name, name, n) != 0)
      continue;
    if (!o->has_arg) {
      if (eq) {
        ctix__cli_usage(p->cmd, "option '--%s' takes no value", o->long_name);
        return CTIX__CLI_BAD;
      }
      return o->id;
    }
    if (eq) {
      *arg = eq + 1;
      return o->id;
    }
    if (p->next >= p->argc) {
      ctix__cli_usage(p->cmd, "option '--%s' needs a value", o->long_name);
      return CTIX__CLI_BAD;
    }
    *arg = p->argv[p->next++];
    return o->id;
  }
  unknown_long(p, name, n);
  return CTIX__CLI_BAD;
}

static int parse_short(ctix__cli_args *p, const char **arg)
{
  char c = *p->cluster++;
  size_t i;
  for (i = 0; p->opts[i].id; i++) {
    const ctix__cli_opt *o = &p->opts[i];
    if (o->short_name != c)
      continue;
    if (!o->has_arg) {
      if (!*p->cluster)
        p->cluster = NULL;
      return o->id;
    }
    if (*p->cluster) {
      *arg = p->cluster;
    } else if (p->next < p->argc) {
      *arg = p->argv[p->next++];
    } else {
      ctix__cli_usage(p->cmd, "option '-%c' needs a value", c);
      p->cluster = NULL;
      return CTIX__CLI_BAD;
    }
    p->cluster = NULL;
    return o->id;
  }
  p->cluster = NULL;
  if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
    ctix__cli_usage(p->cmd, "unknown option (byte 0x%02x)", (unsigned char)c);
  else
    ctix__cli_usage(p->cmd, "unknown option '-%c'", c);
  return CTIX__CLI_BAD;
}

int ctix__cli_args_next(ctix__cli_args *p, const char **arg)
{
  const char *a;
  *arg = NULL;
  if (p->cluster)
    return parse_short(p, arg);
  if (p->next >= p->argc)
    return CTIX__CLI_END;
  a = p->argv[p->next++];
  if (p->operands_only || a[0] != '-' || a[1] == '\0') {
    *arg = a;
    return CTIX__CLI_OPERAND;
  }
  if (a[1] == '-') {
    if (a[2] == '\0') {
      p->operands_only = true;
      return ctix__cli_args_next(p, arg);
    }
    return parse_long(p, a, arg);
  }
  p->cluster = a + 1;
  return parse_short(p, arg);
}
