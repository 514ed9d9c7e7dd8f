"""What every exponential family of the catalogue shares: its declaration, the theorem's closed forms, its module.

A family file (poisson.py, gamma.py, ...) declares its log-density, its parameters and where its mass lies.
``Family.theorem_forms`` instantiates the theorem of ``derive.expfam`` for two members (KL as a Bregman divergence,
the geometric JSD and its dual, the skew Bhattacharyya distance), ``Family.closed_forms`` tidies them into what the
kernels evaluate, and ``Family.module`` adds the numeric arithmetic JSD (a sum for counts, a quadrature otherwise)
and hands everything to the code generator. The notebooks call the same methods.
"""
from dataclasses import dataclass, field
from functools import cached_property

import sympy as sp

from .. import expfam
from ..codegen.spec import REAL, ArithmeticQuadrature, ClosedForm, FamilyModule, Param, SeriesSum, skew_param
from ..symbols import alpha, loc1, loc2, x
from ..stable import agree
from ..stable import closed_forms as closed_forms_without_cancellation
from ..tidy import delta, gap_ratios, in_gap, mixture_log_gaps, tidy

SKEWED = ("jsd_geometric", "jsd_geometric_dual", "bhattacharyya", "jsd_arithmetic")


@dataclass(frozen=True)
class Parameter:
    """A parameter of one law: its symbol (with SymPy assumptions), its constraint and what it means."""

    symbol: sp.Symbol
    constraint: str
    meaning: str

    def of(self, which):
        """The symbol of this parameter for law 1 or 2, e.g. rate -> rate1."""
        return sp.Symbol(f"{self.symbol}{which}", **self.symbol.assumptions0)


@dataclass(frozen=True)
class Counts:
    """A law on the integers: each law's mass lies within (lo, hi), expressions in its parameters."""

    window: tuple


@dataclass(frozen=True)
class Coordinate:
    """A continuous law, integrated in a real coordinate u with x = x(u) (so the support maps onto the real line).

    ``logs`` rewrites logarithms of x before substituting (e.g. log x -> u), so the log-density in u is computed
    without overflow; ``log_jacobian`` is log dx/du; ``landmark`` is (centre, width) of the law's mass in u.
    """

    u: sp.Symbol
    x_of_u: sp.Expr
    log_jacobian: sp.Expr
    landmark: tuple
    logs: dict = field(default_factory=dict)

    def log_density(self, family, which):
        """log p(x(u)) + log dx/du: law ``which``'s log-density in u."""
        expanded = sp.expand(sp.expand_log(family.log_density_of(which), force=True))
        return expanded.subs(self.logs).subs(family.variable, self.x_of_u) + self.log_jacobian

    def landmarks(self, family):
        """(centre1, width1, centre2, width2) in u."""
        return family.per_law(self.landmark)


u = sp.Symbol("u", real=True)


def real_line(centre, width):
    """A law on the real line, integrated in x itself."""
    return Coordinate(u, u, sp.S.Zero, (centre, width))


def positive_reals(centre, width):
    """A law on (0, oo), integrated in u = log x: heavy right tails and poles at 0 become smooth decays."""
    return Coordinate(u, sp.exp(u), u, (centre, width), {sp.log(x): u})


@dataclass(frozen=True)
class Family:
    name: str  # module name
    law: str  # "Poisson law", in docs
    doc: str  # the module's docstring: the density and its parameters
    variable: sp.Symbol  # x or k
    log_density: sp.Expr  # in the variable, the law's parameters and the shared ones
    params: tuple  # Parameter of one law, in argument order
    sample: dict  # a point of the parameter space, picking the branch of theta -> parameters
    numeric: object  # Counts or Coordinate: how the arithmetic JSD is evaluated
    shared: tuple = ()  # Parameter held fixed across the family, e.g. the binomial's n
    to_source: dict | None = None  # theta -> parameters, where SymPy's solve cannot find it
    rewrite: object = None  # expr -> expr, the family's own tidying in place of the default one
    named: tuple = ()  # (symbol, expression) pairs the closed forms use, computed first by the kernels
    own_forms: object = None  # () -> {name: expr}, the family's cancellation-free forms, checked against the theorem

    # -- the derivation --------------------------------------------------------------------------------------------
    @cached_property
    def family(self):
        symbols = tuple(p.symbol for p in self.params)
        return expfam.from_density(self.name, self.variable, symbols, self.log_density, self.sample, self.to_source)

    def renaming(self, which):
        """{parameter: its symbol for law 1 or 2}."""
        return {p.symbol: p.of(which) for p in self.params}

    def per_law(self, exprs):
        """Expressions in one law's parameters, written for law 1 and then for law 2."""
        return tuple(sp.sympify(e).subs(self.renaming(which), simultaneous=True) for which in (1, 2) for e in exprs)

    @property
    def located(self):
        """The location parameter, if the law has one (divergences then depend on the gap delta = loc1 - loc2)."""
        return next((p for p in self.params if p.constraint == REAL), None)

    def law_params(self, which):
        return tuple(p.of(which) for p in self.params)

    def log_density_of(self, which):
        return self.log_density.subs(self.renaming(which), simultaneous=True)

    @cached_property
    def theorem_forms(self):
        """Each divergence as the theorem gives it, in the parameters of the two laws."""
        f, first, second = self.family, self.law_params(1), self.law_params(2)
        return {"kl": f.kl(first, second), "jeffreys": f.jeffreys(first, second),
                "jsd_geometric": f.jsd_geometric(first, second, alpha),
                "jsd_geometric_dual": f.jsd_geometric_dual(first, second, alpha),
                "bhattacharyya": f.bhattacharyya(first, second, alpha)}

    @cached_property
    def closed_forms(self):
        """The same, tidied: logarithms of factors and one rational part; in the gap of the locations if any."""
        default = in_gap if self.located else tidy
        forms = {name: (self.rewrite or default)(expr) for name, expr in self.theorem_forms.items()}
        if self.rewrite is None:  # a log of a mixture (1 - alpha) X + alpha Y with the logs of its ends: SkewLogGap
            for name, expr in self.theorem_forms.items():
                gapped = mixture_log_gaps(forms[name], alpha)
                if gapped != forms[name]:
                    gapped = gap_ratios(default(gapped))
                    if not agree(gapped.rewrite(sp.log), expr, self.check_points()):
                        raise ValueError(f"{self.name}.{name}: the skew-log-gap form differs from the theorem's")
                    forms[name] = gapped
        # forms without cancellation, each checked against the theorem: Bregman terms of an F built from e^theta (the
        # discrete families, derive.stable) and the family's own (own_forms; in delta for a located family)
        stable = closed_forms_without_cancellation(self.family, self.law_params(1), self.law_params(2))
        stable |= self.own_forms() if self.own_forms else {}
        for name, expr in stable.items():
            if not agree(expr.subs(delta, loc1 - loc2), self.theorem_forms[name], self.check_points()):
                raise ValueError(f"{self.name}.{name}: the stable form differs from the theorem's")
        return forms | stable

    def check_points(self):
        """Two exact points of the pair's parameter space (the sample and 6/5 of it, both ways; shared ones 3)."""
        one = {p.of(1): self.sample[p.symbol] for p in self.params}
        two = {p.of(2): self.sample[p.symbol] * sp.Rational(6, 5) for p in self.params}
        shared = {p.symbol: 3 for p in self.shared}
        swapped = {p.of(w): self.sample[p.symbol] * (sp.Rational(6, 5) if w == 1 else 1) for p in self.params
                   for w in (1, 2)}
        return [{**one, **two, **shared, alpha: sp.Rational(2, 7)}, {**swapped, **shared, alpha: sp.Rational(5, 7)}]

    # -- what the code generator receives ----------------------------------------------------------------------------
    def signature(self):
        """(shared..., law 1 parameters, law 2 parameters) as Params, and the skew."""
        shared = [Param(str(p.symbol), p.symbol, p.constraint, doc=f"{p.meaning}, shared by both {self.law}s")
                  for p in self.shared]
        pair = [Param(str(p.of(which)), p.of(which), p.constraint, doc=f"{p.meaning} of the {ordinal} {self.law}")
                for which, ordinal in ((1, "first"), (2, "second")) for p in self.params]
        return tuple(shared + pair), skew_param(self.law)

    def module(self):
        pair, skew = self.signature()
        loc = self.located
        preamble = (((delta, loc.of(1) - loc.of(2)),) if loc else ()) + self.named
        kernels = closed_form_kernels(self.closed_forms, pair, skew, self.docs(), preamble)
        kernels.append(self.arithmetic_kernel(pair + (skew,)))
        return FamilyModule(self.name, f"derive/families/{self.name}.py", self.doc, tuple(kernels))

    def arithmetic_kernel(self, params):
        doc = self.docs()["jsd_arithmetic"]
        if isinstance(self.numeric, Counts):
            return SeriesSum("jsd_arithmetic", params, self.variable, (self.log_density_of(1), self.log_density_of(2)),
                             self.per_law(self.numeric.window), doc)
        c = self.numeric
        in_u = (c.log_density(self, 1), c.log_density(self, 2))
        return ArithmeticQuadrature("jsd_arithmetic", params, c.u, in_u, c.landmarks(self), doc)

    def docs(self):
        numeric = (("an exact sum over the integers carrying the two laws' mass\n(at most 1e7 of them, all below "
                    "2^53: a ValueError beyond)") if isinstance(self.numeric, Counts)
                   else "adaptive Gauss-Kronrod quadrature (relative accuracy 1e-10)")
        return divergence_docs(self.law, numeric)

def closed_form_kernels(forms, pair, skew, docs, preamble=()):
    """One kernel per closed form; the skew ones take alpha and vanish at its ends; each gets the preamble it uses."""
    return [ClosedForm(name, pair + ((skew,) if name in SKEWED else ()), expr, docs[name],
                       preamble=_needed(preamble, expr), zero_at_alpha_ends=name in SKEWED)
            for name, expr in forms.items()]


def _needed(preamble, expr):
    """The (symbol, value) pairs expr uses, directly or through a later pair, in order."""
    needed, wanted = [], set(expr.free_symbols)
    for symbol, value in reversed(preamble):
        if symbol in wanted:
            needed.append((symbol, value))
            wanted |= value.free_symbols
    return tuple(reversed(needed))


def divergence_docs(law, numeric="numeric"):
    """The public functions' docstrings, for two laws of one family; ``numeric`` says how jsd_arithmetic is computed."""
    return {
        "kl": f"Kullback-Leibler divergence KL(p1 : p2) = E_p1[log p1/p2] between two {law}s, in nats.",
        "jeffreys": f"Jeffreys divergence KL(p1 : p2) + KL(p2 : p1) between two {law}s, in nats.",
        "jsd_geometric": (f"Skew geometric Jensen-Shannon divergence JS^G_alpha(p1 : p2) between two {law}s, in "
                          "nats.\n\n(1 - alpha) KL(p1 : g) + alpha KL(p2 : g), g the normalised geometric mixture "
                          f"p1^(1 - alpha) p2^alpha / Z,\nitself a {law} (Nielsen 2019); 0 at alpha = 0 and 1. "
                          "Closed form."),
        "jsd_geometric_dual": ("Dual skew geometric Jensen-Shannon divergence JS^G*_alpha(p1 : p2), in nats.\n\n"
                               "(1 - alpha) KL(g : p1) + alpha KL(g : p2), g = p1^(1 - alpha) p2^alpha / Z; it "
                               "equals the\nskew Bhattacharyya distance. Closed form."),
        "bhattacharyya": (f"Skew Bhattacharyya distance -log sum/integral p1^(1 - alpha) p2^alpha between two "
                          f"{law}s, in nats.\n\nalpha weights p2 (the Chernoff alpha-coefficient); alpha = 1/2 "
                          "gives the Bhattacharyya distance."),
        "jsd_arithmetic": ("Skew (classic) Jensen-Shannon divergence (1 - alpha) KL(p1 : m) + alpha KL(p2 : m), "
                           f"in nats,\nm = (1 - alpha) p1 + alpha p2 (no closed form): {numeric}."),
    }
