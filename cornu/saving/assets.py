"""Layer assets in ``.keras`` files: the ``assets/`` folder of the archive.

Keras 3 gives every object of the saved tree that has ``save_assets(dir)``
a folder ``assets/<object path>`` (the same paths as the weights tree, e.g.
``assets/layers/string_lookup``) and calls ``load_assets(dir)`` on it when
loading; the lookup layers keep their learned vocabulary there as
``vocabulary.txt``.  Archives without assets are written exactly as before.
"""
import os

ASSETS_DIR = "assets"


def _folder(root, path):
    parts = [p for p in path.split("/") if p]
    return os.path.join(root, *parts) if parts else root


def write_assets(model, root):
    """Call ``save_assets`` of every object under ``model`` with its folder below ``root``."""
    from cornu.saving.object_tree import walk  # noqa: PLC0415 - models import late (archive stays light)

    for path, obj in walk(model, include_optimizer=False):
        if callable(getattr(obj, "save_assets", None)):
            folder = _folder(root, path)
            os.makedirs(folder, exist_ok=True)
            obj.save_assets(folder)


def load_assets(model, root):
    """Call ``load_assets`` of every object under ``model`` whose folder exists below ``root``."""
    if root is None or not os.path.isdir(root):
        return
    from cornu.saving.object_tree import walk  # noqa: PLC0415

    for path, obj in walk(model, include_optimizer=False):
        if callable(getattr(obj, "load_assets", None)):
            folder = _folder(root, path)
            if os.path.isdir(folder):
                obj.load_assets(folder)


def safe_member_path(name):
    """The relative path below ``assets/`` of a zip member name, or None if it is not a safe asset file."""
    if not name.startswith(ASSETS_DIR + "/") or name.endswith("/") or "\\" in name:
        return None
    parts = name.split("/")[1:]
    if any(p in ("", ".", "..") for p in parts) or ":" in name:
        return None
    return os.path.join(*parts)


__all__ = ["write_assets", "load_assets", "safe_member_path", "ASSETS_DIR"]
