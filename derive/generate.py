"""The whole generated tree as {relative path: text}, from the family derivations."""
from .codegen import render, sheet
from .families import FAMILIES

PACKAGE = "mjsd"
RUNTIME = ("_validate.py", "_special.py", "_quadrature.py", "_series.py", "_monte_carlo.py", "_lazy.py", "_linalg.py",
           "_pairwise.py", "_parallel.py", "_elementary.py", "_batch.py")


def generated_files():
    families = [family.module() for family in FAMILIES]
    files = {f"{PACKAGE}/__init__.py": render.package_init(families)}
    for name in RUNTIME:
        files[f"{PACKAGE}/{name}"] = render.runtime_file(name)
    for family in families:
        files[f"{PACKAGE}/{family.name}.py"] = render.family_module(family)
    files["FORMULAS.md"] = sheet.formula_sheet(families)
    return files
