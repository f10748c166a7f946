/*
 * The ctix command line: one table of sub-commands (main.c), each defined
 * in its own cmd_<name>.c. A command's help text is the single source for
 * `ctix help NAME`, `ctix NAME --help` and the man page check.
 */
#ifndef CTIX_CLI_H
#define CTIX_CLI_H

/* Documented exit codes of every ctix command. */
enum {
  CTIX_EXIT_OK = 0,       /* success */
  CTIX_EXIT_INPUT = 1,    /* at least one input failed (batch went on) */
  CTIX_EXIT_USAGE = 2,    /* bad command line */
  CTIX_EXIT_OUTPUT = 3,   /* could not write output */
  CTIX_EXIT_INTERNAL = 4  /* out of memory or internal error */
};

typedef struct ctix_cli_cmd {
  const char *name;
  const char *summary;    /* one line for `ctix help` */
  const char *help;       /* full usage and options, as printed by --help */
  int (*run)(int argc, char **argv);  /* argv[0] is the command name */
} ctix_cli_cmd;

extern const ctix_cli_cmd ctix__cli_cmd_analyze;
extern const ctix_cli_cmd ctix__cli_cmd_version;
extern const ctix_cli_cmd ctix__cli_cmd_help;
extern const ctix_cli_cmd ctix__cli_cmd_kb;
extern const ctix_cli_cmd ctix__cli_cmd_iocs;
extern const ctix_cli_cmd ctix__cli_cmd_refang;
extern const ctix_cli_cmd ctix__cli_cmd_defang;
extern const ctix_cli_cmd ctix__cli_cmd_eval;
extern const ctix_cli_cmd ctix__cli_cmd_model;
extern const ctix_cli_cmd ctix__cli_cmd_sigma;

/* The command table, NULL-terminated. */
extern const ctix_cli_cmd *const ctix__cli_commands[];

#endif
