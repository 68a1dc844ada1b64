"""``Operation``: anything callable on tensors that can appear in a functional graph."""
from cornu import backend
from cornu.backend import any_symbolic_tensors
from cornu.ops.node import Node
from cornu.utils import naming


class Operation:
    """Base of ops and layers: eager calls run ``call``; symbolic calls record a ``Node``."""

    def __init__(self, name=None):
        if name is None:
            name = naming.uniquify(naming.to_snake_case(self.__class__.__name__))
        elif not isinstance(name, str) or "/" in name:
            raise ValueError(
                f"Argument `name` must be a string without '/'. Received: name={name!r} "
                f"(of type {type(name).__name__})"
            )
        self.name = name
        self._inbound_nodes = []
        self._outbound_nodes = []

    def __call__(self, *args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return self.symbolic_call(*args, **kwargs)
        return self.call(*args, **kwargs)

    def symbolic_call(self, *args, **kwargs):
        outputs = self.compute_output_spec(*args, **kwargs)
        Node(self, call_args=args, call_kwargs=kwargs, outputs=outputs)
        return outputs

    def call(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__}.call is not implemented.")

    def compute_output_spec(self, *args, **kwargs):
        return backend.compute_output_spec(self.call, *args, **kwargs)

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<Operation name={self.name}>"


class FunctionOperation(Operation):
    """An op built from an engine function with its non-tensor arguments bound at call."""

    def __init__(self, fn, name):
        self._fn = fn
        self._op_name = name
        super().__init__(name=naming.uniquify(name))

    def call(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def get_config(self):
        return {"name": self.name, "function": self._op_name}


def make_op(fn, name, doc=None):
    """Wrap engine function ``fn`` as the public op ``name`` (eager or symbolic)."""

    def op(*args, **kwargs):
        if any_symbolic_tensors(args, kwargs):
            return FunctionOperation(fn, name)(*args, **kwargs)
        return fn(*args, **kwargs)

    op.__name__ = name
    op.__qualname__ = name
    op.__doc__ = doc or getattr(fn, "__doc__", None) or f"The ``{name}`` op (NumPy semantics)."
    op.__wrapped__ = fn
    return op
