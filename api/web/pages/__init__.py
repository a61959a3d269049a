"""The pages, one module per area of the office, each with a ``router``.

:func:`page_routers` finds every module of this package that has one, in name order, so
an area is added by adding its module (no list to keep in step).
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def page_routers() -> tuple[APIRouter, ...]:
    """The ``router`` of every page module of this package."""
    routers = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda item: item.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return tuple(routers)
