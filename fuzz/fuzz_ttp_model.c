/*
 * Fuzz target: technique model files (what `--model FILE` and
 * ctix_ttp_model_open_file load). Loads arbitrary bytes as a model twice:
 * as given (a damaged file fails its checksum) and with the trailer
 * checksum recomputed, so the structural checks meet the damage; and as
 * given through the embedded-model loader, which skips the checksum and
 * uses the postings in place. Whatever
 * loads is then used: scored on a few feature vectors, its weights looked
 * up and its description written. Nothing may read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctix/ttp.h"
#include "ttp/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Exercises a loaded model. */
static void use(const ctix_ttp_model *m)
{
  static const char *const texts[] = {
      "The actor used schtasks /create to run a payload every hour.",
      "APT29 dumped LSASS memory with procdump.exe from 10.0.0.1.", ""};
  ctix__ttp_fx fx;
  float *out = malloc(((size_t)m->nclasses + 1) * sizeof(float));
  char *text = NULL;
  ctix_error err;
  size_t i;
  if (!out)
    return;
  ctix__ttp_fx_init(&fx);
  for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    if (ctix__ttp_features(&fx, texts[i], strlen(texts[i])))
      continue;
    ctix__ttp_model_score(m, &CTIX__TTP_FX_AT(&fx, 0), CTIX__TTP_FX_COUNT(&fx), out);
    if (CTIX__TTP_FX_COUNT(&fx))
      (void)ctix__ttp_model_weight(m, CTIX__TTP_FX_AT(&fx, 0).id, 0);
  }
  (void)ctix__ttp_model_class(m, "T1059.001");
  ctix_error_clear(&err);
  if (ctix_ttp_model_describe(&text, m, &err) == 0)
    free(text);
  ctix__ttp_fx_free(&fx);
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ctix_ttp_model *m = NULL;
  ctix_error err;
  uint8_t *copy;
  ctix_error_clear(&err);
  if (ctix__ttp_model_load_mem(&m, data, size, "fuzz", &err) == 0) {
    use(m);
    ctix_ttp_model_free(m);
  }
  /* the embedded-model loader: no checksum, postings used in place */
  ctix_error_clear(&err);
  m = NULL;
  if (ctix__ttp_model_load_embedded(&m, data, size, &err) == 0) {
    use(m);
    ctix_ttp_model_free(m);
  }
  if (size < 8 || size > ((size_t)4 << 20) || !(copy = malloc(size)))
    return 0;
  memcpy(copy, data, size);
  {
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i + 4 < size; i++)
      h = (h ^ copy[i]) * 16777619u;
    copy[size - 4] = (uint8_t)h;
    copy[size - 3] = (uint8_t)(h >> 8);
    copy[size - 2] = (uint8_t)(h >> 16);
    copy[size - 1] = (uint8_t)(h >> 24);
  }
  ctix_error_clear(&err);
  m = NULL;
  if (ctix__ttp_model_load_mem(&m, copy, size, "fuzz", &err) == 0) {
    use(m);
    ctix_ttp_model_free(m);
  }
  free(copy);
  return 0;
}
