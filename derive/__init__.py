"""The symbolic side of mjsd: definitions -> derivations -> generated kernels.

Data flow, one module per stage:

* ``means``, ``mixtures``, ``divergences``: the definitions (weighted means, M-mixtures, KL, the M-JSD and its dual);
* ``expfam``: exponential families found from a density, and the geometric-mixture theorem on them;
* ``families/``: one derivation per family, each ending in the closed forms its kernels are generated from;
* ``codegen/``: SymPy expression -> numba source, written to ``generated/mjsd`` by ``python -m derive``.

The notebooks call these same functions, so the expression a notebook ends with is the one the kernel is built from.
"""
