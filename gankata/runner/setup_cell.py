"""Setup: find gan-katas, or fetch and install it, so that the cells below can run.

In a clone of gan-katas (a workbook written by `gankata notebook`) this finds the clone and
changes nothing. Anywhere else, Colab or a fresh folder, it clones the project from
GAN_KATAS_SOURCE into ./gan-katas and installs what is missing (a PyTorch that is already
there is kept), then moves into the clone: `%%kata` checks your cell against its tests.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

# Where to fetch gan-katas from when this notebook is not inside a clone (a git URL or path).
DEFAULT_SOURCE = ""
SOURCE = os.environ.get("GAN_KATAS_SOURCE") or DEFAULT_SOURCE
NEEDED = ("torch", "pytest", "pytest_timeout", "hypothesis", "rich", "mlxtend", "h5py")


def is_clone(folder: Path) -> bool:
    return (folder / "katas").is_dir() and (folder / "solutions").is_dir()


here = Path.cwd().resolve()
root = next((folder for folder in (here, *here.parents) if is_clone(folder)), None)
if root is None:
    root = here / "gan-katas"
    if not is_clone(root):
        if not SOURCE:
            raise SystemExit(
                "This notebook is not inside a clone of gan-katas. Set GAN_KATAS_SOURCE to its "
                "git address (os.environ['GAN_KATAS_SOURCE'] = '...') and run this cell again, "
                "or clone it yourself and open the notebook from its notebooks/ folder."
            )
        print(f"Fetching gan-katas from {SOURCE} into {root} ...")
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", SOURCE, str(root)], check=True)
    os.chdir(root)
if (root / "gankata").is_dir():
    sys.path.insert(0, str(root))
missing = [name for name in NEEDED if importlib.util.find_spec(name) is None]
if missing:
    print(f"Installing gan-katas and what it needs ({', '.join(missing)} missing) ...")
    install = [sys.executable, "-m", "pip", "install", "--quiet", "-e", f"{root}[notebook]"]
    subprocess.run(install, check=True)
print(f"gan-katas is ready in {root}")
