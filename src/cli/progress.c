/*
 * The progress bar of batch runs, drawn on one line of stderr when it is a
 * terminal: a bar with done/total and the current input, or a running count
 * for a stream of unknown length. Redraws are limited to about 20 per
 * second, and every other message on stderr erases the line first so the
 * two never mix. Also the CLI's monotonic clock.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli_internal.h"

#define REDRAW_MS 50.0
#define BAR_WIDTH 24

static struct {
  bool on;          /* enabled and stderr is a terminal */
  bool drawn;       /* something is on the line */
  size_t total;
  double last_ms;
} prog;

double ctix__cli_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static size_t term_width(void)
{
  struct winsize ws;
  if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
    return ws.ws_col;
  return 80;
}

void ctix__progress_start(size_t total, bool enabled)
{
  memset(&prog, 0, sizeof(prog));
  prog.on = enabled && isatty(STDERR_FILENO);
  prog.total = total;
}

void ctix__progress_clear(void)
{
  if (!prog.drawn)
    return;
  fputs("\r\033[K", stderr);
  fflush(stderr);
  prog.drawn = false;
}

/* Keeps the tail of a label that is too long: "...end/of/path.md". */
static void put_label(char *out, size_t outsize, const char *label, size_t room)
{
  size_t n = strlen(label);
  if (room < 8 || outsize < 4) {
    out[0] = '\0';
    return;
  }
  if (room >= outsize)
    room = outsize - 1;
  if (n <= room) {
    snprintf(out, outsize, "%s", label);
    return;
  }
  label += n - (room - 3);
  /* Do not start in the middle of a UTF-8 sequence. */
  while ((*label & 0xC0) == 0x80)
    label++;
  snprintf(out, outsize, "...%s", label);
}

void ctix__progress_update(size_t done, size_t failed, const char *label)
{
  char head[128], tail[512];
  size_t width, used;
  double now;
  if (!prog.on)
    return;
  now = ctix__cli_now_ms();
  if (prog.drawn && now - prog.last_ms < REDRAW_MS && (!prog.total || done < prog.total))
    return;
  prog.last_ms = now;
  if (prog.total) {
    char bar[BAR_WIDTH + 1];
    size_t fill = done >= prog.total ? BAR_WIDTH : done * BAR_WIDTH / prog.total;
    memset(bar, '#', fill);
    memset(bar + fill, '.', BAR_WIDTH - fill);
    bar[BAR_WIDTH] = '\0';
    snprintf(head, sizeof(head), "[%s] %zu/%zu", bar, done, prog.total);
  } else {
    snprintf(head, sizeof(head), "%zu done", done);
  }
  if (failed) {
    size_t hl = strlen(head);
    snprintf(head + hl, sizeof(head) - hl, ", %zu failed", failed);
  }
  width = term_width();
  used = strlen(head) + 2;
  put_label(tail, sizeof(tail), label ? label : "", width > used + 1 ? width - used - 1 : 0);
  fprintf(stderr, "\r\033[K%s  ", head);
  ctix__cli_put_clean(stderr, tail, sizeof(tail));
  fflush(stderr);
  prog.drawn = true;
}

void ctix__progress_end(void)
{
  ctix__progress_clear();
  prog.on = false;
}
