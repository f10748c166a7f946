/*
 * `ctix refang` and `ctix defang`: filters from a file or standard input to
 * standard output. refang turns every defanged form back into its plain
 * form (hxxp -> http, [.] -> ., [@] -> @, ...); defang writes the URLs,
 * domains, IP and e-mail addresses of the text in the common defanged
 * style. The input is streamed in blocks cut at line ends, so memory use
 * does not grow with the input; a line longer than a block is cut at a
 * space (or, without one, at the block size).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_internal.h"
#include "ctix/ioc.h"

enum { OPT_HELP = 1 };

static const ctix__cli_opt filter_opts[] = {
    {OPT_HELP, 'h', "help", false},
    {0, 0, NULL, false},
};

/* Bytes read at a time; a block is processed up to its last line end. */
#define BLOCK (1u << 20)

typedef int (*filter_fn)(char **out, size_t *outlen, const char *text, size_t len,
                         ctix_error *err);

/* Where to cut data[0..n) when more input follows: after the last line end,
 * else after the last space, else at n. */
static size_t cut_point(const char *data, size_t n)
{
  size_t i;
  for (i = n; i > 0; i--)
    if (data[i - 1] == '\n')
      return i;
  for (i = n; i > 0; i--)
    if (data[i - 1] == ' ' || data[i - 1] == '\t')
      return i;
  return n;
}

/* Runs `fn` over data[0..n) and writes the result; returns an exit status. */
static int filter_write(filter_fn fn, const char *name, const char *data, size_t n)
{
  char *res = NULL;
  size_t rlen = 0;
  ctix_error err;
  int rc;
  ctix_error_clear(&err);
  if ((rc = fn(&res, &rlen, data, n, &err))) {
    ctix__error_source(&err, name);
    ctix__cli_error(&err);
    return rc == CTIX_ENOMEM ? CTIX_EXIT_INTERNAL : CTIX_EXIT_INPUT;
  }
  if (rlen && fwrite(res, 1, rlen, stdout) != rlen) {
    free(res);
    ctix__cli_msg("cannot write to standard output");
    return CTIX_EXIT_OUTPUT;
  }
  free(res);
  return CTIX_EXIT_OK;
}

/* Streams `f` through `fn` to standard output. */
static int filter_stream(filter_fn fn, FILE *f, const char *name)
{
  char *buf = malloc((size_t)2 * BLOCK);
  size_t have = 0;
  int rc = CTIX_EXIT_OK;
  if (!buf) {
    ctix__cli_msg("out of memory");
    return CTIX_EXIT_INTERNAL;
  }
  for (;;) {
    size_t got = fread(buf + have, 1, (size_t)2 * BLOCK - have, f);
    size_t cut;
    bool eof;
    have += got;
    eof = got == 0 || feof(f) || ferror(f);
    if (ferror(f)) {
      ctix__cli_msg("%s: read failed: %s", name, strerror(errno));
      rc = CTIX_EXIT_INPUT;
      break;
    }
    if (!eof && have < BLOCK)
      continue;
    cut = eof ? have : cut_point(buf, have);
    if (cut && (rc = filter_write(fn, name, buf, cut)) != CTIX_EXIT_OK)
      break;
    memmove(buf, buf + cut, have - cut);
    have -= cut;
    if (eof && have == 0)
      break;
  }
  free(buf);
  if (rc == CTIX_EXIT_OK && (fflush(stdout) != 0 || ferror(stdout))) {
    ctix__cli_msg("cannot write to standard output");
    rc = CTIX_EXIT_OUTPUT;
  }
  return rc;
}

/* The common body of both commands. */
static int run_filter(const ctix_cli_cmd *cmd, filter_fn fn, int argc, char **argv)
{
  ctix__cli_args p;
  const char *arg, *input = NULL;
  FILE *f;
  int id, rc;
  ctix__cli_args_init(&p, argc, argv, cmd->name, filter_opts);
  while ((id = ctix__cli_args_next(&p, &arg)) != CTIX__CLI_END) {
    if (id == CTIX__CLI_BAD)
      return CTIX_EXIT_USAGE;
    if (id == OPT_HELP) {
      ctix__cli_print_help(stdout, cmd);
      return CTIX_EXIT_OK;
    }
    if (id == CTIX__CLI_OPERAND) {
      if (input)
        return ctix__cli_usage(cmd->name, "one input only (a FILE, or - for standard input)");
      input = arg;
    }
  }
  if (!input || strcmp(input, "-") == 0)
    return filter_stream(fn, stdin, "<stdin>");
  f = fopen(input, "rb");
  if (!f) {
    ctix__cli_msg("%s: cannot open: %s", input, strerror(errno));
    return CTIX_EXIT_INPUT;
  }
  rc = filter_stream(fn, f, input);
  fclose(f);
  return rc;
}

static int run_refang(int argc, char **argv)
{
  return run_filter(&ctix__cli_cmd_refang, ctix_refang, argc, argv);
}

static int run_defang(int argc, char **argv)
{
  return run_filter(&ctix__cli_cmd_defang, ctix_defang, argc, argv);
}

const ctix_cli_cmd ctix__cli_cmd_refang = {
    "refang",
    "Refang text: hxxp, [.], [@], (dot) back to their plain forms",
    "Usage: ctix refang [FILE|-]\n"
    "\n"
    "Copy FILE (- or nothing for standard input) to standard output with every\n"
    "defanged form made plain again: hxxp:// and h**p:// -> http://, [.] (.)\n"
    "{.} [dot] (dot) \\. -> ., [:] -> :, [@] (at) [at] -> @, brackets around\n"
    "hosts removed. Text that is not defanged is copied unchanged. The input\n"
    "is read as bytes, whatever its format.\n"
    "\n"
    "Options:\n"
    "  -h, --help    show this help\n"
    "\n"
    "Examples:\n"
    "  echo 'hxxps://evil[.]example/x' | ctix refang\n"
    "  ctix refang report.txt > plain.txt\n"
    "\n"
    "Exit status: 0 on success, 1 the input could not be read, 2 bad command\n"
    "line, 3 output could not be written, 4 internal error.\n",
    run_refang,
};

const ctix_cli_cmd ctix__cli_cmd_defang = {
    "defang",
    "Defang text: make its URLs, domains, IPs and e-mails unclickable",
    "Usage: ctix defang [FILE|-]\n"
    "\n"
    "Copy FILE (- or nothing for standard input) to standard output with the\n"
    "URLs, domains, IP addresses and e-mail addresses it holds defanged in the\n"
    "common style (hxxp://, [.], [@]), so they can be shared without becoming\n"
    "links. Other text is copied unchanged; ctix refang undoes it.\n"
    "\n"
    "Options:\n"
    "  -h, --help    show this help\n"
    "\n"
    "Examples:\n"
    "  echo 'see http://evil.example.com/x' | ctix defang\n"
    "  ctix defang iocs.txt | ctix refang\n"
    "\n"
    "Exit status: 0 on success, 1 the input could not be read, 2 bad command\n"
    "line, 3 output could not be written, 4 internal error.\n",
    run_defang,
};
