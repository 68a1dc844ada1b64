"""Torch engine: the base every cornu Layer inherits, making it a ``torch.nn.Module``."""
import re

import torch


class BackendLayer(torch.nn.Module):
    """Gives layers the torch.nn.Module machinery (``parameters()``, ``.to()``, ...).

    cornu's ``Layer`` keeps its own attribute tracking; this base only mirrors
    variables and sub-layers into ``_parameters``/``_modules`` so plain PyTorch
    code sees them.
    """

    def _backend_init(self):
        torch.nn.Module.__init__(self)

    def _backend_track_variable(self, variable):
        key = _unique_key(self._parameters, variable.name)
        self._parameters[key] = variable._value

    def _backend_untrack_variable(self, variable):
        for key, value in list(self._parameters.items()):
            if value is variable._value:
                del self._parameters[key]

    def _backend_track_layer(self, layer, hint=None):
        for existing in self._modules.values():
            if existing is layer:
                return
        key = _unique_key(self._modules, hint or layer.name)
        self._modules[key] = layer

    def _backend_untrack_layer(self, layer):
        for key, value in list(self._modules.items()):
            if value is layer:
                del self._modules[key]

    def forward(self, *args, **kwargs):
        """``module(x)`` in PyTorch code runs the layer's ``__call__``."""
        return self.__call__(*args, **kwargs)


def _unique_key(registry, name):
    base = re.sub(r"[^0-9a-zA-Z_]", "_", str(name)) or "var"
    key, i = base, 1
    while key in registry:
        key = f"{base}_{i}"
        i += 1
    return key
