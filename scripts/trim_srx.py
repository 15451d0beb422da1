#!/usr/bin/env python3
"""Keep only the SRX rules claimtrack uses (French, English and the shared ones) from
LanguageTool's segment.srx (as shipped in the `srx` crate's data/ folder), so the binary
parses a small file at start-up.

Usage: python3 scripts/trim_srx.py PATH/TO/segment.srx > data/segment.srx
"""
import re
import sys

KEEP = {"GeneralImportant", "English", "French", "Default"}
src = open(sys.argv[1], encoding="utf-8").read()

def keep_rule(m):
    return m.group(0) if m.group(1) in KEEP else ""

out = re.sub(r'<languagerule languagerulename="([^"]+)">.*?</languagerule>\n?', keep_rule, src, flags=re.S)
out = re.sub(r'<languagemap languagepattern="[^"]*" languagerulename="([^"]+)"></languagemap>\n?', keep_rule, out)
sys.stdout.write(out)
