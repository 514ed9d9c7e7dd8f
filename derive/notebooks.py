"""python -m derive.notebooks [NOTEBOOK ...]: execute the notebooks from a clean kernel and store their outputs.

Run after ``python -m derive`` so the notebooks see the kernels they document. Volatile metadata (execution times,
widget state) is dropped so re-running an unchanged notebook rewrites the same file.
"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"
TIMEOUT = 600  # seconds per cell


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    _clean(notebook)
    nbformat.write(notebook, path)


def _clean(notebook):
    notebook.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                         "language_info": {"name": "python"}}
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        if "outputs" in cell:
            cell.outputs = _coalesced(cell.outputs)


def _coalesced(outputs):
    """Consecutive stream outputs of one stream as one: how a cell's printout was chunked depends on timing (a kernel
    compiling mid-cell), which should not show in the stored file (nbval compares them coalesced anyway)."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def main(argv=None):
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or sorted(FOLDER.glob("[0-9][0-9]_*.ipynb"))
    for path in paths:
        print(f"executing {path}", flush=True)
        execute(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
