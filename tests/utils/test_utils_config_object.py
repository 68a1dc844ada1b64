"""keras.utils.Config: attribute and item access, freezing, JSON, dict behaviour."""
import json

import pytest

from cornu import utils


def test_attribute_and_item_access_share_entries():
    config = utils.Config(learning_rate=0.1, momentum=0.9)
    config.use_ema = True
    config["seed"] = 123
    assert config.seed == 123 and config["learning_rate"] == 0.1 and config["use_ema"] is True
    assert list(config.keys()) == ["learning_rate", "momentum", "use_ema", "seed"]
    assert list(config) == sorted(["learning_rate", "momentum", "use_ema", "seed"])
    assert len(config) == 4 and "seed" in config and "nope" not in config
    assert config.get("nope", 5) == 5 and config.get("seed") == 123
    assert dict(config.items()) == config.as_dict() and list(config.values())[0] == 0.1
    assert json.loads(config.to_json()) == config.as_dict()
    assert repr(config).startswith("<Config {")


def test_as_dict_is_a_copy():
    config = utils.Config(a=1)
    d = config.as_dict()
    d["b"] = 2
    assert "b" not in config


def test_unknown_attribute_suggests_the_closest_name():
    config = utils.Config(learning_rate=0.1)
    with pytest.raises(AttributeError, match="Did you mean 'learning_rate'"):
        config.learning_rat
    with pytest.raises(AttributeError, match="Unknown attribute: 'zzz'"):
        config.zzz
    with pytest.raises(KeyError):
        config["zzz"]


def test_freeze_blocks_every_change_until_unfreeze():
    config = utils.Config(a=1, b=2)
    config.freeze()
    assert config.frozen
    for change in (lambda: setattr(config, "c", 3), lambda: config.__setitem__("a", 5),
                   lambda: config.pop("a"), lambda: config.update(a=3), lambda: config.__delitem__("b")):
        with pytest.raises(ValueError, match="frozen"):
            change()
    assert config.as_dict() == {"a": 1, "b": 2}
    config.unfreeze()
    assert not config.frozen
    config.c = 3
    assert config.pop("a") == 1
    config.update({"d": 4}, e=5)
    del config["b"]
    assert config.as_dict() == {"c": 3, "d": 4, "e": 5}


def test_method_names_cannot_be_overwritten_as_attributes():
    config = utils.Config()
    with pytest.raises(AttributeError, match="item access"):
        config.keys = 1
    config["keys"] = 1
    assert config["keys"] == 1 and callable(config.keys)
