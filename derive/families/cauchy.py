"""Cauchy laws C(loc, scale) (scale = half-width): the placeholder until the harmonic derivation lands."""
from ..codegen.spec import FamilyModule


def module():
    return FamilyModule("cauchy", "derive/families/cauchy.py", "Cauchy laws.", ())
