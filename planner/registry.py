"""A small type -> function registry with MRO lookup (Alembic's ``util.Dispatcher``).

Behaviour that depends on the kind of an operation (rendering, Alembic conversion,
lint rules) lives outside the operation classes, in a :class:`Registry`. A function is
registered for a type; :meth:`Registry.get` walks the MRO of the object's type, so a
function registered for a base class serves every subclass without its own entry.
Registering a second function for the same type raises, unless ``replace=True``.

Example:
    >>> render = Registry("render")
    >>> @render.register(int)
    ... def _render_int(value):
    ...     return f"int {value}"
    >>> render.get(True)(True)     # bool is a subclass of int
    'int True'
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from planner.state.errors import DbplanError

F = TypeVar("F", bound=Callable[..., Any])


class RegistryError(DbplanError):
    """A duplicate registration, or no function registered for a type."""


class Registry:
    """Maps a type (looked up along the MRO) to one function.

    Args:
        name: shown in error messages (``"render"``, ``"to_alembic"``).

    Example:
        >>> r = Registry("describe")
        >>> r.add(object, repr)
        >>> r.get(3)(3)
        '3'
    """

    __slots__ = ("name", "_functions")

    def __init__(self, name: str):
        self.name = name
        self._functions: dict[type, Callable[..., Any]] = {}

    def add(self, type_: type, fn: Callable[..., Any], *, replace: bool = False) -> None:
        """Register ``fn`` for ``type_``; raise RegistryError on a duplicate unless ``replace``.

        Example:
            >>> r = Registry("x"); r.add(int, str)
            >>> r.add(int, repr)
            Traceback (most recent call last):
            ...
            planner.registry.RegistryError: x: a function is already registered for int (builtins.str); pass replace=True to override
        """
        if not isinstance(type_, type):
            raise RegistryError(f"{self.name}: can only register types, got {type_!r}")
        old = self._functions.get(type_)
        if old is not None and not replace:
            raise RegistryError(
                f"{self.name}: a function is already registered for {type_.__qualname__} "
                f"({_fn_name(old)}); pass replace=True to override"
            )
        self._functions[type_] = fn

    def register(self, *types: type, replace: bool = False) -> Callable[[F], F]:
        """Decorator form of :meth:`add`, for one or more types.

        Example:
            >>> r = Registry("x")
            >>> @r.register(int, float)
            ... def _num(v): return "number"
            >>> r.get(1.5)(1.5)
            'number'
        """
        if not types:
            raise RegistryError(f"{self.name}: register() needs at least one type")

        def decorate(fn: F) -> F:
            for t in types:
                self.add(t, fn, replace=replace)
            return fn

        return decorate

    def lookup(self, type_: type) -> Callable[..., Any] | None:
        """The function for ``type_`` or its nearest registered base class, else None."""
        for klass in type_.__mro__:
            fn = self._functions.get(klass)
            if fn is not None:
                return fn
        return None

    def get(self, obj: Any) -> Callable[..., Any]:
        """The function for ``type(obj)`` along its MRO; raise RegistryError when none.

        Example:
            >>> Registry("render").get(1)
            Traceback (most recent call last):
            ...
            planner.registry.RegistryError: render: no function registered for int
        """
        type_ = obj if isinstance(obj, type) else type(obj)
        fn = self.lookup(type_)
        if fn is None:
            raise RegistryError(f"{self.name}: no function registered for {type_.__qualname__}")
        return fn

    def dispatch(self, obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call the function registered for ``obj`` with ``(obj, *args, **kwargs)``."""
        return self.get(obj)(obj, *args, **kwargs)

    def __contains__(self, type_: object) -> bool:
        return isinstance(type_, type) and self.lookup(type_) is not None

    def __iter__(self) -> Iterator[type]:
        """Registered types, in registration order."""
        return iter(tuple(self._functions))

    def __len__(self) -> int:
        return len(self._functions)

    def __repr__(self) -> str:
        return f"Registry({self.name!r}, {len(self._functions)} types)"


def _fn_name(fn: Callable[..., Any]) -> str:
    mod = getattr(fn, "__module__", None) or "?"
    return f"{mod}.{getattr(fn, '__qualname__', repr(fn))}"
