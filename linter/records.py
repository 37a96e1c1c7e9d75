"""Value classes that cost almost nothing to define: `@record` is `@dataclass(slots=True)` made cheap.

Why not `dataclasses`: a template scan defines about sixty value classes on every run, and on Python 3.11
`@dataclass` compiles four to six generated methods per class (and a slotted one builds its class twice):
about 25 ms of a pre-commit hook's 100 ms. `@record` makes the same classes with the same behaviour for the
features drlint uses, for a fraction of that:

- `__init__` has the dataclass signature (fields in order, defaults, `field(default_factory=...)`,
  `field(init=False)`, keyword-only fields after a `_: KW_ONLY` marker, `__post_init__`), and is compiled
  the first time the class is instantiated: classes a run never instantiates never pay for it.
- `__repr__`, `__eq__` and (for frozen records) `__hash__` are shared by every record and read the class's
  field names; they give the dataclass results (`compare=False` and `repr=False` are honoured). A method the
  class defines itself is kept, as `@dataclass` keeps it.
- Every record has `__slots__`; `frozen=True` forbids assignment after `__init__`; `eq=False` keeps identity
  equality and hashing.
- `fields()`, `replace()` and `is_record()` play the parts of their `dataclasses` namesakes.

The generated `__init__` is made from the class's own annotations (source text drlint wrote), never from input.
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

__all__ = ["KW_ONLY", "Field", "FrozenInstanceError", "field", "fields", "is_record", "record", "replace"]

T = TypeVar("T")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class _KwOnly:
    """The type of the `_: KW_ONLY` marker: the fields after it are keyword-only."""


KW_ONLY: Any = _KwOnly


class FrozenInstanceError(AttributeError):
    """Assigning to or deleting a field of a frozen record."""


class Field:
    """One field of a record: its name, how it is defaulted, and whether `__init__`, `repr` and `==` see it."""

    __slots__ = ("compare", "default", "default_factory", "init", "kw_only", "name", "repr")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, init: bool = True,
                 repr: bool = True, compare: bool = True) -> None:
        if default is not MISSING and default_factory is not MISSING:
            raise ValueError("cannot specify both default and default_factory")
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.compare = compare
        self.kw_only = False

    def _named(self, name: str, kw_only: bool) -> Field:
        made = Field(self.default, self.default_factory, self.init, self.repr, self.compare)
        made.name, made.kw_only = name, kw_only
        return made

    @property
    def has_default(self) -> bool:
        return self.default is not MISSING or self.default_factory is not MISSING

    def __repr__(self) -> str:
        return f"Field(name={self.name!r})"


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] | Any = MISSING, init: bool = True,
          repr: bool = True, compare: bool = True) -> Any:
    """A field with a default, a default factory, or left out of `__init__`, `repr` or `==`."""
    return Field(default, default_factory, init, repr, compare)


@dataclass_transform(field_specifiers=(field, Field))
def record(cls: type[T] | None = None, /, *, frozen: bool = False, eq: bool = True) -> Any:
    """Make `cls` a slotted record (see the module's documentation); used as `@record` or `@record(...)`."""

    def wrap(cls: type[T]) -> type[T]:
        return _make(cls, frozen, eq)

    return wrap if cls is None else wrap(cls)


def fields(value: Any) -> tuple[Field, ...]:
    """The fields of a record class or instance, in order."""
    try:
        return value.__record_fields__
    except AttributeError:
        raise TypeError(f"{value!r} is not a record") from None


def is_record(value: Any) -> bool:
    """True for a record instance or class."""
    return hasattr(type(value) if not isinstance(value, type) else value, "__record_fields__")


def replace(value: T, /, **changes: Any) -> T:
    """A copy of the record `value` with some fields changed (through `__init__`, as `dataclasses.replace`)."""
    for item in fields(value):
        if not item.init:
            if item.name in changes:
                raise ValueError(f"field {item.name} is declared with init=False, it cannot be specified with "
                                 "replace()")
            continue
        if item.name not in changes:
            changes[item.name] = getattr(value, item.name)
    return value.__class__(**changes)


def _make(cls: type[T], frozen: bool, eq: bool) -> type[T]:
    namespace = dict(cls.__dict__)
    inherited: dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for item in getattr(base, "__record_fields__", ()):
            inherited[item.name] = item
    own: dict[str, Field] = {}
    kw_only = False
    for name, annotation in namespace.get("__annotations__", {}).items():
        text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
        if text in ("KW_ONLY", "records.KW_ONLY") or annotation is KW_ONLY:
            kw_only = True
            namespace.pop(name, None)
            continue
        if text.startswith(("ClassVar", "typing.ClassVar")):
            continue
        declared = namespace.pop(name, MISSING)
        spec = declared if isinstance(declared, Field) else Field(default=declared)
        own[name] = spec._named(name, kw_only)
    all_fields = {**inherited, **own}
    _check_order(cls, all_fields.values())

    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    namespace["__slots__"] = tuple(name for name in own if name not in inherited)
    namespace["__record_fields__"] = tuple(all_fields.values())
    namespace["__match_args__"] = tuple(f.name for f in all_fields.values() if f.init and not f.kw_only)
    compared = tuple(f.name for f in all_fields.values() if f.compare)
    namespace["__record_key__"] = staticmethod(_key(compared))
    namespace["__record_frozen__"] = frozen
    if "__init__" not in cls.__dict__:
        namespace["__init__"] = _deferred_init()
    namespace.setdefault("__repr__", _repr)
    if eq:
        namespace.setdefault("__eq__", _eq)
        explicit_hash = "__hash__" in cls.__dict__ and not (
            cls.__dict__["__hash__"] is None and "__eq__" in cls.__dict__)
        if not explicit_hash:
            namespace["__hash__"] = _hash if frozen else None
    if frozen:
        namespace.setdefault("__setattr__", _frozen_setattr)
        namespace.setdefault("__delattr__", _frozen_delattr)
        # Frozen slotted objects cannot be given their state back by plain setattr (copy, pickle).
        namespace.setdefault("__getstate__", _getstate)
        namespace.setdefault("__setstate__", _setstate)
    made = type(cls)(cls.__name__, cls.__bases__, namespace)
    return made  # type: ignore[no-any-return]


def _check_order(cls: type, all_fields: Any) -> None:
    seen_default = False
    for item in all_fields:
        if not item.init or item.kw_only:
            continue
        if item.has_default:
            seen_default = True
        elif seen_default:
            raise TypeError(f"{cls.__name__}: non-default argument {item.name!r} follows default argument")


def _key(names: tuple[str, ...]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) >= 2:
        return attrgetter(*names)
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda value: (get(value),)
    return lambda value: ()


def _deferred_init() -> Callable[..., None]:
    """An `__init__` that compiles the real one on first use, installs it on its class, and calls it."""

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        owner = next(klass for klass in type(self).__mro__ if klass.__dict__.get("__init__") is __init__)
        real = _compile_init(owner)
        type.__setattr__(owner, "__init__", real)
        real(self, *args, **kwargs)

    return __init__


def _compile_init(cls: type) -> Callable[..., None]:
    env: dict[str, Any] = {"_MISSING": MISSING, "_set": object.__setattr__}
    frozen = cls.__dict__["__record_frozen__"]
    positional: list[str] = []
    keyword: list[str] = []
    body: list[str] = []
    for item in cls.__dict__["__record_fields__"]:
        name = item.name
        if item.default is not MISSING:
            env[f"_default_{name}"] = item.default
        if item.default_factory is not MISSING:
            env[f"_factory_{name}"] = item.default_factory
        if item.init:
            if item.default is not MISSING:
                parameter = f"{name}=_default_{name}"
            elif item.default_factory is not MISSING:
                parameter = f"{name}=_MISSING"
            else:
                parameter = name
            (keyword if item.kw_only else positional).append(parameter)
            value = f"_factory_{name}() if {name} is _MISSING else {name}" if item.default_factory is not MISSING \
                else name
        elif item.default_factory is not MISSING:
            value = f"_factory_{name}()"
        elif item.default is not MISSING:
            value = f"_default_{name}"
        else:
            continue  # init=False and no default: left unset, as a dataclass leaves it
        body.append(f"    _set(self, {name!r}, {value})" if frozen else f"    self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    parameters = ["self", *positional, *(["*", *keyword] if keyword else [])]
    source = f"def __init__({', '.join(parameters)}):\n" + ("\n".join(body) or "    pass") + "\n"
    exec(compile(source, f"<record {cls.__qualname__}>", "exec"), env)  # our own text (see the module doc)
    init = env["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    return init  # type: ignore[no-any-return]


@reprlib.recursive_repr()
def _repr(self: Any) -> str:
    shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in self.__record_fields__ if f.repr)
    return f"{type(self).__qualname__}({shown})"


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        key = self.__record_key__
        return key(self) == key(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__record_key__(self))


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    if type(self).__record_frozen__ and name in {f.name for f in self.__record_fields__}:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")
    object.__setattr__(self, name, value)


def _frozen_delattr(self: Any, name: str) -> None:
    if type(self).__record_frozen__ and name in {f.name for f in self.__record_fields__}:
        raise FrozenInstanceError(f"cannot delete field {name!r}")
    object.__delattr__(self, name)


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name, MISSING) for f in self.__record_fields__]


def _setstate(self: Any, state: list[Any]) -> None:
    for item, value in zip(self.__record_fields__, state, strict=True):
        if value is not MISSING:
            object.__setattr__(self, item.name, value)
