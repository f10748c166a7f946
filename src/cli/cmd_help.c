/*
 * `ctix help [COMMAND]`: the overview of all commands, or one command's
 * help text (the same text `ctix COMMAND --help` prints).
 */
#include <stdio.h>

#include "cli/cli_internal.h"

enum { OPT_HELP = 1 };

static const ctix__cli_opt help_opts[] = {
    {OPT_HELP, 'h', "help", false},
    {0, 0, NULL, false},
};

static int run_help(int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg, *name = NULL;
  const ctix_cli_cmd *cmd = NULL;
  int id;
  ctix__cli_args_init(&p, argc, argv, "help", help_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    switch (id) {
    case CTIX__CLI_BAD:
      return CTIX_EXIT_USAGE;
    case OPT_HELP:
      ctix__cli_print_help(stdout, &ctix__cli_cmd_help);
      return CTIX_EXIT_OK;
    case CTIX__CLI_OPERAND:
      if (name)
        return ctix__cli_usage("help", "too many arguments ('%s')", arg);
      name = arg;
      break;
    default:
      break;
    }
  }
  if (name && !(cmd = ctix__cli_find(name)))
    return ctix__cli_usage("help", "unknown command '%s'", name);
  ctix__cli_print_help(stdout, cmd);
  return CTIX_EXIT_OK;
}

const ctix_cli_cmd ctix__cli_cmd_help = {
    "help",
    "Show the list of commands, or the options of one command",
    "Usage: ctix help [COMMAND]\n"
    "\n"
    "Without COMMAND, list the commands of ctix. With COMMAND, print its usage\n"
    "and options (the same text as 'ctix COMMAND --help').\n"
    "\n"
    "Options:\n"
    "  -h, --help    show this help\n"
    "\n"
    "Exit status: 0 on success, 2 for an unknown command or option.\n",
    run_help,
};
