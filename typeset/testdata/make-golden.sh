#!/bin/sh
# Regenerates hb-shape.json: the glyphs HarfBuzz's hb-shape (Debian package
# libharfbuzz-bin) gives for Bangla place names in the shipped Noto Sans
# Bengali fonts. Run from the typeset directory: sh testdata/make-golden.sh
set -eu
fonts=../data/fonts
out=testdata/hb-shape.json
names="কিশোরগঞ্জ ব্রাহ্মণবাড়িয়া চট্টগ্রাম ময়মনসিংহ লক্ষ্মীপুর নারায়ণগঞ্জ শ্রীমঙ্গল চাঁপাইনবাবগঞ্জ সিরাজগঞ্জ কক্সবাজার"
{
  echo '['
  sep=''
  for font in NotoSansBengali-Regular.ttf NotoSansBengali-Bold.ttf; do
    for name in $names; do
      glyphs=$(hb-shape --output-format=json --no-glyph-names "$fonts/$font" "$name")
      printf '%s{"font":"%s","text":"%s","glyphs":%s}\n' "$sep" "$font" "$name" "$glyphs"
      sep=','
    done
  done
  echo ']'
} >"$out"
