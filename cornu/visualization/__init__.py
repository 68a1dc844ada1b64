"""``cornu.visualization``: pictures of models (``plot_model``, ``model_to_dot``).

Exposed to users as ``cornu.utils.plot_model`` / ``cornu.utils.model_to_dot``.
"""
from cornu.visualization.model_visualization import model_to_dot, plot_model

__all__ = ["model_to_dot", "plot_model"]
