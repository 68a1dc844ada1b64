"""The Keras 3 names in cornu.utils / cornu.config: aliases of the owning rooms, batch packing,
source inputs, run-time caps on epochs and steps, interactive logging."""
import logging

import numpy as np
import pytest

import cornu
from cornu import config, layers, utils


def test_utils_exports_keras3_names_from_their_rooms():
    from cornu.preprocessing import image_utils, sequence

    assert utils.pad_sequences is sequence.pad_sequences
    assert utils.load_img is image_utils.load_img and utils.img_to_array is image_utils.img_to_array
    np.testing.assert_array_equal(utils.pad_sequences([[1, 2], [3]], maxlen=3), [[0, 1, 2], [0, 0, 3]])
    assert utils.is_keras_tensor(cornu.Input((2,))) and not utils.is_keras_tensor(np.zeros(2))
    assert utils.standardize_dtype(np.float32) == "float32"
    assert cornu.preprocessing.sequence.pad_sequences is sequence.pad_sequences  # reachable after `import cornu`


def test_pack_and_unpack_round_trip_as_keras_does():
    assert utils.pack_x_y_sample_weight(1) == 1
    assert utils.pack_x_y_sample_weight((1, 2)) == ((1, 2),)
    assert utils.pack_x_y_sample_weight(1, 2) == (1, 2)
    assert utils.pack_x_y_sample_weight(1, 2, 3) == (1, 2, 3)
    assert utils.unpack_x_y_sample_weight((1,)) == (1, None, None)
    assert utils.unpack_x_y_sample_weight([1, 2]) == (1, 2, None)
    assert utils.unpack_x_y_sample_weight(5) == (5, None, None)
    with pytest.raises(ValueError, match="4 items"):
        utils.unpack_x_y_sample_weight((1, 2, 3, 4))


def test_get_source_inputs_walks_back_to_the_inputs():
    a, b = cornu.Input((3,), name="src_a"), cornu.Input((3,), name="src_b")
    out = layers.Dense(2)(layers.Add()([layers.Dense(3)(b), a]))
    assert utils.get_source_inputs(out) == [b, a]
    assert utils.get_source_inputs(a) == [a]


def _model():
    model = cornu.Sequential([cornu.Input((4,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


class _Counter(cornu.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.epochs, self.batches = 0, 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epochs += 1

    def on_train_batch_begin(self, batch, logs=None):
        self.batches += 1


def test_max_epochs_and_max_steps_per_epoch_cap_fit():
    x, y = np.ones((80, 4), "float32"), np.ones((80, 1), "float32")
    model, counter = _model(), _Counter()
    model.fit(x, y, batch_size=8, epochs=4, callbacks=[counter], verbose=0)
    assert (counter.epochs, counter.batches) == (4, 40)
    try:
        config.set_max_epochs(2)
        config.set_max_steps_per_epoch(3)
        counter = _Counter()
        with pytest.warns(UserWarning, match="Limiting"):
            history = model.fit(x, y, batch_size=8, epochs=4, callbacks=[counter], verbose=0)
        assert (counter.epochs, counter.batches) == (2, 6)
        assert len(history.history["loss"]) == 2
    finally:
        config.set_max_epochs(None)
        config.set_max_steps_per_epoch(None)
    assert config.max_epochs() is None and config.max_steps_per_epoch() is None
    with pytest.raises(ValueError, match="max_epochs"):
        config.set_max_epochs(0)


def test_disabled_interactive_logging_sends_progress_to_the_logger(capsys, caplog):
    x, y = np.ones((16, 4), "float32"), np.ones((16, 1), "float32")
    model = _model()
    try:
        config.disable_interactive_logging()
        assert not config.is_interactive_logging_enabled()
        with caplog.at_level(logging.INFO, logger="cornu"):
            model.fit(x, y, batch_size=8, epochs=2, verbose=2)
    finally:
        config.enable_interactive_logging()
    assert capsys.readouterr().out == ""
    text = "\n".join(r.getMessage() for r in caplog.records if r.name == "cornu")
    assert "Epoch 1/2" in text and "loss:" in text
    model.fit(x, y, batch_size=8, epochs=2, verbose=2)
    assert "Epoch 2/2" in capsys.readouterr().out


def test_config_flags_and_set_backend():
    assert config.is_flash_attention_enabled() is None
    config.enable_flash_attention()
    assert config.is_flash_attention_enabled() is True
    config.disable_flash_attention()
    assert config.is_flash_attention_enabled() is False
    config.enable_traceback_filtering()
    assert config.is_traceback_filtering_enabled() and not config.is_nnx_enabled()
    config.set_backend(config.backend())  # the engine in use: nothing to do
    other = "jax" if config.backend() == "torch" else "torch"
    with pytest.raises(ValueError, match="CORNU_BACKEND"):
        config.set_backend(other)
