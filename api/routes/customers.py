"""The customer's digital file."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import PrincipalDep, RuntimeDep, scoped
from copilot.pipeline.customers import read_customer_file
from copilot.schemas import CustomerFile

router = APIRouter(prefix="/v1", tags=["customers"], dependencies=[scoped("customers")])


@router.get("/customers/{customer_id}")
def get_customer(customer_id: str, principal: PrincipalDep, runtime: RuntimeDep) -> CustomerFile:
    """The five fields, deals with stage history, contacts and the latest follow-ups."""
    return read_customer_file(runtime.sessions, principal, customer_id, now=runtime.clock.now())
