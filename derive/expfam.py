"""Exponential families p(x) = exp(<theta, t(x)> - F(theta) + k(x)) and the geometric-mixture theorem.

``from_density`` finds theta, the sufficient statistic t, the carrier k and the log-normaliser F from a log-density,
so a family is declared by its density alone. The divergences are then instances of the theorem (Nielsen 2019):
the geometric mixture of p_theta1 and p_theta2 is p_theta_alpha, theta_alpha = (1 - alpha) theta1 + alpha theta2, and

* KL(p_theta1 : p_theta2) = B_F(theta2 : theta1), a Bregman divergence of F;
* JS^G_alpha = (1 - alpha) B_F(theta_alpha : theta1) + alpha B_F(theta_alpha : theta2);
* JS^G*_alpha = J_F,alpha(theta1 : theta2) = (1 - alpha) F(theta1) + alpha F(theta2) - F(theta_alpha)
  = B_alpha (the skew Bhattacharyya distance -log integral p^(1 - alpha) q^alpha).
"""
from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class ExponentialFamily:
    name: str
    x: sp.Symbol
    params: tuple  # source parameters, e.g. (loc, scale)
    log_density: sp.Expr
    statistics: tuple  # t(x)
    natural: tuple  # theta as functions of the source parameters
    carrier: sp.Expr  # k(x)
    theta: tuple  # symbols for the natural parameters
    to_source: dict  # source parameter -> expression in theta
    log_normaliser: sp.Expr  # F(theta)

    # -- the pieces of the theory, on natural parameters given as tuples of expressions --------------------------
    def F(self, theta):
        return self.log_normaliser.subs(dict(zip(self.theta, theta)), simultaneous=True)

    def grad_F(self, theta):
        grad = [sp.diff(self.log_normaliser, t) for t in self.theta]
        return tuple(g.subs(dict(zip(self.theta, theta)), simultaneous=True) for g in grad)

    def bregman(self, theta_a, theta_b):
        """B_F(theta_a : theta_b) = F(a) - F(b) - <a - b, grad F(b)>."""
        inner = sum((a - b) * g for a, b, g in zip(theta_a, theta_b, self.grad_F(theta_b)))
        return self.F(theta_a) - self.F(theta_b) - inner

    def skew_jensen(self, theta_a, theta_b, alpha):
        """J_F,alpha(theta_a : theta_b) = (1 - alpha) F(a) + alpha F(b) - F(theta_alpha)."""
        return (1 - alpha) * self.F(theta_a) + alpha * self.F(theta_b) - self.F(interpolate(theta_a, theta_b, alpha))

    # -- the same, on members given by their source parameters ---------------------------------------------------
    def natural_of(self, params):
        return tuple(t.subs(dict(zip(self.params, params)), simultaneous=True) for t in self.natural)

    def source_of(self, theta):
        sub = dict(zip(self.theta, theta))
        return tuple(self.to_source[p].subs(sub, simultaneous=True) for p in self.params)

    def mean_statistic(self, params):
        """eta = grad F(theta) = E[t(x)], in source parameters."""
        return self.grad_F(self.natural_of(params))

    def geometric_mixture(self, params1, params2, alpha):
        """Source parameters of the normalised geometric mixture p1^(1 - alpha) p2^alpha / Z."""
        return self.source_of(interpolate(self.natural_of(params1), self.natural_of(params2), alpha))

    def kl(self, params1, params2):
        return self.bregman(self.natural_of(params2), self.natural_of(params1))

    def jeffreys(self, params1, params2):
        return self.kl(params1, params2) + self.kl(params2, params1)

    def jsd_geometric(self, params1, params2, alpha):
        t1, t2 = self.natural_of(params1), self.natural_of(params2)
        ta = interpolate(t1, t2, alpha)
        return (1 - alpha) * self.bregman(ta, t1) + alpha * self.bregman(ta, t2)

    def jsd_geometric_dual(self, params1, params2, alpha):
        t1, t2 = self.natural_of(params1), self.natural_of(params2)
        ta = interpolate(t1, t2, alpha)
        return (1 - alpha) * self.bregman(t1, ta) + alpha * self.bregman(t2, ta)

    def jsd_geometric_deasy(self, params1, params2, alpha):
        """Deasy et al. (2020)'s skew: mixture p1^alpha p2^(1 - alpha) (ours at 1 - alpha), KL weights 1 - alpha, alpha."""
        t1, t2 = self.natural_of(params1), self.natural_of(params2)
        swapped = interpolate(t1, t2, 1 - alpha)
        return (1 - alpha) * self.bregman(swapped, t1) + alpha * self.bregman(swapped, t2)

    def bhattacharyya(self, params1, params2, alpha):
        return self.skew_jensen(self.natural_of(params1), self.natural_of(params2), alpha)

    def reassembled_log_density(self):
        """<theta, t(x)> - F(theta) + k(x) in source parameters: equals the log-density when the decomposition holds."""
        theta = self.natural_of(self.params)
        inner = sum(t * s for t, s in zip(theta, self.statistics))
        return inner - self.F(theta) + self.carrier


def interpolate(theta_a, theta_b, alpha):
    return tuple((1 - alpha) * a + alpha * b for a, b in zip(theta_a, theta_b))


def from_density(name, x, params, log_density, sample, to_source=None):
    """Find (t, theta, k, F) from a log-density by splitting its expanded terms into x-parts and parameter-parts.

    A term c(params) * s(x) contributes c to the natural parameter paired with the statistic s; a term free of the
    parameters belongs to the carrier k; a term free of x belongs to -F. ``sample`` (a point of the parameter space)
    picks, among SymPy's inverses theta -> params, the branch that maps back to it; ``to_source`` gives that inverse
    where SymPy cannot solve for it (e.g. the von Mises polar coordinates), and is checked at the sample instead.
    """
    groups, carrier, constant = {}, sp.S.Zero, sp.S.Zero
    expanded = sp.expand(sp.expand_log(log_density, force=True), trig=True)
    for term in sp.Add.make_args(expanded):
        coefficient, x_part = term.as_independent(x, as_Add=False)
        if x_part == 1:
            constant += term
        elif not coefficient.free_symbols & set(params):
            carrier += term
        else:
            groups[x_part] = groups.get(x_part, sp.S.Zero) + coefficient
    statistics = tuple(sp.ordered(groups))
    natural = tuple(sp.simplify(groups[s]) for s in statistics)
    theta = sp.symbols(f"theta1:{len(statistics) + 1}", real=True)
    to_source = _invert(params, natural, theta, sample) if to_source is None else _checked(params, natural, theta,
                                                                                          sample, to_source)
    log_normaliser = sp.simplify((-constant).subs(to_source, simultaneous=True))
    return ExponentialFamily(name, x, tuple(params), log_density, statistics, natural, sp.simplify(carrier), theta,
                             to_source, log_normaliser)


def _checked(params, natural, theta, sample, to_source):
    at_sample = {t: n.subs(sample) for t, n in zip(theta, natural)}
    if any(sp.simplify(to_source[p].subs(at_sample) - sample[p]) != 0 for p in params):
        raise ValueError(f"the given inverse of theta = {natural} does not map back to {sample}")
    return dict(to_source)


def _invert(params, natural, theta, sample):
    solutions = sp.solve([sp.Eq(t, n) for t, n in zip(theta, natural)], list(params), dict=True)
    at_sample = {t: n.subs(sample) for t, n in zip(theta, natural)}
    for solution in solutions:
        if all(sp.simplify(solution[p].subs(at_sample) - sample[p]) == 0 for p in params):
            return {p: solution[p] for p in params}
    raise ValueError(f"no inverse of theta = {natural} maps back to {sample}")
