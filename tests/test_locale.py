"""German first, English complete: the German catalogue covers every marked string,
and the compiled catalogue the site loads matches it."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

from tests.support.needs import require_gettext

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def parse_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr (plural forms joined by NUL as in .mo files); fuzzy entries count as untranslated."""
    entries, current, key, fuzzy = {}, {}, None, False

    def flush():
        nonlocal current, fuzzy
        if "msgid" in current:
            msgid = current["msgid"]
            if "msgid_plural" in current:
                msgid += "\x00" + current["msgid_plural"]
                forms = [v for k, v in sorted(current.items()) if k.startswith("msgstr[")]
                # A plural is translated only when every form is: an empty form shows English.
                msgstr = "\x00".join(forms) if all(forms) else ""
            else:
                msgstr = current.get("msgstr", "")
            if "msgctxt" in current:
                msgid = current["msgctxt"] + "\x04" + msgid
            entries[msgid] = "" if fuzzy else msgstr
        current, fuzzy = {}, False

    for line in [*path.read_text().splitlines(), ""]:
        if not line.strip():
            flush()
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += _unquote(line)
        else:
            key, _, rest = line.partition(" ")
            current[key] = _unquote(rest)
    return entries


def _unquote(text: str) -> str:
    return text.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def test_every_german_entry_is_translated():
    untranslated = [msgid for msgid, msgstr in parse_po(PO).items() if msgid and not msgstr]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    source = {k: v for k, v in parse_po(PO).items() if k}
    compiled_plain = {}
    for key, value in compiled.items():
        if isinstance(key, tuple):  # plural: (msgid, index)
            continue
        compiled_plain[key] = value
    singular = {k: v for k, v in source.items() if "\x00" not in k}
    assert {k: compiled_plain.get(k) for k in singular} == singular, "run `make messages` to compile"


def test_no_marked_string_is_missing_from_the_catalogue(tmp_path):
    require_gettext()
    for name in ["manage.py", "forum", "participation", "cms", "templates", "static", "locale"]:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--no-location", "--no-obsolete"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "VAR_DIR": str(tmp_path / "var"), "DEBUG": "1"},
        check=True,
        capture_output=True,
    )
    fresh = parse_po(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po")
    missing = sorted(msgid for msgid, msgstr in fresh.items() if msgid and not msgstr)
    assert missing == [], "strings without a German translation (run `make messages`, then translate)"
