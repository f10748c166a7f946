/*
 * `ctix model`: the technique model. `train` builds a model file from the
 * shared data (ATT&CK procedure examples and the ttp-eval dev splits);
 * the committed data/ttp/model.bin is its output on the full data.
 * `info` describes a model (the embedded one by default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "ctix/ttp.h"

enum { OPT_HELP = 1, OPT_SHARED, OPT_OUTPUT, OPT_MODEL, OPT_EXCLUDE, OPT_QUIET };

static const ctix__cli_opt model_opts[] = {
    {OPT_HELP, 'h', "help", false},
    {OPT_SHARED, 0, "shared", true},
    {OPT_OUTPUT, 'o', "output", true},
    {OPT_MODEL, 0, "model", true},
    {OPT_EXCLUDE, 0, "exclude", true},
    {OPT_QUIET, 'q', "quiet", false},
    {0, 0, NULL, false},
};

static const char *const subs[] = {"train", "info"};

static int run_model(int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg, *sub = NULL, *shared = "../shared", *outp = NULL, *model = NULL;
  ctix_buf excl = CTIX_BUF_INIT((size_t)1 << 20);
  bool quiet = false;
  ctix_error err;
  int id, rc = CTIX_EXIT_OK;
  ctix_error_clear(&err);
  ctix__cli_args_init(&p, argc, argv, "model", model_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    switch (id) {
    case CTIX__CLI_BAD: rc = CTIX_EXIT_USAGE; goto done;
    case OPT_HELP: ctix__cli_print_help(stdout, &ctix__cli_cmd_model); goto done;
    case OPT_SHARED: shared = arg; break;
    case OPT_OUTPUT: outp = arg; break;
    case OPT_MODEL: model = arg; break;
    case OPT_QUIET: quiet = true; break;
    case OPT_EXCLUDE:
      if (ctix__buf_push(&excl, &arg, sizeof(arg))) {
        rc = ctix__cli_usage("model", "too many --exclude options");
        goto done;
      }
      break;
    case CTIX__CLI_OPERAND:
      if (sub) {
        rc = ctix__cli_usage("model", "unexpected argument '%s'", arg);
        goto done;
      }
      sub = arg;
      break;
    default: break;
    }
  }
  if (!sub) {
    rc = ctix__cli_usage("model", "no sub-command (train or info)");
    goto done;
  }
  if (strcmp(sub, "train") == 0) {
    ctix_ttp_train_opts t;
    const char *nul = NULL;
    if (!outp) {
      rc = ctix__cli_usage("model", "train needs -o FILE");
      goto done;
    }
    if (ctix__buf_push(&excl, &nul, sizeof(nul))) {
      rc = CTIX_EXIT_INTERNAL;
      goto done;
    }
    memset(&t, 0, sizeof(t));
    t.shared_dir = shared;
    t.out_path = outp;
    t.exclude_ids = CTIX__BUF_COUNT(&excl, const char *) > 1
                        ? (const char *const *)(void *)excl.data
                        : NULL;
    t.threads = 1;
    t.progress = !quiet;
    if (ctix_ttp_model_train(&t, &err)) {
      ctix__cli_error(&err);
      rc = err.code == CTIX_ENOMEM ? CTIX_EXIT_INTERNAL : CTIX_EXIT_INPUT;
    }
  } else if (strcmp(sub, "info") == 0) {
    ctix_ttp_model *own = NULL;
    const ctix_ttp_model *m = NULL;
    char *text = NULL;
    if (model ? ctix_ttp_model_open_file(&own, model, &err) : ctix_ttp_model_default(&m, &err)) {
      ctix__cli_error(&err);
      rc = CTIX_EXIT_INPUT;
      goto done;
    }
    if (own)
      m = own;
    if (ctix_ttp_model_describe(&text, m, &err)) {
      ctix__cli_error(&err);
      rc = CTIX_EXIT_INTERNAL;
    } else {
      printf("origin: %s\n%s", model ? model : "embedded", text);
      if (fflush(stdout) || ferror(stdout))
        rc = CTIX_EXIT_OUTPUT;
    }
    free(text);
    ctix_ttp_model_free(own);
  } else {
    const char *hint = ctix__cli_suggest(sub, subs, 2);
    rc = hint ? ctix__cli_usage("model", "unknown sub-command '%s' (did you mean '%s'?)", sub, hint)
              : ctix__cli_usage("model", "unknown sub-command '%s' (train or info)", sub);
  }
done:
  ctix__buf_free(&excl);
  return rc;
}

const ctix_cli_cmd ctix__cli_cmd_model = {
    "model",
    "Train or describe the ATT&CK technique model",
    "Usage: ctix model train [--shared DIR] -o FILE [--exclude ID]... [-q]\n"
    "       ctix model info [--model FILE]\n"
    "\n"
    "train reads the ATT&CK procedure examples (DIR/data/attack) and the dev\n"
    "splits of DIR/data/ttp-eval, trains one linear model per technique\n"
    "(liblinear, one thread, fixed seed: the same data gives the same bytes)\n"
    "and writes the model file. The model built into ctix\n"
    "(data/ttp/model.bin) is this command's output on the full data.\n"
    "info describes a model: classes, features, decision parameters and the\n"
    "training manifest.\n"
    "\n"
    "Options:\n"
    "      --shared DIR   the shared data folder (default ../shared)\n"
    "  -o, --output FILE  the model file to write\n"
    "      --exclude ID   keep the report of this evaluation item id out of\n"
    "                     training (repeatable)\n"
    "      --model FILE   info: describe this file instead of the embedded model\n"
    "  -q, --quiet        no progress on stderr\n"
    "  -h, --help         show this help\n"
    "\n"
    "Examples:\n"
    "  ctix model train --shared ../shared -o data/ttp/model.bin\n"
    "  ctix model info\n"
    "\n"
    "Exit status: 0 done, 1 input could not be read, 2 bad command line,\n"
    "3 output could not be written, 4 internal error.\n",
    run_model,
};
