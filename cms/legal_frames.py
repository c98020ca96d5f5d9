"""Frames of the legal pages every site links to, in the content language, for the city to complete: what
``seed_demo`` and ``add_site`` put up until staff write their own."""

IMPRINT = "Angaben gemäß § 5 DDG: Stadtverwaltung, Anschrift, Kontakt. Bitte im CMS ergänzen."
# The statement BITV 2.0 (§ 7) asks of a public body's site: its state, how to report a barrier, the arbitration
# board. The demo's is a frame for the city to complete after its own test.
ACCESSIBILITY = (
    "Die Stadt ist bemüht, dieses Beteiligungsportal barrierefrei zugänglich zu machen (BITV 2.0, WCAG 2.1 AA). "
    "Stand der Vereinbarkeit: bitte nach der eigenen Prüfung im CMS ergänzen. Barrieren melden Sie bitte an die "
    "Kontaktadresse im Impressum; wir antworten innerhalb von sechs Wochen. Bleibt Ihre Meldung ohne Lösung, "
    "können Sie sich an die Schlichtungsstelle nach § 16 BGG beim Beauftragten der Bundesregierung für die "
    "Belange von Menschen mit Behinderungen oder an die Schlichtungsstelle Ihres Landes wenden."
)
