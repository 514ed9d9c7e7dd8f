"""Suite-wide setup: compile the kernels into numba's cache once, before the test workers and notebook kernels start.

With `-n 2` two workers and every nbval kernel import mjsd at the same moment; on a fresh machine they all compile
and write the same cache files, and a process that read a half-written entry crashed (a notebook kernel died and
nbval waited on it). The xdist controller runs this before it starts any worker; workers skip it.
"""


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        import mjsd

        mjsd.precompile()  # kernels compile lazily; compile and cache them all here, once


# ---------------------------------------------------------------------------------------------------------------------
# Counts reported by tests/test_fuzz.py ("fuzzed inputs") and tests/test_properties.py ("pairs checked"): each test
# attaches (name, count) and ("function", the names of the functions it checked, space-separated) to its report's
# user_properties. They are summed from the reports on the process that prints the summary: under pytest-xdist the
# workers' user_properties travel with their reports to the controller, whose pytest_runtest_logreport sees every one.
# ---------------------------------------------------------------------------------------------------------------------

_COUNTED = {"fuzzed inputs": ("fuzzed", "inputs"), "pairs checked": ("checked", "pairs")}
_counts = {name: [0, set()] for name in _COUNTED}


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    properties = dict(report.user_properties)
    for name, total in _counts.items():
        if name in properties:
            total[0] += int(properties[name])
            total[1].update(str(properties.get("function", report.nodeid)).split())


def pytest_terminal_summary(terminalreporter):
    for name, (count, functions) in _counts.items():
        if count:
            verb, noun = _COUNTED[name]
            terminalreporter.write_line(f"{verb} {count} {noun} across {len(functions)} functions")
