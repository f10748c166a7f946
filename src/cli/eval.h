/*
 * Sub-commands of `ctix eval` defined outside cmd_eval.c. Each takes the
 * arguments after `eval` (argv[0] is the sub-command's name) and returns a
 * CTIX_EXIT_* code (src/cli/cli.h).
 */
#ifndef CTIX_CLI_EVAL_H
#define CTIX_CLI_EVAL_H

/* `ctix eval entities DIR [--json]` (eval_entities.c). */
int ctix__eval_entities(int argc, char **argv);

/*
 * `ctix eval attribution [--json]` (eval_attribution.c): attribution by
 * resemblance checked on ATT&CK's own campaigns attributed to a group,
 * each left out of every profile; top-1 and top-5 rates of the group.
 */
int ctix__eval_attribution(int argc, char **argv);

#endif
