"""Keras 1/2 compatibility: the ``keras`` import alias and the legacy backend API."""
from cornu.legacy.keras_alias import install_keras_alias, uninstall_keras_alias  # noqa: F401

__all__ = ["install_keras_alias", "uninstall_keras_alias"]
