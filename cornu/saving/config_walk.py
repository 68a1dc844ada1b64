"""One walk over nested Keras configs, shared by the config rewrites done at load time."""

MAX_DEPTH = 200  # deeper nesting is left as it is (a hostile file cannot exhaust the stack)


def rewrite_objects(config, rewrite, depth=0):
    """A copy of ``config`` in which every object entry passes through ``rewrite``.

    An object entry is a dict with a string ``class_name`` and a dict ``config``.
    The walk is bottom-up: ``rewrite(entry)`` receives a fresh copy whose nested
    entries are already rewritten, may change it in place, and returns the
    entry to keep. Lists and other dicts are copied; other values are shared.
    """
    if depth > MAX_DEPTH:
        return config
    if isinstance(config, list):
        return [rewrite_objects(c, rewrite, depth + 1) for c in config]
    if not isinstance(config, dict):
        return config
    out = {k: rewrite_objects(v, rewrite, depth + 1) for k, v in config.items()}
    if isinstance(out.get("class_name"), str) and isinstance(out.get("config"), dict):
        out = rewrite(out)
    return out


__all__ = ["rewrite_objects", "MAX_DEPTH"]
