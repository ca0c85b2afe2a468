"""Re-check a stored draw exactly as an outsider would, from what its page publishes."""

from django.utils.translation import gettext as _

from . import drand
from .draw_core import NonCanonicalEntries, commitment_for, draw_result, entries_digest
from .draw_core import parse_entries as parse_entries_file
from .models import Draw, DrawSnapshot


class VerificationFailed(Exception):
    """The stored draw does not match its own published data."""


def verify_stored_draw(slug):
    """Lines describing each check passed; raises VerificationFailed on the first mismatch."""
    draw = Draw.objects.filter(slug=slug).first()
    if draw is None:
        raise VerificationFailed(_("No draw “%(slug)s”.") % {"slug": slug})
    if not draw.entries_are_public:
        raise VerificationFailed(
            _("The entries of “%(slug)s” have not closed yet.") % {"slug": slug}
        )
    snapshot = DrawSnapshot.objects.get(draw=draw)
    data = bytes(snapshot.entries)
    lines = []
    if entries_digest(data) != snapshot.digest:
        raise VerificationFailed(_("The entries file does not match its published digest."))
    lines.append(_("entries digest ok: %(digest)s") % {"digest": snapshot.digest})
    try:
        entries = parse_entries_file(data)
    except NonCanonicalEntries as error:
        raise VerificationFailed(
            _("The entries file is not canonical: %(error)s") % {"error": error}
        ) from None
    lines.append(
        _("entries file canonical: %(entrants)s entrants, %(tickets)s tickets")
        % {"entrants": len(entries), "tickets": sum(tickets for _entrant, tickets in entries)}
    )
    if not draw.seed_is_public:
        lines.append(_("not drawn yet: the seed is still secret"))
        return lines
    seed = bytes(draw.seed)
    if commitment_for(seed) != draw.commitment:
        raise VerificationFailed(_("SHA-256 of the seed does not equal the commitment."))
    lines.append(_("commitment ok: %(commitment)s") % {"commitment": draw.commitment})
    if draw.beacon:
        lines.append(_beacon_checked(draw))
    expected = draw_result(
        entries,
        seed=seed,
        public_entropy=draw.public_entropy,
        winners=draw.winners,
        alternates=draw.alternates,
    )
    stored = [
        (rank, str(entrant), role)
        for rank, entrant, role in draw.results.order_by("rank").values_list(
            "rank", "entrant", "role"
        )
    ]
    if stored != expected:
        raise VerificationFailed(_("The stored result differs from the recomputed ranking."))
    lines.append(_("result ok: %(count)s ranked entrants") % {"count": len(expected)})
    lines += [f"{rank} {entrant} {role}" for rank, entrant, role in expected]
    return lines


def _beacon_checked(draw):
    """The entropy is SHA-256 of the signature, and the signature is the committed round's."""
    signature = bytes.fromhex(draw.beacon_signature)
    if drand.entropy_for(signature) != draw.public_entropy:
        raise VerificationFailed(_("The public entropy is not SHA-256 of the beacon signature."))
    _chain, round_number = drand.parse_beacon(draw.beacon)
    problem = drand.signature_problem(
        scheme=draw.beacon_scheme,
        public_key=bytes.fromhex(draw.beacon_public_key),
        round_number=round_number,
        signature=signature,
        previous_signature=bytes.fromhex(draw.beacon_previous_signature),
    )
    if problem:
        raise VerificationFailed(
            _("The beacon signature does not verify: %(problem)s.") % {"problem": problem}
        )
    return _("beacon ok: %(beacon)s, entropy %(entropy)s") % {
        "beacon": draw.beacon,
        "entropy": draw.public_entropy,
    }
