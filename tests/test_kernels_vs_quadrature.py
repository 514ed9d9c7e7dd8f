"""Every generated kernel against scipy quadrature of its definition (tests/definitions.py), relative 1e-9.

The kernels are called once on the whole batch (arrays), so this also exercises broadcasting; the reference is
evaluated pair by pair. The worst relative error per kernel is printed (pytest -s) for the closing notes.
"""
import numpy as np
import pytest

import definitions as ref
import mjsd

N = 200
TOLERANCE = 1e-9
LOC_EXPONENTS = (-3, 3)  # locations up to 10^3 with scales down to 10^-3: laws up to ~10^6 widths apart

CASES = {
    # (module, kernel): (law, reference(p, q, alpha), takes alpha)
    ("normal", "kl"): (ref.normal, lambda p, q, a: ref.kl(p, q), False),
    ("normal", "jeffreys"): (ref.normal, lambda p, q, a: ref.jeffreys(p, q), False),
    ("normal", "jsd_geometric"): (ref.normal, lambda p, q, a: ref.jsd_geometric(p, q, a), True),
    ("normal", "jsd_geometric_dual"): (ref.normal, lambda p, q, a: ref.jsd_geometric(p, q, a, dual=True), True),
    ("normal", "bhattacharyya"): (ref.normal, lambda p, q, a: ref.bhattacharyya(p, q, a), True),
    ("normal", "jsd_arithmetic"): (ref.normal, lambda p, q, a: ref.jsd_arithmetic(p, q, a), True),
    ("cauchy", "kl"): (ref.cauchy, lambda p, q, a: ref.kl(p, q), False),
    ("cauchy", "jsd_harmonic"): (ref.cauchy, lambda p, q, a: ref.jsd_harmonic(p, q, a), True),
    ("cauchy", "jsd_harmonic_dual"): (ref.cauchy, lambda p, q, a: ref.jsd_harmonic(p, q, a, dual=True), True),
    ("cauchy", "jsd_arithmetic"): (ref.cauchy, lambda p, q, a: ref.jsd_arithmetic(p, q, a), True),
}


@pytest.mark.parametrize("module, name", sorted(CASES), ids=lambda v: v)
def test_kernel_matches_quadrature(module, name):
    law, reference, skewed = CASES[module, name]
    seed = sum(map(ord, module + name))
    loc1, scale1, loc2, scale2, alpha = ref.random_parameters(seed, N, loc_exponents=LOC_EXPONENTS)
    kernel = getattr(getattr(mjsd, module), name)
    values = kernel(loc1, scale1, loc2, scale2, alpha) if skewed else kernel(loc1, scale1, loc2, scale2)
    assert values.shape == (N,) and values.dtype == np.float64
    errors = []
    for i in range(N):
        expected = reference(law(loc1[i], scale1[i]), law(loc2[i], scale2[i]), alpha[i])
        errors.append(abs(values[i] - expected) / abs(expected))
    worst = int(np.argmax(errors))
    print(f"\n{module}.{name}: worst relative error {errors[worst]:.2e} over {N} random pairs")
    assert errors[worst] < TOLERANCE, (
        f"{module}.{name}{(loc1[worst], scale1[worst], loc2[worst], scale2[worst], alpha[worst])}: "
        f"relative error {errors[worst]:.3e}")
