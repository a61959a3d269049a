"""The pages, one module per area of the office; :data:`PAGE_ROUTERS` lists them all."""

from __future__ import annotations

from fastapi import APIRouter

from api.web.pages import account

PAGE_ROUTERS: tuple[APIRouter, ...] = (account.router,)
