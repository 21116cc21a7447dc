#!/usr/bin/env bash
# Installs what the tests need and the machine lacks: Debian's Chromium for the
# browser test, PostgreSQL 15 with PostGIS 3 for the PostGIS store's tests
# (they start a throwaway cluster themselves; GUCCHO_TEST_DATABASE_URL skips
# the install by naming an existing server), GDAL (gdal-bin's ogrinfo and
# python3-gdal's GeoPackage validator) to check that exports open, and
# networkx (python3-networkx) to check that GraphML exports read back, hb-shape
# (libharfbuzz-bin) and pdfinfo (poppler-utils) to check the atlas's PDF.
# As root it installs with apt-get; otherwise it prints the command to run.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ] || need+=(chromium)
# A Bengali font, so that browser screenshots show Bangla rather than boxes.
if ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=bn | grep -q .; }; then
  need+=(fonts-lohit-beng-bengali)
fi
if [ -z "${GUCCHO_TEST_DATABASE_URL:-}" ] && ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  need+=(postgresql-15-postgis-3)
fi
command -v ogrinfo >/dev/null 2>&1 || need+=(gdal-bin)
# The validator needs the system python3, which a virtualenv may hide.
if ! { python3 -c 'import osgeo_utils.samples.validate_gpkg' || /usr/bin/python3 -c 'import osgeo_utils.samples.validate_gpkg'; } >/dev/null 2>&1; then
  need+=(python3-gdal)
fi
/usr/bin/python3 -c 'import networkx' >/dev/null 2>&1 || need+=(python3-networkx)
# hb-shape (HarfBuzz) is the reference the PDF exports' Bangla glyphs are checked against.
command -v hb-shape >/dev/null 2>&1 || need+=(libharfbuzz-bin)
# pdfinfo (poppler) checks that the atlas's PDF opens and counts its pages.
command -v pdfinfo >/dev/null 2>&1 || need+=(poppler-utils)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "deps: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "deps: missing ${need[*]}. Install with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
