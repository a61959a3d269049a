"""A :class:`~signing.speedups.NumericArray` read from a file keeps its text and makes its
numbers on first use: every way of looking at it (list operations, pyHanko's ``raw_get``,
copying, comparison, concatenation from either side) must see what an array made at once
holds, and a large array read by the patched reader must be deferred (or the speed-up is
gone) yet read back to pyHanko's own values."""

from __future__ import annotations

import copy
import io
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from pyhanko.pdf_utils import generic

from signing import speedups

TEXT = b"[0[777 0]2 3 250 4[333 555.5]6 7 -500 8[1000 833 277]11 12 +333 .5 1.]"


def _number(value: int) -> Any:
    return generic.NumberObject(value)  # type: ignore[no-untyped-call]


def _deferred() -> speedups.NumericArray:
    return speedups.NumericArray.deferred(TEXT, generic.Reference(18, 0))


def _eager() -> speedups.NumericArray:
    parsed = speedups._parse_numeric(TEXT, generic.Reference(18, 0))
    assert parsed is not None
    return parsed[0]  # type: ignore[no-any-return]


def _plain(value: Any) -> Any:
    """Nested lists of (type name, value) for numbers, to compare types too."""
    if isinstance(value, list):
        return [_plain(item) for item in list(iter(value))]
    return (type(value).__name__, str(value))


OPERATIONS: dict[str, Callable[[Any], Any]] = {
    "len": len, "bool": bool, "iter": lambda a: _plain(list(a)),
    "getitem": lambda a: _plain(a[3]), "slice": lambda a: _plain(a[1:4]),
    "raw_get": lambda a: _plain(a.raw_get(1)), "iterate": lambda a: _plain(list(a.iterate())),
    "reversed": lambda a: _plain(list(reversed(a))), "contains": lambda a: 250 in a,
    "index": lambda a: a.index(250), "count": lambda a: a.count(2),
    "repr": repr, "eq_self_kind": lambda a: a == _eager(), "eq_plain": lambda a: a == [0],
    "plain_eq": lambda a: generic.ArrayObject(_eager()) == a,
    "ne": lambda a: a != _eager(), "lt": lambda a: a < [1],
    "add": lambda a: _plain(a + [1]),  # noqa: RUF005 (the operator is tested)
    "radd": lambda a: _plain([1] + a),  # noqa: RUF005
    "deferred_both": lambda a: _plain(a + _deferred()),
    "mul": lambda a: _plain(a * 2), "rmul": lambda a: _plain(2 * a),
    "tuple": lambda a: _plain(list(tuple(a))), "list": lambda a: _plain(list(a)),
    "extend_into": lambda a: _plain([9, *a]),
    "copy": lambda a: _plain(copy.copy(a)), "deepcopy": lambda a: _plain(copy.deepcopy(a)),
    "pickle": lambda a: _plain(pickle.loads(pickle.dumps(a))),
    "list_copy": lambda a: _plain(a.copy()),
    "append": lambda a: (a.append(_number(1)), _plain(a))[1],
    "insert": lambda a: (a.insert(0, _number(1)), _plain(a))[1],
    "pop": lambda a: (_plain(a.pop()), _plain(a)),
    "setitem": lambda a: (a.__setitem__(0, _number(5)), _plain(a))[1],
    "delitem": lambda a: (a.__delitem__(0), _plain(a))[1],
    "iadd": lambda a: _plain(a.__iadd__([_number(1)])),
    "clear": lambda a: (a.clear(), len(a))[1],
    "reverse": lambda a: (a.reverse(), _plain(a))[1],
    "write": lambda a: (lambda out: (a.write_to_stream(out), out.getvalue())[1])(io.BytesIO()),
    "container_ref": lambda a: [item.container_ref for item in a if not isinstance(item, list)],
}


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_deferred_array_reads_as_made_at_once(name: str) -> None:
    operation = OPERATIONS[name]
    assert operation(_deferred()) == operation(_eager())


def test_a_large_array_read_is_deferred_and_reads_as_pyhanko() -> None:
    widths = b"[" + b" ".join(b"%d[%d %d]" % (i, i * 7, i * 3) for i in range(200)) + b"]"
    source = b"<< /W " + widths + b" /Next 3 >>"
    before = speedups.installed()
    try:
        speedups.uninstall()
        theirs = generic.DictionaryObject.read_from_stream(
            io.BytesIO(source), generic.Reference(4, 0))
        speedups.install()
        ours = generic.DictionaryObject.read_from_stream(
            io.BytesIO(source), generic.Reference(4, 0))
    finally:
        (speedups.install if before else speedups.uninstall)()
    deferred = ours.raw_get("/W")
    assert type(deferred) is speedups.NumericArray
    assert deferred._pending is not None
    assert ours["/Next"] == 3  # the reader went on just past the array
    assert _plain(deferred) == _plain(theirs.raw_get("/W"))
    assert deferred._pending is None
