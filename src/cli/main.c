/*
 * The ctix program: the table of sub-commands, dispatch to them, and the
 * messages every command prints on stderr (usage errors with a hint, input
 * errors as one line naming the source and position).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli_internal.h"

/* The command table, in the order `ctix help` lists it. */
const ctix_cli_cmd *const ctix__cli_commands[] = {
    &ctix__cli_cmd_analyze,
    &ctix__cli_cmd_iocs,
    &ctix__cli_cmd_refang,
    &ctix__cli_cmd_defang,
    &ctix__cli_cmd_eval,
    &ctix__cli_cmd_kb,
    &ctix__cli_cmd_model,
    &ctix__cli_cmd_sigma,
    &ctix__cli_cmd_help,
    &ctix__cli_cmd_version,
    NULL,
};

const ctix_cli_cmd *ctix__cli_find(const char *name)
{
  size_t i;
  for (i = 0; ctix__cli_commands[i]; i++)
    if (strcmp(ctix__cli_commands[i]->name, name) == 0)
      return ctix__cli_commands[i];
  return NULL;
}

int ctix__cli_usage(const char *cmd, const char *fmt, ...)
{
  va_list ap;
  ctix__progress_clear();
  if (cmd)
    fprintf(stderr, "ctix %s: ", cmd);
  else
    fputs("ctix: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  if (cmd)
    fprintf(stderr, "; try 'ctix help %s'\n", cmd);
  else
    fprintf(stderr, "; try 'ctix help'\n");
  return CTIX_EXIT_USAGE;
}

void ctix__cli_msg(const char *fmt, ...)
{
  va_list ap;
  ctix__progress_clear();
  fputs("ctix: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void ctix__cli_error(const ctix_error *err)
{
  char line[CTIX_ERROR_SRC_MAX + CTIX_ERROR_MSG_MAX + 64];
  ctix__progress_clear();
  ctix_error_format(line, sizeof(line), err);
  fprintf(stderr, "%s\n", line);
}

/* The overview: every command with its one-line summary. */
static void print_overview(FILE *f)
{
  size_t i;
  fprintf(f,
          "ctix %s - turn cyber-threat articles and reports into intelligence, offline\n"
          "\n"
          "Usage: ctix COMMAND [OPTION]... [ARGUMENT]...\n"
          "\n"
          "Commands:\n",
          ctix_version());
  for (i = 0; ctix__cli_commands[i]; i++)
    fprintf(f, "  %-10s %s\n", ctix__cli_commands[i]->name, ctix__cli_commands[i]->summary);
  fprintf(f, "\n"
             "Options:\n"
             "  -h, --help     show this help (same as 'ctix help')\n"
             "      --version  print the version (same as 'ctix version')\n"
             "\n"
             "Run 'ctix help COMMAND' for the options of a command; the manual\n"
             "page is docs/ctix.1 ('man ./docs/ctix.1').\n");
}

void ctix__cli_print_help(FILE *f, const ctix_cli_cmd *cmd)
{
  if (cmd)
    fputs(cmd->help, f);
  else
    print_overview(f);
}

/* Reports an unknown command with the nearest known name. */
static int unknown_command(const char *name)
{
  const char *names[32];
  const char *hint;
  size_t n = 0;
  while (ctix__cli_commands[n] && n < 32) {
    names[n] = ctix__cli_commands[n]->name;
    n++;
  }
  hint = ctix__cli_suggest(name, names, n);
  if (hint)
    return ctix__cli_usage(NULL, "unknown command '%s' (did you mean '%s'?)", name, hint);
  return ctix__cli_usage(NULL, "unknown command '%s'", name);
}

int main(int argc, char **argv)
{
  const ctix_cli_cmd *cmd;
  const char *a = argc > 1 ? argv[1] : NULL;
  if (!a) {
    print_overview(stderr);
    return CTIX_EXIT_USAGE;
  }
  if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
    print_overview(stdout);
    return CTIX_EXIT_OK;
  }
  if (strcmp(a, "--version") == 0)
    return ctix__cli_cmd_version.run(1, argv + 1);
  if (a[0] == '-')
    return ctix__cli_usage(NULL, "unknown option '%s' (a command comes first)", a);
  cmd = ctix__cli_find(a);
  if (!cmd)
    return unknown_command(a);
  return cmd->run(argc - 1, argv + 1);
}
