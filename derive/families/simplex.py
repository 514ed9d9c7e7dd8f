"""Exponential families with a natural parameter of any length k (categorical, Dirichlet): the theorem on vectors.

A vector is a function index -> expression (e.g. ``lambda j: c1[j]``), F(theta) an expression in the entries
theta[i] of an IndexedBase with sums over i < k, and its gradient is SymPy's derivative of F by an entry theta[j].
The divergences are then the same instances of the theorem as in ``derive.expfam``, as sums over the k entries; the
kernels loop over the last axis of the parameter arrays. Notebook 06 checks the categorical sums, at k = 3,
against the theorem for a minimal (k - 1)-parameter family; notebook 08 evaluates the Dirichlet sums at fixed k.
"""
from dataclasses import dataclass, replace
from functools import cached_property

import sympy as sp

from ..codegen.spec import FamilyModule, Param, skew_param
from ..special import plain
from ..symbols import alpha, i, j, size
from ..tidy import tidy
from .catalogue import closed_form_kernels, divergence_docs

theta = sp.IndexedBase("theta", real=True)


def total(summand, index=i):
    """The sum of ``summand`` over index = 0, ..., k - 1."""
    return sp.Sum(summand, (index, 0, size - 1))


@dataclass(frozen=True)
class VectorFamily:
    name: str
    law: str  # "categorical law", in docs
    doc: str
    params: tuple  # (name, constraint, meaning) of the one vector parameter
    log_normaliser: sp.Expr  # F in theta[i], with sums over i
    natural: object  # IndexedBase of the parameters -> vector (index -> natural parameter entry)
    constraints: object = None  # expr -> expr, using what the parameters satisfy (e.g. rows summing to 1)
    rewrite: object = None  # expr -> expr, a closed form as the kernels evaluate it (equal where constraints hold)
    own_forms: object = None  # () -> {name: expr}, the family's cancellation-free forms, checked against the theorem

    def symbols(self, which):
        name, _, _ = self.params
        return sp.IndexedBase(f"{name}{which}", positive=True)

    def vector(self, which):
        return self.natural(self.symbols(which))

    def F(self, vector):
        return self.log_normaliser.replace(lambda e: isinstance(e, sp.Indexed) and e.base == theta,
                                           lambda e: vector(e.indices[0]))

    @cached_property
    def gradient(self):
        """dF / dtheta[j] for j < k (SymPy's derivative, on the branch j < k)."""
        derivative = sp.diff(self.log_normaliser, theta[j]).doit()
        return derivative.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0].expr)

    def _at(self, expr, vector, index):
        on_theta = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == theta, lambda e: vector(e.indices[0]))
        return on_theta.subs(j, index)

    def bregman(self, a, b):
        """B_F(a : b) = F(a) - F(b) - sum_j (a_j - b_j) dF/dtheta_j(b)."""
        return self.F(a) - self.F(b) - total((a(j) - b(j)) * self._at(self.gradient, b, j), j)

    def mixed(self, a, b):
        return lambda index: (1 - alpha) * a(index) + alpha * b(index)

    @cached_property
    def theorem_forms(self):
        t1, t2 = self.vector(1), self.vector(2)
        ta = self.mixed(t1, t2)
        kl = self.bregman(t2, t1)
        forms = {"kl": kl, "jeffreys": kl + self.bregman(t1, t2),
                 "jsd_geometric": (1 - alpha) * self.bregman(ta, t1) + alpha * self.bregman(ta, t2),
                 "jsd_geometric_dual": (1 - alpha) * self.bregman(t1, ta) + alpha * self.bregman(t2, ta),
                 "bhattacharyya": (1 - alpha) * self.F(t1) + alpha * self.F(t2) - self.F(ta)}
        return {name: (self.constraints or (lambda e: e))(form) for name, form in forms.items()}

    @cached_property
    def closed_forms(self):
        rewrite = self.rewrite or (lambda e: e)
        forms = {name: rewrite(tidy_sums(form)) for name, form in self.theorem_forms.items()}
        own = self.own_forms() if self.own_forms else {}
        for name, form in own.items():
            if not self.agree(form, self.theorem_forms[name]):
                raise ValueError(f"{self.name}.{name}: the family's own form differs from the theorem's")
        return forms | own

    def agree(self, first, second, digits=40):
        """first = second at two exact points with k = 3 entries (alpha 2/7), to ``digits`` digits: the special
        functions written back (derive.special.plain), the sums written out."""
        values = ({1: [sp.Rational(3, 2), 2, sp.Rational(5, 4)], 2: [sp.Rational(7, 3), sp.Rational(1, 2), 3]},
                  {1: [40, sp.Rational(1, 3), 1], 2: [sp.Rational(1, 5), 25, 2]})
        for point in values:
            at = {self.symbols(w)[n]: v for w in (1, 2) for n, v in enumerate(point[w])} | {alpha: sp.Rational(2, 7)}
            difference = (plain(first) - second).subs(size, len(point[1])).doit().subs(at)
            if abs(sp.N(difference, digits + 10)) > sp.Float(10) ** -digits:
                return False
        return True

    def signature(self):
        name, constraint, meaning = self.params
        pair = tuple(Param(f"{name}{w}", self.symbols(w), constraint, doc=f"{meaning} of the {o} {self.law}")
                     for w, o in ((1, "first"), (2, "second")))
        return pair, skew_param(self.law)


def tidy_sums(expr):
    """Sums of one index collected and tidied: factors free of the index leave their sum, sums with plain
    coefficients merge into one, and sums sharing a coefficient that holds other sums (psi(sum c) say) are grouped."""
    expr = expr.replace(lambda e: isinstance(e, sp.Function) and e.has(sp.Sum),
                        lambda e: e.func(*(tidy_sums(a) for a in e.args)))
    plain, grouped, rest = sp.S.Zero, {}, sp.S.Zero
    for term in sp.Add.make_args(sp.expand(expr, deep=False)):
        coefficient, factor = term.as_independent(sp.Sum, as_Add=False)
        if not isinstance(factor, sp.Sum):
            rest += term
            continue
        (index, *_), = factor.limits
        outside, inside = sp.S.One, sp.S.One
        for f in sp.Mul.make_args(sp.expand(factor.function)) if factor.function.is_Mul else [factor.function]:
            (inside, outside) = (inside * f, outside) if f.has(index) else (inside, outside * f)
        coefficient *= outside
        summand = inside.subs(index, i)
        if coefficient.has(sp.Sum):
            grouped[coefficient] = grouped.get(coefficient, sp.S.Zero) + summand
        else:
            plain += coefficient * summand
    sums = [sp.Sum(tidy(plain), (i, 0, size - 1))] if plain != 0 else []
    sums += [c * total(sp.factor(s)) for c, s in sorted(grouped.items(), key=lambda kv: sp.default_sort_key(kv[0]))]
    return sp.Add(*sums) + rest


def module(family, extra_kernels=()):
    """The closed forms as kernels looping over the last axis, plus any numeric kernels the family adds. A family's
    own forms give the values; their gradients come from the theorem's forms (ClosedForm.slope_expr)."""
    pair, skew = family.signature()
    kernels = closed_form_kernels(family.closed_forms, pair, skew, divergence_docs(family.law))
    if family.own_forms:
        # the dual geometric JSD is the Bhattacharyya distance (the two kernels share one function): its gradient
        # from the Jensen form, which has no Bregman tangent terms to overflow at entries of 1e300
        source = {"jsd_geometric_dual": "bhattacharyya"}
        kernels = [replace(k, slope_expr=tidy_sums(family.theorem_forms[source.get(k.name, k.name)])) for k in kernels]
    return FamilyModule(family.name, f"derive/families/{family.name}.py", family.doc,
                        tuple(kernels) + tuple(extra_kernels))
