"""German first, English complete: the German catalogue covers every marked string, and the compiled
catalogue the site loads matches it. The city says "Sie": no informal German in our catalogue or templates,
and none of allauth's (whose German says "du") can show, because our catalogue words its texts formally."""

import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import allauth
import wagtail
from django.utils import translation

from forum import library_texts
from tests.support.german import informal_words, page_text
from tests.support.needs import require_gettext

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
ALLAUTH_PO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
WAGTAIL_POS = sorted(Path(wagtail.__file__).parent.glob("**/locale/de/LC_MESSAGES/django.po"))
# What the site shows of allauth (INSTALLED_APPS has allauth, allauth.account, and allauth.socialaccount with its
# openid_connect provider for the city's login): references in its catalogue below these folders, or to its
# top-level modules. MFA, user sessions, headless and the identity provider are not installed.
ALLAUTH_SHOWN = (
    "account/",
    "core/",
    "socialaccount/",
    "templates/account/",
    "templates/allauth/",
    "templates/socialaccount/",
)


def parse_po(path: Path) -> dict[str, str]:
    """msgid -> msgstr (plural forms joined by NUL as in .mo files); fuzzy entries count as untranslated."""
    return {msgid: msgstr for msgid, msgstr, _ in po_entries(path)}


def po_entries(path: Path) -> list[tuple[str, str, list[str]]]:
    """(msgid, msgstr, references) of each entry, keyed and joined as parse_po does."""
    entries, current, key, fuzzy, references = [], {}, None, False, []

    def flush():
        nonlocal current, fuzzy, references
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
            entries.append((msgid, "" if fuzzy else msgstr, references))
        current, fuzzy, references = {}, False, []

    for line in [*path.read_text().splitlines(), ""]:
        if not line.strip():
            flush()
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#:"):
            references += [reference.rsplit(":", 1)[0] for reference in line[2:].split()]
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


def test_our_german_says_sie_never_du():
    informal = {msgid: words for msgid, msgstr in parse_po(PO).items() if (words := informal_words(msgstr))}
    assert informal == {}


def test_our_templates_say_sie_never_du():
    # Text written into templates (allauth's overridden ones, mails, error pages), not what they translate.
    informal = {}
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in {".html", ".txt"} and (words := informal_words(page_text(path.read_text()))):
            informal[str(path.relative_to(ROOT))] = words
    assert informal == {}


def test_the_library_texts_we_word_are_still_the_libraries_texts():
    allauth_msgids = set(parse_po(ALLAUTH_PO))
    wagtail_msgids = {msgid for path in WAGTAIL_POS for msgid in parse_po(path)}

    assert [msgid for msgid in library_texts.ALLAUTH if msgid not in allauth_msgids] == []
    assert [msgid for msgid in library_texts.WAGTAIL if msgid not in wagtail_msgids] == []


def test_no_informal_german_of_allauth_can_show():
    shown_informal = [
        msgid
        for msgid, msgstr, references in po_entries(ALLAUTH_PO)
        if msgid
        and informal_words(msgstr)
        and any(ref.startswith(ALLAUTH_SHOWN) or "/" not in ref for ref in references)
    ]
    assert len(shown_informal) > 30  # allauth 65's German says "du" this often on pages we show

    with translation.override("de"):
        shown = {msgid: translation.gettext(msgid) for msgid in shown_informal if "\x00" not in msgid}
        shown |= {
            msgid: translation.ngettext(*msgid.split("\x00"), n)
            for msgid in shown_informal
            if "\x00" in msgid
            for n in (1, 2)
        }
    assert {msgid: text for msgid, text in shown.items() if informal_words(text)} == {}
