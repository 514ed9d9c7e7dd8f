"""One derivation per family; each ends in ``module()``, the closed forms handed to the code generator.

normal and cauchy are derived in modules of their own; the exponential families of the catalogue are declared by
their densities (``catalogue.Family``) and share one derivation.
"""
from . import (bernoulli, beta, binomial, categorical, cauchy, diagnormal, dirichlet, exponential, gamma, geometric, inverse_gaussian,
               laplace, lognormal, mvnormal, normal, poisson, rayleigh, von_mises, weibull, wishart)

FAMILIES = (normal, cauchy, categorical, dirichlet, mvnormal, diagnormal, wishart) + tuple(m.FAMILY for m in (
    bernoulli, binomial, poisson, geometric, exponential, gamma, lognormal, inverse_gaussian, laplace, rayleigh,
    weibull, beta, von_mises))
