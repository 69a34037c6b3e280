"""Who imports whom (STYLE.md): checked from the import statements."""
from __future__ import annotations

import ast
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "dyadline"


def imports(path: Path) -> set[str]:
    """Absolute names of the dyadline modules (and top-level packages) a file imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    pkg = path.relative_to(SRC.parent).with_suffix("").parts[:-1]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(pkg[: len(pkg) - node.level + 1])
                mod = ".".join(base + ([node.module] if node.module else []))
                out.add(mod)
                if not node.module:
                    out |= {f"{mod}.{a.name}" for a in node.names}
            else:
                out.add(node.module or "")
    return out


MODULES = {p: imports(p) for p in SRC.rglob("*.py")}


def test_model_uses_only_the_standard_library():
    for name in imports(SRC / "model.py"):
        assert name.split(".")[0] in sys.stdlib_module_names, name


def test_nothing_imports_the_cli():
    for path, names in MODULES.items():
        if path.name not in ("cli.py", "__main__.py"):
            assert "dyadline.cli" not in names, path


def test_only_the_pipeline_reads_the_lexicons():
    for path, names in MODULES.items():
        if "pipeline" in path.parts or path.name == "lexicons.py":
            continue
        assert "dyadline.lexicons" not in names, path


def test_storage_and_evaluation_do_not_touch_spacy():
    for name in ("storage.py", "evaluate.py", "model.py", "errors.py"):
        names = MODULES[SRC / name]
        assert not any(n.startswith(("spacy", "dyadline.pipeline")) for n in names), name


def test_modules_stay_small():
    for path in MODULES:
        n = len(path.read_text(encoding="utf-8").splitlines())
        assert n <= 650, f"{path.name} has {n} lines; split it"
