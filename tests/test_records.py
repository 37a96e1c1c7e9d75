"""`@record` behaves as `@dataclass(slots=True)` does for every feature drlint uses.

Each behaviour is checked against a real dataclass declared the same way, so a difference shows as a failure.
"""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from linter.records import KW_ONLY, FrozenInstanceError, field, fields, is_record, record, replace


def _pair(frozen: bool = False, eq: bool = True) -> tuple[type, type]:
    """The same class declared with `@record` and with `@dataclass(slots=True)`."""

    def body() -> dict:
        return {
            "__annotations__": {"name": "str", "count": "int", "tags": "list[str]", "note": "str",
                                "cache": "dict"},
            "count": 0,
            "__module__": __name__,
        }

    ours_ns = body()
    ours_ns.update(tags=field(default_factory=list), note=field(default="", repr=False, compare=False),
                   cache=field(default_factory=dict, init=False, repr=False, compare=False))
    theirs_ns = body()
    theirs_ns.update(tags=dataclasses.field(default_factory=list),
                     note=dataclasses.field(default="", repr=False, compare=False),
                     cache=dataclasses.field(default_factory=dict, init=False, repr=False, compare=False))
    ours = record(frozen=frozen, eq=eq)(type("Item", (), ours_ns))
    theirs = dataclasses.dataclass(frozen=frozen, eq=eq, slots=True)(type("Item", (), theirs_ns))
    return ours, theirs


@pytest.mark.parametrize("frozen", [False, True])
def test_init_defaults_repr_and_equality_match_dataclasses(frozen: bool) -> None:
    ours, theirs = _pair(frozen=frozen)
    for args, kwargs in [(("a",), {}), (("a", 2), {}), (("a",), {"tags": ["x"], "note": "n"}),
                         ((), {"name": "b", "count": 3})]:
        mine, reference = ours(*args, **kwargs), theirs(*args, **kwargs)
        assert repr(mine) == repr(reference)
        assert (mine.name, mine.count, mine.tags, mine.note, mine.cache) == (
            reference.name, reference.count, reference.tags, reference.note, reference.cache)
    assert ours("a") == ours("a", note="ignored by ==")
    assert ours("a") != ours("b")
    assert ours("a").tags is not ours("a").tags  # a fresh default each time
    assert ours.__match_args__ == theirs.__match_args__
    assert ours.__slots__ == theirs.__slots__
    with pytest.raises(TypeError):
        ours()
    with pytest.raises(TypeError):
        ours("a", cache={})  # init=False


def test_hashing_follows_frozen_and_eq() -> None:
    mutable, _ = _pair()
    frozen, frozen_reference = _pair(frozen=True)
    identity, _ = _pair(eq=False)
    with pytest.raises(TypeError):
        hash(mutable("a"))
    tags = ("t",)  # hashable members, as a frozen record's must be
    assert hash(frozen("a", 1, tags)) == hash(frozen("a", 1, tags))
    assert {frozen("a", 1, tags), frozen("a", 1, tags, note="x")} == {frozen("a", 1, tags)}
    assert {Point(1, 2), Point(1, 2)} == {Point(1, 2)} and Point(1, 2) != Point(2, 1)
    with pytest.raises(TypeError):
        hash(frozen_reference("a", 1))  # the dataclass agrees: a list member is unhashable
    with pytest.raises(TypeError):
        hash(frozen("a", 1))
    first, second = identity("a"), identity("a")
    assert first != second and first == first
    assert len({first, second}) == 2


def test_frozen_records_refuse_assignment_but_copy_and_pickle() -> None:
    frozen, _ = _pair(frozen=True)
    item = frozen("a", 1, ["t"])
    with pytest.raises(FrozenInstanceError):
        item.name = "b"
    with pytest.raises(FrozenInstanceError):
        del item.count
    assert isinstance(FrozenInstanceError("x"), AttributeError)
    assert copy.copy(item) == item
    assert copy.deepcopy(item) == item


@record(frozen=True)
class Point:
    x: int
    y: int = 0


@record
class Labelled(Point):
    label: str = ""


def test_pickle_and_inheritance() -> None:
    assert pickle.loads(pickle.dumps(Point(1, 2))) == Point(1, 2)
    labelled = Labelled(1, 2, "p")
    assert [f.name for f in fields(Labelled)] == ["x", "y", "label"]
    assert repr(labelled) == "Labelled(x=1, y=2, label='p')"
    assert labelled == Labelled(1, 2, "p") and labelled != Point(1, 2)
    assert Labelled.__slots__ == ("label",)
    assert not hasattr(labelled, "__dict__")


def test_keyword_only_fields_and_post_init() -> None:
    @record
    class Node:
        line: int
        _: KW_ONLY
        end: int = 0
        seen: list = field(default_factory=list, init=False)

        def __post_init__(self) -> None:
            self.seen.append(self.line)

    node = Node(3, end=4)
    assert (node.line, node.end, node.seen) == (3, 4, [3])
    assert Node.__match_args__ == ("line",)
    with pytest.raises(TypeError):
        Node(3, 4)


def test_replace_fields_and_is_record() -> None:
    point = Point(1, 2)
    moved = replace(point, y=5)
    assert moved == Point(1, 5) and point == Point(1, 2)
    assert [f.name for f in fields(point)] == ["x", "y"]
    assert is_record(point) and is_record(Point) and not is_record(object())
    with pytest.raises(TypeError):
        fields(object())
    with pytest.raises(TypeError):
        replace(point, z=1)


def test_methods_the_class_defines_are_kept_and_order_is_checked() -> None:
    @record(frozen=True)
    class Custom:
        value: int

        def __repr__(self) -> str:
            return "custom"

        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = object.__hash__

    assert repr(Custom(1)) == "custom" and Custom(1) == Custom(2)
    with pytest.raises(TypeError):
        record(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))


def test_recursive_repr_does_not_loop() -> None:
    @record(eq=False)
    class Box:
        content: object = None

    box = Box()
    box.content = box
    assert repr(box) == "Box(content=...)"
