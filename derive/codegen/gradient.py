"""Value-and-gradient kernels of the closed forms: one generalised ufunc per divergence writing its value (from the value
kernel, so the two agree to the bit) and every partial derivative (derive/gradients.py), from one CSE pass over all
the partials.

The loop computes the preamble and the sums once, then the value and the scalar partials; a vector parameter's
partials are written entry by entry in a last loop, where only the temporaries that depend on the entry are computed.
"""
import sympy as sp

from ..gradients import ENTRY, differentiable, gradient
from .matrix import identical
from .printer import NumbaPrinter, common_subexpressions, printed, sum_loops
from .spec import CORE_DIMENSIONS, GUARDS, SIMPLEX, VECTORS


def name(kernel):
    return f"{kernel.name}_value_and_grad"


def outputs(kernel):
    """The output arrays of the loop, after the arguments: the value, then one partial per differentiable parameter."""
    return ["_value"] + [f"_d_{p.name}" for p in differentiable(kernel.params)]


def layout(kernel):
    """The generalised ufunc's numba signature and core layout."""
    core = {0: "()", 1: "(k)"}
    cores = [CORE_DIMENSIONS.get(p.constraint, 0) for p in kernel.params]
    out = [0] + [CORE_DIMENSIONS.get(p.constraint, 0) for p in differentiable(kernel.params)]
    types = [("float64[:]" if c else "float64") for c in cores] + ["float64[:]"] * len(out)
    return f"void({', '.join(types)})", f"{','.join(core[c] for c in cores)}->{','.join(core[c] for c in out)}"


def value_and_grad(kernel):
    """The loop function of ``kernel``'s value-and-gradient ufunc and its LazyUfunc."""
    args = ", ".join(p.name for p in kernel.params)
    lines = [f"def _{name(kernel)}_loop({args}, {', '.join(outputs(kernel))}):"]
    if not any(p.constraint in VECTORS for p in kernel.params):  # vectors are checked before the call
        guards = " and ".join(GUARDS[p.constraint].format(p.name) for p in kernel.params)
        lines += [f"    if not ({guards}):", "        _value[0] = math.nan  # the wrapper names the argument",
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
    partials = gradient(kernel.expr, kernel.params, kernel.preamble)
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
