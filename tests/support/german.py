"""German as the city writes it: "Sie", never "du". Finds the informal words in a text or a page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# The informal pronouns and verb forms (word by word, any case). Imperatives such as "wähle" or "gib" and
# forms such as "erhältst" catch informal sentences without a pronoun ("Bitte wähle einen anderen Namen").
INFORMAL = re.compile(
    r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines|euch|euer|eure|"
    r"bestätige|hast|bist|kannst|willst|möchtest|musst|solltest|erhältst|"
    r"wähle|versuche|kontaktiere|klicke|gib|lass|erstelle|prüfe|überprüfe)\b",
    re.IGNORECASE,
)


def informal_words(text: str) -> list[str]:
    return INFORMAL.findall(text)


class _Text(HTMLParser):
    """The text a reader meets: the page's words and its attributes people read (title, alt, labels)."""

    SKIPPED = {"script", "style"}
    READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        attributes = dict(attrs)
        self.parts += [value for name, value in attrs if name in self.READ_ATTRIBUTES and value]
        if attributes.get("type") in {"submit", "button"} and attributes.get("value"):
            self.parts.append(attributes["value"])  # a button's words

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)
