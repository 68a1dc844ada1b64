"""JAX engine: the (empty) base every cornu Layer inherits."""


class BackendLayer:
    """Nothing engine-specific is needed for JAX layers."""

    def _backend_init(self):
        pass

    def _backend_track_variable(self, variable):
        pass

    def _backend_untrack_variable(self, variable):
        pass

    def _backend_track_layer(self, layer, hint=None):
        pass

    def _backend_untrack_layer(self, layer):
        pass
