"""Variables <-> the Keras 3 HDF5 weights layout (``model.weights.h5``, ``.weights.h5``).

Writing follows ``object_tree``'s walk exactly.  Loading follows the same
walk; when a layer's sub-structure differs from the file's (for instance a
recurrent layer keeping its weights on itself where Keras keeps them on a
``cell``), the layer's variables are matched, in order and by shape, with
every dataset stored under that layer's path.
"""
import re
import warnings

import numpy as np

from cornu import backend
from cornu.optimizers import Optimizer
from cornu.saving import h5_guard
from cornu.saving.object_tree import child_entries, has_custom_store, join, own_variables, walk


# -- writing -------------------------------------------------------------------------
def to_numpy(variable):
    """A variable's value as a NumPy array h5py can store."""
    value = np.asarray(backend.convert_to_numpy(variable.value if hasattr(variable, "value") else variable))
    if value.dtype.kind not in "biufc":  # e.g. bfloat16: stored as float32, as the closest HDF5 type
        value = value.astype("float32")
    return value


class _WriteStore:
    """The ``store`` handed to a user's ``save_own_variables``: ``store["0"] = array``."""

    def __init__(self, group):
        self.group = group

    def __setitem__(self, key, value):
        self.group.create_dataset(str(key), data=to_numpy(value))

    def __getitem__(self, key):
        return self.group[str(key)][()]

    def keys(self):
        return list(self.group.keys())

    def __len__(self):
        return len(self.group)

    def __contains__(self, key):
        return str(key) in self.group


def write_weights(h5, model, include_optimizer=True):
    """Write ``model``'s variables (and its optimizer's) into an open, writable HDF5 file."""
    for path, obj in walk(model, include_optimizer=include_optimizer):
        group = h5.create_group(join(path, "vars"))
        if isinstance(getattr(obj, "name", None), str):
            group.attrs["name"] = obj.name
        if has_custom_store(obj):
            obj.save_own_variables(_WriteStore(group))
            continue
        for i, variable in enumerate(own_variables(obj)):
            group.create_dataset(str(i), data=to_numpy(variable))


# -- loading -------------------------------------------------------------------------
class _ReadStore:
    """The ``store`` handed to a user's ``load_own_variables``: vetted arrays by key."""

    def __init__(self, group):
        self._group = group

    def keys(self):
        return [] if self._group is None else _dataset_keys(self._group)

    def __getitem__(self, key):
        ds = None if self._group is None else h5_guard.child(self._group, str(key))
        if ds is None or not h5_guard.is_dataset(ds):
            raise KeyError(key)
        return h5_guard.read_dataset(ds)

    def __len__(self):
        return len(self.keys())

    def __contains__(self, key):
        return str(key) in self.keys()


def _dataset_keys(group):
    keys = []
    for key in group.keys():
        obj = h5_guard.child(group, key)
        if h5_guard.is_dataset(obj):
            keys.append(key)
    return keys


def _natural_key(name):
    match = re.fullmatch(r"(.*?)(?:_(\d+))?", name)
    base, number = match.group(1), match.group(2)
    return (base, -1 if number is None else int(number)) if not name.isdigit() else ("", int(name))


def _flat_datasets(group):
    """Every dataset under ``group``: its ``vars`` first (numeric order), then sub-groups."""
    out = []
    vars_group = h5_guard.child(group, "vars")
    if vars_group is not None and h5_guard.is_group(vars_group):
        for key in sorted(_dataset_keys(vars_group), key=_natural_key):
            out.append((f"{group.name}/vars/{key}", h5_guard.child(vars_group, key)))
    for key in sorted(group.keys(), key=_natural_key):
        if key == "vars":
            continue
        obj = h5_guard.child(group, key)
        if h5_guard.is_group(obj):
            out.extend(_flat_datasets(obj))
    return out


def assign(variable, array):
    """Assign a loaded array, converted to the variable's dtype."""
    dtype = backend.standardize_dtype(variable.dtype)
    try:
        array = np.asarray(array).astype(dtype, copy=False)
    except TypeError:
        array = np.asarray(array)
    variable.assign(array)


def _describe(obj):
    kind = "Optimizer" if isinstance(obj, Optimizer) else "Layer"
    return f"{kind} '{getattr(obj, 'name', type(obj).__name__)}'"


class WeightsLoader:
    """Loads a Keras 3 weights tree (an open, vetted HDF5 group) into cornu objects.

    Args:
        root: the HDF5 root group of the weights.
        skip_mismatch: warn and skip objects whose variables do not match,
            instead of raising ``ValueError``.
    """

    def __init__(self, root, skip_mismatch=False):
        self.root = root
        self.skip_mismatch = skip_mismatch
        self.errors = []
        self.visited = set()

    # -- entry points ------------------------------------------------------------------
    def load_model(self, model, include_optimizer=True):
        """Load ``model``'s tree from the file root; then its optimizer (``optimizer/vars``)."""
        self.load_node(model, "", is_root=True)
        optimizer = getattr(model, "optimizer", None)
        if include_optimizer and isinstance(optimizer, Optimizer):
            self.load_optimizer(optimizer, "optimizer")
        self.finish()

    def finish(self):
        """Raise (or warn, with ``skip_mismatch``) about everything that did not match."""
        if not self.errors:
            return
        message = (f"A total of {len(self.errors)} objects could not be loaded. Example error "
                   f"message for {self.errors[0][0]}: {self.errors[0][1]}\n\nList of objects that "
                   f"could not be loaded:\n{[e[0] for e in self.errors]}")
        self.errors = []
        if self.skip_mismatch:
            warnings.warn(message, stacklevel=3)
        else:
            raise ValueError(message)

    # -- structure ---------------------------------------------------------------------
    def load_node(self, obj, path, is_root=False):
        if id(obj) in self.visited:
            return
        if isinstance(obj, Optimizer):
            self.visited.add(id(obj))
            return
        trial = set(self.visited)
        entries = list(walk(obj, path, trial, include_optimizer=False))
        plan = self._structural_plan(entries)
        if plan is None and not is_root:
            plan = self._flat_plan(entries, path)
        if plan is not None:
            self._apply(plan)
            self.visited = trial
            return
        self.visited.add(id(obj))
        self._load_own(obj, path)
        for child_path, child in child_entries(obj, path):
            self.load_node(child, child_path)

    def _structural_plan(self, entries):
        plan = []
        for path, obj in entries:
            group = h5_guard.get_path(self.root, join(path, "vars"))
            if has_custom_store(obj):
                plan.append(("custom", obj, group))
                continue
            expected = own_variables(obj)
            if group is None or not h5_guard.is_group(group):
                if expected:
                    return None
                continue
            keys = _dataset_keys(group)
            if sorted(keys) != sorted(str(i) for i in range(len(expected))):
                return None
            for i, variable in enumerate(expected):
                ds = h5_guard.child(group, str(i))
                if tuple(ds.shape or ()) != tuple(variable.shape):
                    return None
                plan.append(("var", variable, ds))
        return plan

    def _flat_plan(self, entries, path):
        if any(has_custom_store(obj) for _, obj in entries):
            return None
        group = h5_guard.get_path(self.root, path)
        if group is None or not h5_guard.is_group(group):
            return None
        variables = [v for _, obj in entries for v in own_variables(obj)]
        datasets = _flat_datasets(group)
        if len(variables) != len(datasets):
            return None
        for variable, (_, ds) in zip(variables, datasets):
            if tuple(ds.shape or ()) != tuple(variable.shape):
                return None
        return [("var", v, ds) for v, (_, ds) in zip(variables, datasets)]

    def _apply(self, plan):
        for kind, target, source in plan:
            if kind == "custom":
                target.load_own_variables(_ReadStore(source))
            else:
                assign(target, h5_guard.read_dataset(source, tuple(target.shape)))

    def _load_own(self, obj, path):
        group = h5_guard.get_path(self.root, join(path, "vars"))
        if has_custom_store(obj):
            obj.load_own_variables(_ReadStore(group))
            return
        expected = own_variables(obj)
        keys = [] if group is None or not h5_guard.is_group(group) else _dataset_keys(group)
        if len(keys) != len(expected):
            self.errors.append((_describe(obj), (
                f"{_describe(obj)} expected {len(expected)} variables, but received {len(keys)} "
                f"variables during loading. Expected: {[v.name for v in expected]}")))
            return
        datasets = []
        for i, variable in enumerate(expected):
            ds = h5_guard.child(group, str(i))
            if ds is None or not h5_guard.is_dataset(ds) or tuple(ds.shape or ()) != tuple(variable.shape):
                found = None if ds is None or not h5_guard.is_dataset(ds) else tuple(ds.shape)
                self.errors.append((_describe(obj), (
                    f"{_describe(obj)}: variable '{variable.name}' has shape {tuple(variable.shape)}, "
                    f"but the saved value at '{join(path, 'vars')}/{i}' has shape {found}.")))
                return
            datasets.append(ds)
        for variable, ds in zip(expected, datasets):
            assign(variable, h5_guard.read_dataset(ds, tuple(variable.shape)))

    # -- optimizer ---------------------------------------------------------------------
    def load_optimizer(self, optimizer, path):
        """Restore optimizer variables; on a count or shape mismatch warn and keep fresh state (as Keras)."""
        group = h5_guard.get_path(self.root, join(path, "vars"))
        if group is None or not h5_guard.is_group(group):
            return
        keys = _dataset_keys(group)
        variables = list(optimizer.variables)
        if sorted(keys) != sorted(str(i) for i in range(len(variables))):
            warnings.warn(
                f"Skipping variable loading for optimizer '{optimizer.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has {len(keys)} variables.",
                stacklevel=3)
            return
        datasets = [h5_guard.child(group, str(i)) for i in range(len(variables))]
        for variable, ds in zip(variables, datasets):
            if tuple(ds.shape or ()) != tuple(variable.shape):
                warnings.warn(
                    f"Skipping variable loading for optimizer '{optimizer.name}': variable "
                    f"'{variable.name}' has shape {tuple(variable.shape)} but the saved one has "
                    f"{tuple(ds.shape)}.", stacklevel=3)
                return
        for variable, ds in zip(variables, datasets):
            assign(variable, h5_guard.read_dataset(ds, tuple(variable.shape)))


def find_named_groups(root, limit=100_000):
    """``{vars_name_attribute: path}`` for every object group in a Keras 3 weights tree."""
    found, stack, seen = {}, [("", root)], 0
    while stack:
        path, group = stack.pop()
        seen += 1
        if seen > limit:
            break
        for key in sorted(group.keys(), reverse=True):
            obj = h5_guard.child(group, key)
            if not h5_guard.is_group(obj):
                continue
            if key == "vars":
                name = h5_guard.read_attr(obj, "name")
                if isinstance(name, str) and path and name not in found:
                    found[name] = path
            else:
                stack.append((join(path, key), obj))
    return found


__all__ = ["write_weights", "WeightsLoader", "find_named_groups", "assign", "to_numpy"]
