"""Fixtures of the Keras 1/2 compatibility tests."""
import pytest

from cornu.legacy import deprecation, keras_alias


@pytest.fixture(autouse=True)
def fresh_warnings():
    """Each test sees every legacy spelling's (once-per-process) warning again."""
    deprecation.reset_warned()
    yield
    deprecation.reset_warned()


@pytest.fixture
def keras():
    """``import keras`` resolving to cornu for the test's duration."""
    keras_alias.install_keras_alias()
    import keras as module

    yield module
    keras_alias.uninstall_keras_alias()
