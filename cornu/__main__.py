"""``python -m cornu run script.py [args]``: run a Keras script on cornu, unmodified."""
import argparse
import os
import runpy
import sys
import tempfile

_SITECUSTOMIZE = '''\
# Written by `cornu run`: child Python processes resolve `import keras` to cornu too.
import os
if os.environ.get("CORNU_KERAS_ALIAS") == "1":
    try:
        import cornu.legacy.keras_alias as _alias
        _alias.install_keras_alias()
    except Exception:  # never break interpreter start-up
        pass
'''


def _propagate_alias_to_children():
    """Children (multiprocessing spawn, DataLoader workers, torchrun) install the alias at start-up."""
    folder = tempfile.mkdtemp(prefix="cornu-alias-")
    with open(os.path.join(folder, "sitecustomize.py"), "w") as f:
        f.write(_SITECUSTOMIZE)
    os.environ["CORNU_KERAS_ALIAS"] = "1"
    os.environ["PYTHONPATH"] = folder + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")


def run_script(path, args):
    """Run ``path`` as ``__main__`` with ``import keras`` resolving to cornu."""
    from cornu.legacy import install_keras_alias  # noqa: PLC0415

    if not os.path.exists(path):
        raise SystemExit(f"cornu run: no such script: {path}")
    _propagate_alias_to_children()
    install_keras_alias()
    sys.argv = [path] + list(args)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")


def main(argv=None):
    """The ``cornu`` console command."""
    parser = argparse.ArgumentParser(prog="cornu", description="cornu: Keras over PyTorch and JAX.")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run a Keras script with `import keras` resolved to cornu")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    sub.add_parser("version", help="print the version and engine")
    ns = parser.parse_args(argv)
    if ns.command == "run":
        run_script(ns.script, ns.args)
    elif ns.command == "version":
        import cornu  # noqa: PLC0415

        print(f"cornu {cornu.__version__} (engine: {cornu.backend.backend()})")
    else:
        parser.print_help()
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
