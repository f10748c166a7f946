#!/bin/sh
# Regenerates the knowledge-base tables from the reference data: the one
# command line behind `make kb` and the byte-for-byte regeneration test
# (tests/integration/kb/regen.sh).
# Usage: scripts/kb-build.sh CTIX SHARED_DATA_DIR OUTDIR
#   CTIX             the ctix program
#   SHARED_DATA_DIR  ../shared/data (attack/, d3fend/, kev/)
#   OUTDIR           where ctix.kb and manifest.txt go (data/kb)
set -eu
if [ $# -ne 3 ]; then
  echo "usage: $0 CTIX SHARED_DATA_DIR OUTDIR" >&2
  exit 2
fi
ctix=$1
data=$2
out=$3
# The D3FEND CSVs do not carry their release: see ../shared/data/d3fend/README.md.
D3FEND_VERSION=1.2.0
exec "$ctix" kb build \
  --attack "$data/attack/enterprise-attack.json" "$data/attack/mobile-attack.json" \
           "$data/attack/ics-attack.json" \
  --d3fend "$data/d3fend" --d3fend-version "$D3FEND_VERSION" \
  --kev "$data/kev/known_exploited_vulnerabilities.json" \
  -o "$out"
