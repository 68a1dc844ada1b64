"""JAX engine: step mechanics.

The ordinary, stateful step code (layer calls, optimizer and metric updates)
is traced under a ``StatelessScope`` that maps every state variable to a
traced value; the values assigned inside become the jitted function's
outputs and are written back to the variables after each call.
"""
import jax

from cornu.backend.common.stateless_scope import StatelessScope, current_scope

SUPPORTS_JIT = True


def compute_gradients(loss_fn, variables):
    """Run ``loss_fn() -> (loss, aux)`` under ``jax.value_and_grad`` w.r.t. ``variables``."""
    outer = current_scope()
    values = [v.value for v in variables]

    def pure(trainable_values):
        with StatelessScope(zip(variables, trainable_values)) as scope:
            loss, aux = loss_fn()
        updated = [(v, scope.get_current_value(v)) for v in scope.updated_variables()]
        return loss, (aux, updated, scope.losses)

    (loss, (aux, updated, _)), grads = jax.value_and_grad(pure, has_aux=True)(values)
    for variable, value in updated:
        if outer is not None:
            outer.add_update(variable, value)
        else:
            variable._direct_assign(value)
    return loss, aux, grads


def make_step_function(step_fn, state_variables, training=True, jit_compile=True):
    """Return ``run(data) -> logs`` that runs ``step_fn`` as one pure (jitted) function."""
    state_variables = list(state_variables)

    def pure_step(state_values, data):
        with StatelessScope(zip(state_variables, state_values)) as scope:
            logs = step_fn(data)
        new_values = [scope.get_current_value(v) for v in state_variables]
        return logs, new_values

    compiled = jax.jit(pure_step, donate_argnums=(0,)) if jit_compile else pure_step

    def run(data):
        values = [v._value for v in state_variables]
        logs, new_values = compiled(values, data)
        for v, value in zip(state_variables, new_values):
            v._direct_assign(value)
        return logs

    return run


def fused_optimizer_update(kind, variables, grads, slots, hyper):
    """Always ``False`` on JAX: XLA already fuses the per-variable updates of a jitted step."""
    return False


def fused_batch_norm(x, scale, offset, axis, epsilon):
    """``None`` on JAX: the composed batch normalization is fused by XLA inside the jitted step."""
    return None


def fused_dense(x, kernel, bias):
    """``None`` on JAX: XLA fuses the bias add into the matrix product of a jitted step."""
    return None


def fused_group_norm(x, gamma, beta, groups, axis, epsilon):
    """``None`` on JAX: the composed group normalization is fused by XLA inside the jitted step."""
    return None
