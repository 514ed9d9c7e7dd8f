"""Suite-wide setup: compile the kernels into numba's cache once, before the test workers and notebook kernels start.

With `-n 2` two workers and every nbval kernel import mjsd at the same moment; on a fresh machine they all compile
and write the same cache files, and a process that read a half-written entry crashed (a notebook kernel died and
nbval waited on it). The xdist controller runs this before it starts any worker; workers skip it.
"""


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        import mjsd

        mjsd.precompile()  # kernels compile lazily; compile and cache them all here, once
