/* Test driver: `driver eval ARGS` runs ctix__eval_sigma, `driver ARGS`
 * runs ctix__sigma_convert_main (until the lead wires them into ctix). */
#include <string.h>

#include "cli/sigma_cli.h"

int main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "eval") == 0)
    return ctix__eval_sigma(argc - 1, argv + 1);
  return ctix__sigma_convert_main(argc - 1, argv + 1);
}
