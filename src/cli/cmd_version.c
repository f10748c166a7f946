/*
 * `ctix version` (also `ctix --version`): the program version and the
 * version of the JSON report schema it writes.
 */
#include <stdio.h>

#include "cli/cli_internal.h"

enum { OPT_HELP = 1 };

static const ctix__cli_opt version_opts[] = {
    {OPT_HELP, 'h', "help", false},
    {0, 0, NULL, false},
};

static int run_version(int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg;
  int id;
  ctix__cli_args_init(&p, argc, argv, "version", version_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    if (id == CTIX__CLI_BAD)
      return CTIX_EXIT_USAGE;
    if (id == OPT_HELP) {
      ctix__cli_print_help(stdout, &ctix__cli_cmd_version);
      return CTIX_EXIT_OK;
    }
    if (id == CTIX__CLI_OPERAND)
      return ctix__cli_usage("version", "unexpected argument '%s'", arg);
  }
  printf("ctix %s\nreport schema %s\n", ctix_version(), CTIX_REPORT_SCHEMA_VERSION);
  if (fflush(stdout) != 0 || ferror(stdout)) {
    ctix__cli_msg("cannot write to standard output");
    return CTIX_EXIT_OUTPUT;
  }
  return CTIX_EXIT_OK;
}

const ctix_cli_cmd ctix__cli_cmd_version = {
    "version",
    "Print the version of ctix and of its report schema",
    "Usage: ctix version\n"
    "       ctix --version\n"
    "\n"
    "Print the version of ctix and the version of the JSON report schema it\n"
    "writes (docs/report-json.md).\n"
    "\n"
    "Options:\n"
    "  -h, --help    show this help\n"
    "\n"
    "Exit status: 0 on success, 2 for an unknown option or argument.\n",
    run_version,
};
