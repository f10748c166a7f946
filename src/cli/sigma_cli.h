/*
 * Entry points of the Sigma conversion commands (src/cli/sigma_convert.c),
 * wired by the command table into `ctix sigma convert|list` and
 * `ctix eval sigma`. argv[0] is the sub-command word ("convert", "list",
 * "sigma"); the return value is a CTIX_EXIT_* code of cli.h.
 */
#ifndef CTIX_CLI_SIGMA_CLI_H
#define CTIX_CLI_SIGMA_CLI_H

/* `ctix sigma convert -t TARGET [-p PIPELINE]... [--json] FILE|DIR...`,
 * `ctix sigma list targets|pipelines`. */
int ctix__sigma_convert_main(int argc, char **argv);

/* `ctix eval sigma FILE.jsonl --rules DIR [--json] [--show N]`. */
int ctix__eval_sigma(int argc, char **argv);

#endif
