#!/bin/sh
# The committed MISP galaxy table (data/export/misp-galaxy.tsv) is what
# tools/misp_galaxy_table.py makes of ../shared/data/misp/galaxies/clusters,
# byte for byte. Skips (77) without the shared data.
# usage: misp_galaxy_regen.sh SOURCE_DIR SHARED_DIR WORK_DIR
SRC=$1
SHARED=$2
WORK=$3
CLUSTERS="$SHARED/data/misp/galaxies/clusters"
if [ ! -d "$CLUSTERS" ]; then
  echo "SKIP: $CLUSTERS not found (no shared data)"
  exit 77
fi
rm -rf "$WORK" && mkdir -p "$WORK" || exit 1
python3 "$SRC/tools/misp_galaxy_table.py" "$CLUSTERS" -o "$WORK/misp-galaxy.tsv" || exit 1
if ! cmp -s "$WORK/misp-galaxy.tsv" "$SRC/data/export/misp-galaxy.tsv"; then
  echo "FAIL: data/export/misp-galaxy.tsv differs from a fresh tools/misp_galaxy_table.py run:" >&2
  diff "$SRC/data/export/misp-galaxy.tsv" "$WORK/misp-galaxy.tsv" | head -n 20 >&2
  exit 1
fi
echo "misp-galaxy.tsv: $(grep -vc '^#' "$WORK/misp-galaxy.tsv") rows, the same as a fresh generation"
