"""cornu.tree: Keras 3's nested-structure API (examples checked against Keras 3.15.1's keras.tree)."""
import collections

import pytest

from cornu import tree


def test_flatten_keeps_none_and_sorts_dict_keys():
    assert tree.flatten([1, None, {"b": 2, "a": (3,)}]) == [1, None, 3, 2]


def test_flatten_with_path_names_every_leaf():
    assert tree.flatten_with_path({"b": [1, 2], "a": 3}) == [(("a",), 3), (("b", 0), 1), (("b", 1), 2)]


def test_lists_to_tuples_is_recursive():
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))


def test_map_shape_structure_stops_at_shapes():
    seen = []
    out = tree.map_shape_structure(lambda s: seen.append(s) or len(s), {"a": (None, 3), "b": [(1, 2)]})
    assert out == {"a": 2, "b": [2]}
    assert seen == [(None, 3), (1, 2)]


def test_traverse_top_down_and_bottom_up():
    assert tree.traverse(lambda x: None, [1, (2, 3)]) == [1, (2, 3)]
    assert tree.traverse(lambda x: x * 10 if isinstance(x, int) else None, [1, (2, 3)]) == [10, (20, 30)]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == 2 else None, [1, (2, 3)]) == [1, (None, 3)]
    assert tree.traverse(lambda x: x * 10 if isinstance(x, int) else None, [1, (2, 3)], top_down=False) == [10, (20, 30)]
    assert tree.traverse(lambda x: "T" if isinstance(x, tuple) else None, [1, (2, 3)], top_down=False) == [1, "T"]
    # top-down: a replaced subtree is not visited further
    visited = []
    tree.traverse(lambda x: visited.append(x) or ("cut" if isinstance(x, tuple) else None), [1, (2, 3)])
    assert visited == [[1, (2, 3)], 1, (2, 3)]


def test_map_structure_up_to_hands_subtrees_to_the_function():
    out = tree.map_structure_up_to((None, {"k": None}), lambda a, b: (a, b), ([1, 2], {"k": 3}), ("x", {"k": [4]}))
    assert out == (([1, 2], "x"), {"k": (3, [4])})
    with pytest.raises(ValueError, match="does not match the shallow structure"):
        tree.map_structure_up_to((1, 2), lambda a: a, (1, 2, 3))


def test_namedtuples_and_ordered_dicts_keep_their_types():
    Point = collections.namedtuple("Point", ["x", "y"])
    assert tree.lists_to_tuples(Point([1], 2)) == Point((1,), 2)
    od = collections.OrderedDict([("b", [1]), ("a", [2])])
    out = tree.lists_to_tuples(od)
    assert isinstance(out, collections.OrderedDict) and list(out) == ["b", "a"] and out["a"] == (2,)


def test_assert_same_paths_ignores_container_types_but_not_paths():
    tree.assert_same_paths([1, (2, 3)], (4, [5, 6]))
    with pytest.raises(ValueError, match="same paths"):
        tree.assert_same_paths({"a": 1}, {"b": 1})


def test_core_functions_are_the_shared_helpers():
    assert tree.map_structure(lambda a, b: a + b, {"a": 1, "b": (2,)}, {"a": 10, "b": (20,)}) == {"a": 11, "b": (22,)}
    assert tree.pack_sequence_as({"b": [0], "a": 0}, [1, 2]) == {"b": [2], "a": 1}
    assert tree.is_nested([]) and not tree.is_nested("ab")
