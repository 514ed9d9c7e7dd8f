"""One derivation per family; each module ends in ``module()``, the closed forms handed to the code generator."""
from . import cauchy, normal

FAMILIES = (normal, cauchy)
