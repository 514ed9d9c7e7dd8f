"""Value-and-gradient kernels of the closed forms: one generalised ufunc per divergence writing its value (from the value
kernel, so the two agree to the bit) and every partial derivative (derive/gradients.py), from one CSE pass over all
the partials.

The loop computes the preamble and the sums once, then the value and the scalar partials; a vector parameter's
partials are written entry by entry in a last loop, where only the temporaries that depend on the entry are computed.
Multivariate closed forms (mvnormal, wishart) differentiate their scalar expression in its matrix atoms instead and
assemble the matrix derivatives at run time (``matrix_value_and_grad``).
"""
import sympy as sp

from ..gradients import ENTRY, differentiable, gradient
from ..matrices import LogDet, Quadratic, TraceSolve, atoms, combination, matrices
from .matrix import entry, identical, two_terms
from .printer import NumbaPrinter, common_subexpressions, printed, sum_loops
from .spec import CORE_DIMENSIONS, SIMPLEX, SPD, VECTORS, guards


def name(kernel):
    return f"{kernel.name}_value_and_grad"


def outputs(kernel):
    """The output arrays of the loop, after the arguments: the value, then one partial per differentiable parameter."""
    return ["_value"] + [f"_d_{p.name}" for p in differentiable(kernel.params)]


def layout(kernel):
    """The generalised ufunc's numba signature and core layout."""
    core, array = {0: "()", 1: "(k)", 2: "(k,k)"}, {0: "float64", 1: "float64[:]", 2: "float64[:, :]"}
    cores = [CORE_DIMENSIONS.get(p.constraint, 0) for p in kernel.params]
    out = [0] + [CORE_DIMENSIONS.get(p.constraint, 0) for p in differentiable(kernel.params)]
    types = [array[c] for c in cores] + [array[max(c, 1)] for c in out]
    return f"void({', '.join(types)})", f"{','.join(core[c] for c in cores)}->{','.join(core[c] for c in out)}"


def value_and_grad(kernel):
    """The loop function of ``kernel``'s value-and-gradient ufunc and its LazyUfunc."""
    args = ", ".join(p.name for p in kernel.params)
    lines = [f"def _{name(kernel)}_loop({args}, {', '.join(outputs(kernel))}):"]
    if not any(p.constraint in VECTORS for p in kernel.params):  # vectors are checked before the call
        lines += [f"    if not ({guards(kernel.params)}):", "        _value[0] = math.nan  # the wrapper names the argument",
                  "        return"]
    # identical laws are a divergence's minimum: every partial vanishes there, even where the general formula is 0/0
    # (Cauchy's sqrt(chi)); probabilities on the simplex are the exception, their free-entry partials need not vanish
    if not any(p.constraint == SIMPLEX for p in kernel.params):
        zeros = [f"        {out}[:] = 0.0" for out in outputs(kernel)]
        lines += [f"    if {identical(kernel)}:", *zeros, "        return"]
    lines += _body(kernel)
    signature, cores = layout(kernel)
    decorator = f'numba.guvectorize(["{signature}"], "{cores}", cache=True)'
    return "\n\n" + "\n".join(lines) + f"\n\n\n_{name(kernel)}_ufunc = LazyUfunc({decorator}, _{name(kernel)}_loop)\n"


def _body(kernel):
    printer = NumbaPrinter()
    lines = [f"    {symbol} = {printed(printer, value)}" for symbol, value in kernel.preamble]
    source = kernel.expr if kernel.slope_expr is None else kernel.slope_expr
    partials = gradient(source, kernel.params, kernel.preamble)
    scalars = list(partials.scalars.values())
    entries = list(partials.entries.values())
    expressions = sp.Tuple(*scalars, *entries)
    vectors = [p.name for p in kernel.params if p.constraint in VECTORS]
    if expressions.has(sp.Sum):
        loops, expressions = sum_loops(expressions, vectors[0])
        lines += loops
    elif entries:
        lines.append(f"    _k = {vectors[0]}.shape[0]")
    temporaries, reduced = common_subexpressions(list(expressions))
    per_entry = set()  # temporaries that depend on the entry: computed inside the entry loop
    for symbol, value in temporaries:
        if value.has(ENTRY) or value.free_symbols & per_entry:
            per_entry.add(symbol)
    lines += [f"    {s} = {printed(printer, v)}" for s, v in temporaries if s not in per_entry]
    # the value kernel itself, so both functions return the same bits (LLVM shares the work once it is inlined)
    lines.append(f"    _value[0] = _{kernel.name}({', '.join(p.name for p in kernel.params)})")
    names = [f"_d_{n}" for n in partials.scalars]
    lines += [f"    {out}[0] = {printed(printer, e)}" for out, e in zip(names, reduced)]
    if entries:
        lines.append(f"    for {ENTRY} in range(_k):")
        lines += [f"        {s} = {printed(printer, v)}" for s, v in temporaries if s in per_entry]
        lines += [f"        _d_{n}[{ENTRY}] = {printed(printer, e)}"
                  for n, e in zip(partials.entries, reduced[len(scalars):])]
    return lines


def matrix_value_and_grad(kernel):
    """The value-and-gradient loop of a multivariate closed form (spec.MatrixClosedForm).

    Each atom's matrix derivative is assembled at run time from A^-1 (runtime _linalg): with w the atom's scalar
    partial, LogDet(A) adds w A^-1 to A's gradient, TraceSolve(A, B) adds -w A^-1 B A^-1 to A's and w A^-1 to B's,
    Quadratic(v, A) adds -w (A^-1 v)(A^-1 v)^T to A's and 2 w A^-1 v to v's. A combination c1 X1 + c2 X2 passes c_j
    times its gradient to X_j, and tr(gradient X_j) dc_j/ds to each scalar s. The gradient G of a symmetric matrix
    takes its entries as independent: dD = tr(G dX).
    """
    printer = NumbaPrinter()
    args = ", ".join(p.name for p in kernel.params)
    found = matrices(kernel.expr)
    index = {m: n for n, m in enumerate(found)}
    lines = [f"def _{name(kernel)}_loop({args}, {', '.join(outputs(kernel))}):",
             f"    _value[0] = _{kernel.name}({args})"]
    lines += [f"    {out}[{'0' if _core(kernel, out) == 0 else ':'}] = 0.0" for out in outputs(kernel)[1:]]
    lines += [f"    if not _value[0] == _value[0] or {identical(kernel)}:",
              "        return  # NaN: the wrapper names the matrix at fault; identical laws: every partial is 0",
              f"    _n = {next(p.name for p in kernel.params if p.constraint == SPD)}.shape[0]",
              "    _work = np.empty((_n, _n))", "    _solved = np.empty(_n)"]
    for symbol, value in kernel.preamble:
        lines += [f"    {symbol.name} = np.empty(_n)", "    for _i in range(_n):",
                  f"        {symbol.name}[_i] = {printer.doprint(entry(value, sp.Symbol('_i')))}"]
    for n, matrix in enumerate(found):
        (a1, c1), (a2, c2) = two_terms(matrix)
        c1, c2 = printer.doprint(c1), printer.doprint(c2)
        if isinstance(matrix, sp.MatrixSymbol):
            lines.append(f"    _m{n} = {matrix.name}")
        else:
            lines += [f"    _m{n} = np.empty((_n, _n))", f"    _linalg.combine({c1}, {a1.name}, {c2}, {a2.name}, _m{n})"]
        lines += [f"    _L{n} = np.empty((_n, _n))", f"    _r{n} = np.empty(_n)",
                  f"    _linalg.factor({c1}, {a1.name}, {c2}, {a2.name}, _L{n}, _r{n})",
                  f"    _inv{n} = np.empty((_n, _n))", f"    _linalg.inverse(_L{n}, _r{n}, _work, _inv{n})",
                  f"    _g{n} = np.zeros((_n, _n))"]
    found_atoms = atoms(kernel.expr)
    placeholders = {atom: sp.Symbol(f"_a{n}") for n, atom in enumerate(found_atoms)}
    vectors = sorted({a.args[0] for a in found_atoms if isinstance(a, Quadratic)}, key=sp.default_sort_key)
    lines += [f"    _gv_{v.name} = np.zeros(_n)" for v in vectors]
    for atom, symbol in placeholders.items():
        if isinstance(atom, LogDet):
            lines.append(f"    {symbol} = _linalg.logdet(_L{index[atom.args[0]]})")
        elif isinstance(atom, TraceSolve):
            a, b = (index[m] for m in atom.args)
            lines.append(f"    {symbol} = _linalg.trace_product(_inv{a}, _m{b})")
        else:
            v, a = atom.args[0].name, index[atom.args[1]]
            lines += [f"    _u{symbol} = np.empty(_n)", f"    _linalg.solve(_inv{a}, {v}, _u{symbol})",
                      f"    {symbol} = _linalg.quadratic(_L{a}, _r{a}, {v}, _solved)"]
    scalar = kernel.expr.xreplace(placeholders)
    if any(s.name == "d" for s in scalar.free_symbols):
        lines.append("    d = float(_n)")
    scalars = [p for p in differentiable(kernel.params) if p.constraint not in CORE_DIMENSIONS]
    partials = [sp.diff(scalar, s) for s in placeholders.values()] + [sp.diff(scalar, p.symbol) for p in scalars]
    temporaries, reduced = common_subexpressions(partials)
    lines += [f"    {s} = {printed(printer, v)}" for s, v in temporaries]
    weights = [printed(printer, w) for w in reduced[:len(placeholders)]]
    for (atom, symbol), w in zip(placeholders.items(), weights):
        if isinstance(atom, LogDet):
            lines.append(f"    _linalg.add(_g{index[atom.args[0]]}, {w}, _inv{index[atom.args[0]]})")
        elif isinstance(atom, TraceSolve):
            a, b = (index[m] for m in atom.args)
            lines += [f"    _linalg.add_sandwich(_g{a}, -({w}), _inv{a}, _m{b}, _work)",
                      f"    _linalg.add(_g{b}, {w}, _inv{a})"]
        else:
            v, a = atom.args[0].name, index[atom.args[1]]
            lines += [f"    _linalg.add_outer(_g{a}, -({w}), _u{symbol})", "    for _i in range(_n):",
                      f"        _gv_{v}[_i] += 2.0 * ({w}) * _u{symbol}[_i]"]
    for n, matrix in enumerate(found):  # each matrix's gradient to the covariances it combines
        lines += [f"    _linalg.add(_d_{x.name}, {printer.doprint(c)}, _g{n})" for x, c in combination(matrix)]
    for p, direct in zip(scalars, reduced[len(placeholders):]):
        terms = [printed(printer, direct)]
        terms += [f"({printer.doprint(sp.diff(c, p.symbol))})*_linalg.trace_product(_g{n}, {x.name})"
                  for n, matrix in enumerate(found) for x, c in combination(matrix) if sp.diff(c, p.symbol) != 0]
        lines.append(f"    _d_{p.name}[0] = {' + '.join(terms)}")
    preamble = dict(kernel.preamble)
    for v in vectors:  # each vector's gradient to the locations it combines
        for x, c in (combination(preamble[v]) if v in preamble else ((v, sp.S.One),)):
            lines += ["    for _i in range(_n):", f"        _d_{x.name}[_i] += {printer.doprint(c)} * _gv_{v.name}[_i]"]
    signature, cores = layout(kernel)
    decorator = f'numba.guvectorize(["{signature}"], "{cores}", cache=True)'
    return "\n\n" + "\n".join(lines) + f"\n\n\n_{name(kernel)}_ufunc = LazyUfunc({decorator}, _{name(kernel)}_loop)\n"


def _core(kernel, out):
    parameter = next(p for p in kernel.params if f"_d_{p.name}" == out)
    return CORE_DIMENSIONS.get(parameter.constraint, 0)
