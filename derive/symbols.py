"""Shared SymPy symbols, with the assumptions every derivation relies on."""
import sympy as sp

x = sp.Symbol("x", real=True)
alpha = sp.Symbol("alpha", positive=True)  # the skew; derivations take 0 < alpha < 1, kernels extend to [0, 1]
loc1, loc2 = sp.symbols("loc1 loc2", real=True)
scale1, scale2 = sp.symbols("scale1 scale2", positive=True)
k = sp.Symbol("k", integer=True, nonnegative=True)  # the value of a law on the counts 0, 1, 2, ...
i, j = sp.symbols("i j", integer=True, nonnegative=True)  # indices of a vector parameter's entries
size = sp.Symbol("k", integer=True, positive=True)  # a vector parameter's length: categories, Dirichlet components
