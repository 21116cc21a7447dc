#!/usr/bin/env bash
# Regenerates data/bd, the default boundary set shipped in the binary, from a
# copy of the shared boundary data (a folder laid out like shared/data/bd:
# boundaries/, gazetteer/, sources/, README.md).
#
#   scripts/bd-data.sh ../shared/data/bd
#
# It keeps only what geo.ReadBoundaries reads (the five full-resolution level
# files and the five gazetteer CSVs; not boundaries/simplified/ nor
# gazetteer/bd_join_report.json), compresses each file with gzip -9 -n (no
# name or time stamp, so the same input gives the same bytes), and copies the
# licence texts of the sources and the data's own README (as PROVENANCE.md).
# data/bd/README.md and data/bd/LICENSE.md are written by hand and kept.
set -euo pipefail

src=${1:?usage: scripts/bd-data.sh SHARED_BD_DIR}
out=$(cd "$(dirname "$0")/.." && pwd)/data/bd

files=(
  boundaries/bd_adm0_country.geojson
  boundaries/bd_adm1_divisions.geojson
  boundaries/bd_adm2_districts.geojson
  boundaries/bd_adm3_upazilas.geojson
  boundaries/bd_adm4_unions.geojson
  gazetteer/bd_alt_names.csv
  gazetteer/bd_divisions.csv
  gazetteer/bd_districts.csv
  gazetteer/bd_upazilas.csv
  gazetteer/bd_unions.csv
)
for f in "${files[@]}"; do
  [ -f "$src/$f" ] || { echo "bd-data: $src/$f is missing" >&2; exit 1; }
done

rm -rf "$out/boundaries" "$out/gazetteer"
mkdir -p "$out/boundaries" "$out/gazetteer"
for f in "${files[@]}"; do
  gzip -9 -n -c "$src/$f" >"$out/$f.gz"
done
cp "$src/README.md" "$out/PROVENANCE.md"
cp "$src/sources/nuhil-bangladesh-geocode/LICENSE.txt" "$out/LICENSE-nuhil-bangladesh-geocode.txt"
cp "$src/sources/r-bangladesh/LICENSE.md" "$out/LICENSE-r-bangladesh.md"
chmod 644 "$out"/PROVENANCE.md "$out"/LICENSE-*

du -cb "$out"/boundaries/*.gz "$out"/gazetteer/*.gz | tail -n 1 | awk '{print "bd-data: " $1 " bytes compressed"}' >&2
