"""The notes of the member ↔ metro crosswalk (data/observatory/member_crosswalk*.csv), which
the loader stores as the research wrote them in English: listed here so that the catalogues
carry them and pages show them in the reader's language (a note typed later is shown as
written). tests/observatory/test_crosswalk_notes.py fails when the data has a note not listed."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

CROSSWALK_NOTES = frozenset(
    {
        _(
            "Federal District administrative region that GHSL maps as a separate "
            "urban centre; add to entity 1221 (Brasília = Plano Piloto only)"
        ),
        _(
            "Federal District administrative region that GHSL maps as a separate "
            "urban centre; add to entity 1221 (Brasília = Plano Piloto only) "
            '(identified by name and distance; a second "Planaltina" at 50 km is '
            "Planaltina de Goiás, outside the DF)"
        ),
        _(
            'GHSL urban centre "Guangzhou" is the merged Pearl River Delta centre '
            "(6,622 km2) that includes Shenzhen"
        ),
        _("Gauteng province component agglomeration"),
        _("WUP Medellín agglomeration ~ Aburrá Valley metropolitan area"),
        _("WUP Paris agglomeration (unité urbaine) is larger than the Métropole du Grand Paris"),
        _("WUP name Xinbei = New Taipei"),
        _("WUP urban agglomeration; boundaries differ from the AMB (36 municipalities)"),
        _("inside the Jakarta urban centre (Jabodetabek)"),
        _("inside the Seoul urban centre"),
        _("inside the São Paulo urban centre"),
        _("member is a national institute based in Delhi; matched to the Delhi agglomeration"),
        _("member is a national ministry; matched to the Cairo agglomeration"),
        _("member is a province (13+ million people); only its capital Suwon is matched"),
        _("member is a province; only its capital Samarinda is matched"),
        _("member is a state; only its capital is matched"),
        _("member municipality is the core of the larger urban centre"),
        _(
            "no separate Karaj urban centre; nearest large centre is Tehran (26 "
            "km); polygon test not possible"
        ),
        _(
            'no urban centre named Ramallah; nearest is "Jerusalem" (11 km); '
            "polygon test not possible"
        ),
        _(
            'no urban centre named Wuxi; nearest large centre is "Suzhou" (1,893 '
            "km2, 32 km); polygon test not possible"
        ),
        _("no urban centre or agglomeration of its own"),
        _("province surrounding Seoul; the Seoul urban centre covers much of its urban area"),
        _("sum of its components, within each source"),
    }
)


def crosswalk_note(note: str) -> str:
    """The note in the active language (as written when not in the catalogues)."""
    return gettext(note) if note else ""
