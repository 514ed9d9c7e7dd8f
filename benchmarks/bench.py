"""python benchmarks/bench.py [--quick]: how fast the kernels are, as ratios measured in one run on this machine.

Each line compares an mjsd kernel with what a user would do without it, on the same inputs, as the ratio of median
timings (``repeat`` runs each); tests/test_benchmark.py checks that both sides of every comparison compute the same
numbers. The table is printed as Markdown (paste it into the README with the command line that produced it).
"""
import argparse
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy import integrate

import mjsd
from mjsd import mvnormal, normal


def median_time(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- 1. closed form over a large batch, against the memory-bandwidth floor ---------------------------------------------
def normal_batch(n, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=n), rng.uniform(0.5, 2, size=n), rng.normal(size=n), rng.uniform(0.5, 2, size=n),
            rng.uniform(size=n))


def bandwidth_floor(arrays, out):
    """One NumPy pass reading every input once and writing the output: out = a + b + c + d + e in a blocked loop
    (blocks stay in cache, so main memory sees each input read once and the output written once)."""
    block = 1 << 15
    for start in range(0, out.size, block):
        piece = slice(start, start + block)
        np.add(arrays[0][piece], arrays[1][piece], out=out[piece])
        for a in arrays[2:]:
            np.add(out[piece], a[piece], out=out[piece])
    return out


# -- 2. closed form against scipy quadrature of the definition and against Monte Carlo, per pair ------------------------
def log_normal_pdf(x, loc, scale):
    return -0.5 * ((x - loc) / scale) ** 2 - math.log(scale) - 0.5 * math.log(2 * math.pi)


def quad_jsd_geometric(loc1, scale1, loc2, scale2, alpha):
    """JS^G by scipy.integrate.quad of its definition with default tolerances, lean math-module log-densities: the
    mixture's normaliser, then the two KL terms against the normalised mixture."""
    def log_mix(x):
        return (1 - alpha) * log_normal_pdf(x, loc1, scale1) + alpha * log_normal_pdf(x, loc2, scale2)

    log_z = math.log(integrate.quad(lambda x: math.exp(log_mix(x)), -math.inf, math.inf)[0])

    def kl_to_mixture(loc, scale):
        def integrand(x):
            log_p = log_normal_pdf(x, loc, scale)
            return math.exp(log_p) * (log_p - log_mix(x) + log_z)
        return integrate.quad(integrand, -math.inf, math.inf)[0]

    return (1 - alpha) * kl_to_mixture(loc1, scale1) + alpha * kl_to_mixture(loc2, scale2)


def monte_carlo_jsd_geometric(loc1, scale1, loc2, scale2, alpha, samples, seed=0):
    """JS^G from draws of both laws; the mixture's normaliser Z = E_p[(q/p)^alpha] from the same draws."""
    rng = np.random.default_rng(seed)
    x, y = rng.normal(loc1, scale1, samples), rng.normal(loc2, scale2, samples)

    def log_ratio(z):  # log p1/p2
        return (-0.5 * ((z - loc1) / scale1) ** 2 - math.log(scale1)) - (-0.5 * ((z - loc2) / scale2) ** 2
                                                                         - math.log(scale2))
    under_p, under_q = log_ratio(x), -log_ratio(y)
    log_z = math.log(np.mean(np.exp(-alpha * under_p)))
    return alpha * (1 - alpha) * (under_p.mean() + under_q.mean()) + log_z


# -- 3. the classic JSD: numba quadrature against scipy quadrature at the same accuracy ---------------------------------
def scipy_jsd_arithmetic(loc1, scale1, loc2, scale2, alpha, epsrel=1e-10):
    def integrand(x):
        log_p, log_q = log_normal_pdf(x, loc1, scale1), log_normal_pdf(x, loc2, scale2)
        m = (1 - alpha) * math.exp(log_p) + alpha * math.exp(log_q)
        if m == 0.0:
            return 0.0
        log_m = math.log(m)
        return ((1 - alpha) * math.exp(log_p) * (log_p - log_m) + alpha * math.exp(log_q) * (log_q - log_m))
    points = sorted({loc1, loc2})
    lo, hi = min(loc1 - 40 * scale1, loc2 - 40 * scale2), max(loc1 + 40 * scale1, loc2 + 40 * scale2)
    return integrate.quad(integrand, lo, hi, points=points, epsrel=epsrel, epsabs=0, limit=500)[0]


# -- 4. mvnormal against a careful NumPy implementation on stacked arrays -----------------------------------------------
def mvnormal_batch(n, d, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(2, n, d, d)) / math.sqrt(d)
    covs = a @ np.swapaxes(a, -1, -2) + 0.5 * np.eye(d)
    return rng.normal(size=(n, d)), covs[0], rng.normal(size=(n, d)), covs[1], 0.3


def numpy_mvnormal_jsd_geometric(loc1, cov1, loc2, cov2, alpha):
    """JS^G_alpha = alpha (1 - alpha) J - B_alpha on stacked arrays with np.linalg: Cholesky factors, solves against
    them, log-determinants from the factors' diagonals (no explicit inverse)."""
    d = loc1.shape[-1]
    mixed = alpha * cov1 + (1 - alpha) * cov2
    factors = [np.linalg.cholesky(c) for c in (cov1, cov2, mixed)]
    logdets = [2 * np.log(np.diagonal(f, axis1=-2, axis2=-1)).sum(-1) for f in factors]
    gap = (loc1 - loc2)[..., None]

    def quadratic(f):
        return (np.linalg.solve(f, gap) ** 2).sum((-2, -1))

    def trace_solve(fa, fb):  # tr(A^-1 B) = ||L_A^-1 L_B||_F^2
        return (np.linalg.solve(fa, fb) ** 2).sum((-2, -1))

    jeffreys = 0.5 * (trace_solve(factors[0], factors[1]) + trace_solve(factors[1], factors[0]) - 2 * d
                      + quadratic(factors[0]) + quadratic(factors[1]))
    bhattacharyya = 0.5 * (alpha * (1 - alpha) * quadratic(factors[2]) + logdets[2] - alpha * logdets[0]
                           - (1 - alpha) * logdets[1])
    return alpha * (1 - alpha) * jeffreys - bhattacharyya


# -- 5. cold start ----------------------------------------------------------------------------------------------------
COLD = ("import time; start = time.perf_counter(); import mjsd; "
        "mjsd.normal.jsd_geometric(0.0, 1.0, 1.0, 2.0); print(time.perf_counter() - start)")


# numba's own floor: a module holding one trivial cached function (same decorator as mjsd's kernels)
BARE = ("import numba\n\n\n@numba.njit(cache=True, error_model='numpy', nogil=True)\n"
        "def half(x):\n    return 0.5 * x\n")
BARE_COLD = ("import time; start = time.perf_counter(); import bare; bare.half(1.0); "
             "print(time.perf_counter() - start)")


def _new_process_seconds(code, repeat, cwd=None):
    """Median over new processes of the seconds ``code`` prints (after one run that warms numba's cache)."""
    run = lambda: subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=cwd)
    run()
    return statistics.median(float(run().stdout) for _ in range(repeat))


def cold_start(repeat):
    """Seconds for a new process to import mjsd and make its first call, numba's cache warm; and the same for a
    module holding one trivial cached numba function: what any numba package pays (numba's import, its typing and
    target contexts, and the SciPy BLAS probe numba makes when SciPy is installed)."""
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "bare.py").write_text(BARE)
        bare = _new_process_seconds(BARE_COLD, repeat, cwd=folder)
    return _new_process_seconds(COLD, repeat), bare


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 7
    n = 10**5 if args.quick else 10**7
    mjsd.precompile()
    rows = []

    arrays = normal_batch(n)
    out = np.empty(n)
    kernel = median_time(lambda: normal.jsd_geometric(*arrays, out=out), repeat)
    floor = median_time(lambda: bandwidth_floor(arrays, out), repeat)
    rows.append((f"normal.jsd_geometric, {n:.0e} pairs", "NumPy pass reading the inputs, writing the output",
                 kernel / floor, f"kernel time / floor time ({kernel * 1e9 / n:.1f} ns/pair)"))

    # per pair: a closed-form or quadrature kernel's time per pair inside a batch (one Python call per batch),
    # against one scipy or Monte Carlo evaluation per pair
    pair = (0.3, 1.2, -0.7, 0.8, 0.3)
    closed = kernel / n
    quad = median_time(lambda: quad_jsd_geometric(*pair), repeat)
    samples = 10**6 if args.quick else 4 * 10**6
    sampled = median_time(lambda: monte_carlo_jsd_geometric(*pair, samples), max(2, repeat // 2))
    rows.append(("normal.jsd_geometric, per pair in a batch", "scipy quad of the definition (default tolerances)",
                 quad / closed, "times faster"))
    rows.append(("normal.jsd_geometric, per pair in a batch",
                 f"Monte Carlo, {samples:.0e} draws per law (~1e-3 relative)", sampled / closed, "times faster"))

    pairs = 200 if args.quick else 2000
    batch = tuple(np.full(pairs, value) * np.linspace(1, 1.5, pairs) for value in pair)
    arithmetic = median_time(lambda: normal.jsd_arithmetic(*batch), repeat) / pairs
    scipy_arithmetic = median_time(lambda: scipy_jsd_arithmetic(*pair), repeat)
    rows.append(("normal.jsd_arithmetic, per pair in a batch", "scipy quad, same relative accuracy 1e-10",
                 scipy_arithmetic / arithmetic, "times faster"))

    threads = mjsd.get_num_threads()
    for label, run, size in ((f"normal.jsd_geometric, {n:.0e} pairs", lambda: normal.jsd_geometric(*arrays, out=out), n),
                             (f"normal.jsd_arithmetic, {pairs} pairs", lambda: normal.jsd_arithmetic(*batch), pairs)):
        timings = []
        for count in (1, threads):  # each after a warm-up call (a new pool starts its threads)
            mjsd.set_num_threads(count)
            run()
            timings.append(median_time(run, 2 * repeat))
        rows.append((f"{label}, {threads} threads", "the same on 1 thread", timings[0] / timings[1],
                     "parallel speed-up"))

    count = 10**3 if args.quick else 10**5
    for d in (2, 3, 8, 32, 64):
        m = max(count // (d * d // 4 + 1), 200)
        batch = mvnormal_batch(m, d)
        ours = median_time(lambda: mvnormal.jsd_geometric(*batch), repeat)
        theirs = median_time(lambda: numpy_mvnormal_jsd_geometric(*batch), repeat)
        rows.append((f"mvnormal.jsd_geometric, d = {d}, {m} pairs", "NumPy np.linalg on stacked arrays",
                     theirs / ours, f"times faster ({ours * 1e6 / m:.2f} us/pair)"))

    cold, bare = cold_start(repeat)
    print(f"# mjsd benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}, mjsd on {threads} threads\n")
    print("| mjsd | against | ratio | note |\n| --- | --- | --- | --- |")
    for ours, against, ratio, note in rows:
        print(f"| {ours} | {against} | {ratio:.3g} | {note} |")
    print(f"\ncold start (new process, warm numba cache, median of {repeat}): import mjsd + first call = {cold:.2f} s; "
          f"a module with one trivial cached numba function, import + call = {bare:.2f} s (numba's own floor)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
