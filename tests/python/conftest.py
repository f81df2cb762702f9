"""pytest set-up: the suanli package of this checkout and the module of its build."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SUANLI_BUILD_DIR", os.path.join(ROOT, "build"))
for path in (os.path.join(BUILD, "python"), os.path.join(ROOT, "python")):
    if path not in sys.path:
        sys.path.insert(0, path)
os.environ.setdefault("MPLBACKEND", "Agg")
