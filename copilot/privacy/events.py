"""What crossed the model boundary, as events the service's metrics subscribe to.

The domain publishes counts only (calls, tokens, masked values by kind, fallbacks), never text, so a
listener cannot leak what it never receives. Listeners are held weakly: a metrics registry that goes
away (an app shut down, a test finished) stops listening without unsubscribing.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

log = logging.getLogger(__name__)

Outcome = Literal["ok", "transient_error", "error"]


@dataclass(frozen=True)
class ModelCall:
    """One call to a model endpoint: what it was for, how it ended, tokens and masked values by kind."""

    purpose: str
    outcome: Outcome
    input_tokens: int = 0
    output_tokens: int = 0
    redactions: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Fallback:
    """The model gave no usable answer and the offline engine answered instead."""

    purpose: str


Event = ModelCall | Fallback
Listener = Callable[[Event], None]
_listeners: list[weakref.ref[Listener]] = []
_lock = threading.Lock()


def subscribe(listener: Listener) -> None:
    """Call `listener` with every event while the caller keeps a reference to it."""
    with _lock:
        _listeners[:] = [r for r in _listeners if r() is not None]
        _listeners.append(weakref.ref(listener))


def publish(event: Event) -> None:
    """Hand `event` to every live listener; a failing listener never fails the model call."""
    with _lock:
        live = [f for r in _listeners if (f := r()) is not None]
    for listener in live:
        try:
            listener(event)
        except Exception:  # metrics are best effort; the answer must not depend on them
            log.exception("a model-event listener failed")
