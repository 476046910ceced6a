"""Stop words of the three languages of the interface, accent-folded and lower-case (as
`core.text.fold` leaves words), left out of the search index and of queries."""

from __future__ import annotations

_EN = """
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either few for from further
had has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves out
over own same she should so some such than that the their theirs them themselves then there
these they this those through to too under until up very was we were what when where which while
who whom why will with would you your yours yourself yourselves
"""

_FR = """
a ai aie ait au aux avec avoir c ce ceci cela celle celles celui ces cet cette ceux d dans de des
du elle elles en est et etaient etait ete etre eu eux il ils j je l la le les leur leurs lui m
ma mais me meme mes moi mon n ne nos notre nous on ont ou par pas pour qu que quel quelle quelles
quels qui s sa sans se sera ses si son sont sur t ta te tes toi tous tout toute toutes tu un
une vos votre vous y
"""

_ES = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre eran es esa esas ese eso esos esta estaba estan estar este
esto estos fue fueron ha han hasta hay la las le les lo los mas me mi mis mucho muy nada ni no nos
nosotros o os otra otras otro otros para pero poco por porque que quien se segun ser si sin
sobre son su sus tambien tanto te tiene tienen todo todos tu tus un una uno unos y ya yo
"""

STOP_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(_EN.split()),
    "fr": frozenset(_FR.split()),
    "es": frozenset(_ES.split()),
}
ANY_LANGUAGE: frozenset[str] = frozenset().union(*STOP_WORDS.values())
