"""Kernels of multivariate closed forms (spec.MatrixClosedForm): Cholesky factors and triangular solves, no inverse.

A closed form's matrix parts are the atoms of derive/matrices.py. For any d the kernel factorises each matrix the
atoms name once (runtime _linalg.factor) and evaluates each atom on the factors; for each d in ``unrolled`` the same
evaluation is written out on the symbolic entries (derive.matrices.unrolled) as straight-line code. A dispatcher
returns 0 for identical laws (and at the ends of alpha for skew divergences) and picks the kernel by d.

A kernel with a spectral form (derive.matrices.Spectral) also returns runtime _linalg.CANCELLED times the size of the
atoms' terms, sum |c_k atom_k|: when the divergence is below it, the terms have cancelled and the dispatcher
evaluates the spectral form instead, a sum over the eigenvalues of first^-1 second of terms that do not cancel.
"""
import sympy as sp

from ..matrices import (ATOMS, LogDet, TraceSolve, atoms, combination, dimension, eigenvalue_log, matrices, unrolled,
                        whitened_gap)
from ..symbols import j as index
from .printer import NumbaPrinter, straight_line, straight_lines, sum_loops
from .spec import SPD, VECTORS

JIT = '@numba.njit(cache=True, error_model="numpy", nogil=True)'
CANCELLED = sp.Symbol("_linalg.CANCELLED", positive=True)  # the runtime's threshold, read by the kernels


def matrix_kernel(kernel):
    text = "".join(_unrolled(kernel, d) for d in kernel.unrolled) + _any_dimension(kernel)
    return text + (_spectral(kernel) if kernel.spectral is not None else "") + _dispatcher(kernel)


def _arguments(kernel):
    return ", ".join(p.name for p in kernel.params)


def _first_matrix(kernel):
    return next(p.name for p in kernel.params if p.constraint == SPD)


def _dispatcher(kernel):
    args = _arguments(kernel)
    matrices = " and ".join(f"_linalg.symmetric({p.name})" for p in kernel.params if p.constraint == SPD)
    lines = [f"    if not ({matrices}):", "        return math.nan  # the wrapper names the matrix at fault",
             f"    if {identical(kernel)}:", "        return 0.0"]
    if kernel.zero_at_alpha_ends:
        lines += ["    if alpha == 0.0 or alpha == 1.0:", "        return 0.0"]
    lines.append(f"    _d = {_first_matrix(kernel)}.shape[0]")
    if kernel.spectral is None:
        for d in kernel.unrolled:
            lines += [f"    if _d == {d}:", f"        return _{kernel.name}_d{d}({args})"]
        lines.append(f"    return _{kernel.name}_any({args})")
    else:
        if kernel.spectral_when is not None:
            condition = NumbaPrinter().doprint(kernel.spectral_when.subs(dimension, sp.Symbol("_d")))
            lines += [f"    if {condition}:", f"        _accurate = _{kernel.name}_spectral({args})",
                      "        if _accurate >= 0.0:", "            return _accurate"]
        for n, d in enumerate(kernel.unrolled):
            lines += [f"    {'el' if n else ''}if _d == {d}:", f"        _value, _size = _{kernel.name}_d{d}({args})"]
        lines += ["    else:", f"        _value, _size = _{kernel.name}_any({args})",
                  "    if _value != _value:",
                  "        return math.nan  # the wrapper names the matrix at fault",
                  "    if _value > _size or not _size < math.inf:  # at most 4 digits lost; or the atoms overflowed,",
                  "        return max(_value, 0.0)  # and so would the spectral form (the fuzz tests' MATRIX_SCALE)",
                  f"    _accurate = _{kernel.name}_spectral({args})",
                  "    return _accurate if _accurate >= 0.0 else max(_value, 0.0)  # -1: a spectrum too wide"]
    return f"\n\n{JIT}\ndef _{kernel.name}({args}):\n" + "\n".join(lines) + "\n"


def identical(kernel):
    """The condition that the two laws' parameters (named ...1 and ...2; a shared one such as a binomial's n is the
    same for both) are equal."""
    names = {p.name: p for p in kernel.params}
    pairs = [(p, names[p.name[:-1] + "2"]) for p in kernel.params if p.name.endswith("1")]
    return " and ".join(_same(a.constraint, a.name, b.name) for a, b in pairs)


def _same(constraint, a, b):
    if constraint == SPD:
        return f"_linalg.same_matrix({a}, {b})"
    return f"_linalg.same_vector({a}, {b})" if constraint in VECTORS else f"{a} == {b}"


def _unrolled(kernel, d):
    """Straight-line code for dimension d: the preamble's vectors entry by entry, each factor's pivots checked."""
    printer, lines, vectors = NumbaPrinter(), [], {}
    for symbol, value in kernel.preamble:
        entries = []
        for i in range(d):
            name = sp.Symbol(f"_{symbol.name}{i}")
            lines.append(f"    {name} = {printer.doprint(entry(value, i))}")
            entries.append(name)
        vectors[symbol] = sp.Matrix(entries)
    steps, scalars = unrolled(sp.Tuple(*_results(kernel)), d, vectors)
    for kind, symbol, value in steps:
        if kind == "let":
            lines.append(f"    {symbol} = {printer.doprint(value)}")
        else:  # a pivot: > 0 for a positive definite matrix, and the factor's diagonal entry is its square root
            lines += [f"    _pivot = {printer.doprint(value)}", "    if not _pivot > 0.0:",
                      f"        return {_failed(kernel)}", f"    {symbol} = math.sqrt(_pivot)"]
    lines += _returned(scalars)
    return f"\n\n{JIT}\ndef _{kernel.name}_d{d}({_arguments(kernel)}):\n" + "\n".join(lines) + "\n"


def _results(kernel):
    """What an atoms kernel returns: the divergence, and with a spectral form CANCELLED times the size of its terms,
    sum |c_k atom_k| (plus d |c_k| for a log det), a bound on their rounding errors in units of eps."""
    if kernel.spectral is None:
        return (kernel.expr,)
    terms = [term.as_independent(*ATOMS, as_Add=False) for term in sp.Add.make_args(kernel.expr)]
    # a log det of d factors is uncertain by ~ d eps whatever its value (log det ~ 0 for det ~ 1): its size counts d.
    # Each term is scaled by CANCELLED first, so that the sum cannot overflow where the divergence does not.
    # Unevaluated: Abs would otherwise rewrite the atoms' matrix arguments (1 - alpha -> -(alpha - 1))
    size = sp.Add(*(sp.Mul(sp.Abs(c), sp.Add(CANCELLED * sp.Abs(atom, evaluate=False), CANCELLED * dimension
                                             if isinstance(atom, LogDet) else 0, evaluate=False), evaluate=False)
                    for c, atom in terms), evaluate=False)
    return kernel.expr, size


def _failed(kernel):
    return "math.nan" if kernel.spectral is None else "math.nan, 0.0"


def _returned(scalars):
    """The lines that compute and return the results (the value clipped at 0)."""
    body, results = straight_lines(scalars)
    return body + [f"    return {', '.join([f'max({results[0]}, 0.0)'] + results[1:])}"]


def two_terms(matrix):
    """A matrix symbol or combination as the two (symbol, coefficient) terms runtime _linalg.factor takes."""
    terms = combination(matrix)
    if len(terms) > 2:
        raise ValueError(f"the runtime factorises combinations of at most two matrices: {matrix}")
    return terms if len(terms) == 2 else (terms[0], (terms[0][0], sp.S.Zero))


def entry(vector, index):
    """Entry ``index`` of a linear combination of vector arguments (loc1 - loc2 -> loc1[index] - loc2[index])."""
    return sp.Add(*(c * sp.IndexedBase(s.name)[index] for s, c in combination(vector)))


def _any_dimension(kernel):
    """Loops for any d: one allocation holds every factor (and a workspace for the trace solves), one every vector
    (a workspace for the solves, the preamble's, each factor's reciprocal diagonal); each matrix is factorised once,
    each atom is a _linalg call on the factors."""
    printer = NumbaPrinter()
    found = matrices(kernel.expr)
    first = _first_matrix(kernel)
    solves = any(isinstance(atom, TraceSolve) for atom in atoms(kernel.expr))
    inverses = len(kernel.preamble) + 1  # the first row of _vectors holding a reciprocal diagonal
    lines = [f"    _n = {first}.shape[0]", f"    _factors = np.empty(({len(found) + solves}, _n, _n))",
             f"    _vectors = np.empty(({inverses + len(found)}, _n))", "    _work = _vectors[0]"]
    lines += _preamble_rows(kernel, 1)
    factors, inverse = {}, {}
    for n, matrix in enumerate(found):
        (a1, c1), (a2, c2) = two_terms(matrix)
        factors[matrix], inverse[matrix] = f"_factors[{n}]", f"_vectors[{inverses + n}]"
        lines += [f"    if not _linalg.factor({printer.doprint(c1)}, {a1.name}, {printer.doprint(c2)}, {a2.name}, "
                  f"{factors[matrix]}, {inverse[matrix]}):", f"        return {_failed(kernel)}"]
    values = {}
    for n, atom in enumerate(atoms(kernel.expr)):
        symbol = sp.Symbol(f"_a{n}")
        if isinstance(atom, LogDet):
            call = f"_linalg.logdet({factors[atom.args[0]]})"
        elif isinstance(atom, TraceSolve):
            a, b = atom.args
            call = f"_linalg.trace_solve({factors[a]}, {inverse[a]}, {factors[b]}, _factors[{len(found)}])"
        else:
            call = f"_linalg.quadratic({factors[atom.args[1]]}, {inverse[atom.args[1]]}, {atom.args[0].name}, _work)"
        lines.append(f"    {symbol} = {call}")
        values[atom] = symbol
    scalars = sp.Tuple(*_results(kernel)).xreplace(values)
    if any(s.name == "d" for s in scalars.free_symbols):
        lines.append("    d = float(_n)")
    lines += _returned(scalars)
    return f"\n\n{JIT}\ndef _{kernel.name}_any({_arguments(kernel)}):\n" + "\n".join(lines) + "\n"


def _preamble_rows(kernel, first):
    """The preamble's vectors computed entry by entry into rows first, first + 1, ... of _vectors."""
    printer, lines = NumbaPrinter(), []
    for n, (symbol, value) in enumerate(kernel.preamble, start=first):
        lines += [f"    {symbol.name} = _vectors[{n}]", "    for _i in range(_n):",
                  f"        {symbol.name}[_i] = {printer.doprint(entry(value, sp.Symbol('_i')))}"]
    return lines


def _spectral(kernel):
    """The spectral form: runtime _linalg.relative_spectrum gives each eigenvalue's u = log lambda and whitened gap
    coordinate y, and the loop sums the per-eigenvalue term; -1 when the spectrum is too wide to be accurate."""
    form = kernel.spectral
    lines = [f"    _n = {form.first.name}.shape[0]", "    _work = np.empty((4, _n, _n))",
             f"    _vectors = np.empty(({2 + len(kernel.preamble)}, _n))"]
    lines += _preamble_rows(kernel, 2)
    gap = form.gap.name if form.gap is not None else "_vectors[0, :0]"  # no gap: an empty vector
    lines += [f"    if not _linalg.relative_spectrum({form.first.name}, {form.second.name}, {gap}, _vectors[0], "
              "_vectors[1], _work):", "        return -1.0", "    _sum = 0.0", "    for _i in range(_n):",
              f"        {eigenvalue_log} = _vectors[0, _i]"]
    if form.per_eigenvalue.has(whitened_gap):
        lines.append(f"        {whitened_gap} = _vectors[1, _i]")
    if form.per_eigenvalue.has(index):  # the eigenvalue's index (wishart.gamma_split)
        lines.append("        j = float(_i)")
    body, result = straight_line(form.per_eigenvalue, indent="        ")
    lines += body + [f"        _sum += {result}"]
    loops, scalar = sum_loops(form.scalar, form.first.name)  # sums over j = 0 .. d - 1 (wishart's multigamma gaps)
    lines += loops if scalar != form.scalar else []
    if any(s.name == "d" for s in scalar.free_symbols):
        lines.append("    d = float(_n)")
    body, result = straight_line(scalar + sp.Symbol("_sum"))
    lines += body + [f"    return max({result}, 0.0)"]
    return f"\n\n{JIT}\ndef _{kernel.name}_spectral({_arguments(kernel)}):\n" + "\n".join(lines) + "\n"
