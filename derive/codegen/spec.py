"""What a family hands to the code generator: its public functions, their parameters and expressions."""
from dataclasses import dataclass, field

import sympy as sp

from ..symbols import alpha, loc1, loc2, scale1, scale2

# The constraints of generated/_validate.py (each value is the lower-cased name of its constant there).
REAL, POSITIVE, NONNEGATIVE, UNIT, OPEN_UNIT, COUNT = "real", "positive", "nonnegative", "unit", "open_unit", "count"
SIMPLEX, POSITIVE_VECTOR = "simplex", "positive_vector"  # rows along the last axis: (..., k), k >= 2
REAL_VECTOR, SCALE_VECTOR = "real_vector", "scale_vector"  # rows (..., d), d >= 1: means, standard deviations
SPD = "spd"  # symmetric positive definite matrices (..., d, d): covariances
DEGREES_OF_FREEDOM = "degrees_of_freedom"  # a scalar > d - 1, d the dimension of the matrix arguments (Wishart)
VECTORS = (SIMPLEX, POSITIVE_VECTOR, REAL_VECTOR, SCALE_VECTOR)
CORE_DIMENSIONS = {**{v: 1 for v in VECTORS}, SPD: 2}  # trailing axes of one law's parameter; the rest is batch
# Each scalar constraint as the comparisons a kernel's loop makes before computing (False for NaN): a batch is checked in
# the same pass that computes it, and the runtime's _validate names the argument only when a NaN comes out.
GUARDS = {REAL: ("abs({0}) < math.inf",), POSITIVE: ("0.0 < {0}", "{0} < math.inf"),
          NONNEGATIVE: ("0.0 <= {0}", "{0} < math.inf"), UNIT: ("0.0 <= {0}", "{0} <= 1.0"),
          OPEN_UNIT: ("0.0 < {0}", "{0} < 1.0"), COUNT: ("1.0 <= {0}", "{0} < math.inf", "{0} % 1.0 == 0.0")}


def guards(params, entry="{}", branch_free=False):
    """The test a kernel's loop makes that every (scalar) parameter meets its constraint, each parameter's value
    written as ``entry`` formats its name. ``branch_free``: joined by & instead of ``and``, whose short-circuit
    branches keep LLVM from vectorising a loop."""
    tests = [test.format(entry.format(p.name)) for p in params for test in GUARDS[p.constraint]]
    return " & ".join(f"({test})" for test in tests) if branch_free else " and ".join(tests)


@dataclass(frozen=True)
class Param:
    name: str
    symbol: sp.Symbol
    constraint: str
    default: float | None = None
    doc: str = ""


@dataclass(frozen=True)
class ClosedForm:
    """A divergence with a closed form: ``expr`` in the parameters' symbols and the ``preamble`` symbols.

    ``preamble`` lists (symbol, expression) pairs computed first, in order: e.g. delta = loc1 - loc2, so the
    expression never subtracts two large location terms. ``zero_at_alpha_ends`` marks a skew divergence that vanishes
    at alpha = 0 and 1: the kernel returns 0 there exactly, as it does for identical laws. Divergences are clipped at 0
    against rounding. ``slope_expr``, an equal expression, gives the gradient when expr's own derivative is the worse
    behaved one (the Dirichlet forms' shares of 1e-300 overflow in the derivative; their value does not).
    """

    name: str
    params: tuple
    expr: sp.Expr
    doc: str
    preamble: tuple = ()
    zero_at_alpha_ends: bool = False
    slope_expr: sp.Expr | None = None  # differentiated for the gradient kernel in place of expr, when set


@dataclass(frozen=True)
class ArithmeticQuadrature:
    """The arithmetic JSD by numba quadrature of the two log-densities (see generated/_quadrature.py).

    ``log_densities`` are the two log-density expressions in x and the parameters' symbols; ``landmarks`` are
    (centre1, width1, centre2, width2) expressions where the two laws put their mass.
    """

    name: str
    params: tuple
    x: sp.Symbol
    log_densities: tuple
    landmarks: tuple
    doc: str


@dataclass(frozen=True)
class ArithmeticCubature:
    """The arithmetic JSD of laws on the plane, by nested quadrature (generated/_quadrature.py): outer over x,
    inner over y at each x.

    ``log_densities`` are the two log-densities in (x, y) and the parameters' symbols; ``landmarks`` are where the two
    laws put their mass along x, (centre1, width1, centre2, width2), and ``inner_landmarks`` the same along y (they
    may depend on x).
    """

    name: str
    params: tuple
    x: sp.Symbol
    y: sp.Symbol
    log_densities: tuple
    landmarks: tuple
    inner_landmarks: tuple
    doc: str


@dataclass(frozen=True)
class BySize:
    """One public function computed by a different numeric kernel for each row length k of its vector parameters:
    ``cases`` are (k, kernel) pairs; other lengths are refused with a clear error."""

    name: str
    params: tuple
    cases: tuple
    doc: str

    @property
    def sizes(self):
        return tuple(k for k, _ in self.cases)


@dataclass(frozen=True)
class MonteCarlo:
    """The arithmetic JSD estimated from draws of each law, with its standard error (generated/_monte_carlo.py),
    where quadrature is impractical.

    ``log_densities`` are the two log-densities at a draw ``point`` (an IndexedBase: its coordinates), with respect
    to any base measure common to both laws (it cancels in every ratio). ``sampler`` names the runtime function that
    draws those coordinates.
    """

    name: str
    params: tuple
    point: sp.IndexedBase
    log_densities: tuple
    sampler: str
    doc: str


@dataclass(frozen=True)
class SeriesSum:
    """The arithmetic JSD of two discrete laws, summed term by term over the integers where they put their mass.

    ``log_masses`` are the two log-masses in the integer ``k`` and the parameters' symbols; ``windows`` are
    (lo1, hi1, lo2, hi2) expressions bounding each law's mass (outside, both laws' masses are negligible).
    """

    name: str
    params: tuple
    k: sp.Symbol
    log_masses: tuple
    windows: tuple
    doc: str


@dataclass(frozen=True)
class MatrixClosedForm:
    """A closed form in d-dimensional vectors and d x d SPD matrices (derive/matrices.py): ``expr`` is a scalar
    expression whose matrix parts are the atoms LogDet, TraceSolve and Quadratic of matrix symbols and their linear
    combinations. The kernel factorises each matrix once (Cholesky) and evaluates the atoms by triangular solves;
    for each d in ``unrolled`` it is also written out as straight-line code on the entries, chosen at run time.

    ``preamble`` lists (vector symbol, vector expression) pairs computed first (delta = loc1 - loc2).
    ``zero_at_alpha_ends`` as for ClosedForm; every kernel returns exactly 0 for identical laws.
    ``spectral`` (a derive.matrices.Spectral of ``expr``): the same divergence as a sum over the eigenvalues of
    first^-1 second, which the kernel evaluates instead when the atoms' terms nearly cancel (nearly identical laws,
    or a skew near 0 or 1).
    ``spectral_when`` (a condition in the scalar parameters and d, or None): where the atoms lose digits for another
    reason than cancellation, so the kernel goes to the spectral form first.
    """

    name: str
    params: tuple
    expr: sp.Expr
    doc: str
    preamble: tuple = ()
    zero_at_alpha_ends: bool = False
    unrolled: tuple = (2, 3)
    spectral: object = None
    spectral_when: object = None


@dataclass(frozen=True)
class FamilyModule:
    name: str  # module name in the package, e.g. "normal"
    source: str  # derivation module that produced it, e.g. "derive/families/normal.py"
    doc: str
    kernels: tuple = field(default_factory=tuple)


def skew_param(law):
    """The skew alpha of every skew divergence: in [0, 1], default 1/2, weighting the second law."""
    return Param("alpha", alpha, UNIT, 0.5, f"skew in [0, 1], weighting the second {law} (alpha = 0 gives the first)")


def location_scale_params(law, loc_meaning, scale_meaning):
    """(loc1, scale1, loc2, scale2) of two laws of a location-scale family, and the skew alpha weighting the second."""
    pair = []
    for symbols, which in (((loc1, scale1), "first"), ((loc2, scale2), "second")):
        pair += [Param(str(symbols[0]), symbols[0], REAL, doc=f"{loc_meaning} of the {which} {law}, any finite real"),
                 Param(str(symbols[1]), symbols[1], POSITIVE, doc=f"{scale_meaning} of the {which} {law}, finite and > 0")]
    return tuple(pair), skew_param(law)
