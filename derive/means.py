"""Weighted means M_alpha(a, b) with M_0(a, b) = a and M_1(a, b) = b (Nielsen's convention).

Each function takes SymPy expressions (or numbers) a, b > 0 and a weight alpha in [0, 1]; alpha weights b.
"""
import sympy as sp


def arithmetic(a, b, alpha):
    return (1 - alpha) * a + alpha * b


def geometric(a, b, alpha):
    return a ** (1 - alpha) * b**alpha


def harmonic(a, b, alpha):
    return 1 / ((1 - alpha) / a + alpha / b)


def power(a, b, alpha, gamma):
    """Power (Hölder) mean of exponent gamma != 0: gamma = 1 arithmetic, gamma = -1 harmonic, gamma -> 0 geometric."""
    return ((1 - alpha) * a**gamma + alpha * b**gamma) ** (sp.S.One / gamma)  # exact 1/gamma for an int gamma


def quasi_arithmetic(a, b, alpha, f, f_inverse):
    """Kolmogorov-Nagumo mean f^-1((1 - alpha) f(a) + alpha f(b)) for a strictly monotone generator f."""
    return f_inverse((1 - alpha) * f(a) + alpha * f(b))


def quasi_arithmetic_from_generator(a, b, alpha, f):
    """Same, with f given as a one-argument Lambda; its inverse is found by SymPy."""
    y, z = sp.Dummy("y", positive=True), sp.Dummy("z")
    inverse = sp.solve(sp.Eq(f(y), z), y)
    if len(inverse) != 1:
        raise ValueError(f"the generator {f} has {len(inverse)} inverses; give f_inverse explicitly")
    return quasi_arithmetic(a, b, alpha, f, sp.Lambda(z, inverse[0]))


MEANS = {"arithmetic": arithmetic, "geometric": geometric, "harmonic": harmonic}
