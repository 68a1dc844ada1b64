import threading

import pytest

from cornu.utils import naming


@pytest.fixture(autouse=True)
def _fresh_uids():
    naming.reset_uids()
    yield
    naming.reset_uids()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Conv2D", "conv2d"),
        ("BatchNormalization", "batch_normalization"),
        ("MaxPooling2D", "max_pooling2d"),
        ("GRUCell", "gru_cell"),
        ("ReLU", "re_lu"),
        ("Dense", "dense"),
        ("LSTM", "lstm"),
        ("PReLU", "p_re_lu"),
        ("Conv2DTranspose", "conv2d_transpose"),
        ("GlobalAveragePooling1D", "global_average_pooling1d"),
        ("SimpleRNN", "simple_rnn"),
        ("MultiHeadAttention", "multi_head_attention"),
        ("already_snake", "already_snake"),
        ("Odd-Name!", "odd_name"),
        ("_Private", "__private"),
    ],
)
def test_to_snake_case(name, expected):
    assert naming.to_snake_case(name) == expected


def test_uniquify_counts_per_name():
    assert [naming.uniquify("dense") for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert naming.uniquify("conv2d") == "conv2d"
    assert naming.uniquify("dense") == "dense_3"


def test_reset_uids_starts_again():
    naming.uniquify("dense")
    naming.uniquify("dense")
    naming.reset_uids()
    assert naming.uniquify("dense") == "dense"


def test_auto_name_and_get_uid_share_counter():
    assert naming.auto_name("Dense") == "dense"
    assert naming.auto_name("Dense") == "dense_1"
    assert naming.get_uid("dense") == 3
    assert naming.get_uid("other") == 1
    assert naming.get_uid("other") == 2


def test_uniquify_thread_safe():
    names = []

    def work():
        for _ in range(200):
            names.append(naming.uniquify("x"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(names)) == 800


def test_get_object_name():
    class MyLayer:
        pass

    class Named:
        name = "given"

    def some_function():
        pass

    assert naming.get_object_name(Named()) == "given"
    assert naming.get_object_name(some_function) == "some_function"
    assert naming.get_object_name(MyLayer()) == "my_layer"
    assert naming.get_object_name(MyLayer) == "my_layer"
