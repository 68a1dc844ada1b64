"""``DropoutRNNCell``: the dropout masks of a recurrent cell, drawn once per sequence."""
from cornu import ops, random


class DropoutRNNCell:
    """Mixin for cells with ``dropout`` / ``recurrent_dropout`` and a ``seed_generator``.

    A mask is drawn the first time a step asks for it and reused by every later
    step, so all time steps of a sequence drop the same units (Gal & Ghahramani);
    the ``RNN`` layer draws the masks before its loop (keeping the loop free of
    random draws, which JAX's ``lax.scan`` needs) and clears them after.
    A cell may set ``dropout_mask_count`` to get a list of independent masks
    (one per gate).
    """

    def _create_dropout_mask(self, step_input, rate):
        ones = ops.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return random.dropout(ones, rate=rate, seed=self.seed_generator)
        return [random.dropout(ones, rate=rate, seed=self.seed_generator) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The input dropout mask for ``step_input`` (drawn once, then cached)."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            object.__setattr__(self, "_dropout_mask", self._create_dropout_mask(step_input, self.dropout))
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent-state dropout mask (drawn once, then cached)."""
        if getattr(self, "_recurrent_dropout_mask", None) is None and self.recurrent_dropout > 0:
            object.__setattr__(self, "_recurrent_dropout_mask",
                               self._create_dropout_mask(step_input, self.recurrent_dropout))
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        """Forget the cached input mask (the next sequence draws a new one)."""
        object.__setattr__(self, "_dropout_mask", None)

    def reset_recurrent_dropout_mask(self):
        """Forget the cached recurrent mask."""
        object.__setattr__(self, "_recurrent_dropout_mask", None)
