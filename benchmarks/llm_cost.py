"""The LLM path's cost on a follow-ups cases file, against the scripted OpenAI-compatible server.

Counts model calls per follow-up and the prompt tokens of each call (system + user messages and the
JSON schema sent as response_format), tokenised with o200k_base.

Usage: python -m benchmarks.llm_cost ../shared/evalsets/dev/followups.jsonl
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from copilot.domain import CustomerContext
from copilot.extraction.offline import OfflineEngine
from copilot.followups.interactions import build_interaction
from copilot.llm.chat import OpenAICompatibleChat
from copilot.llm.engine import LLMFollowUpEngine
from copilot.llm.tokens import TiktokenCounter
from copilot.prompting import load_prompt
from evaluators.scripted_openai import Reply, serve
from evaluators.suites.followups import customer_context

EMPTY_ANSWER: dict[str, Any] = {
    "source_channel": None,
    "source_channel_quote": None,
    "first_contact_phrase": None,
    "is_first_contact": False,
    "stage": None,
    "stage_quote": None,
    "summary": "",
    "next_follow_up_phrase": None,
    "discovery_questions": [],
    "pain_quotes": [],
    "pain_minutes_reported": None,
    "next_step_quote": None,
    "signals": [],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", type=Path)
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.cases.read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp, serve() as server:
        counter = TiktokenCounter(Path(tmp) / "tk")
        server.responder = lambda body: Reply(json=EMPTY_ANSWER)
        chat = OpenAICompatibleChat(base_url=server.url, model="scripted", api_key=None)
        engine = LLMFollowUpEngine(chat, load_prompt("followup_extract"), OfflineEngine(), counter)
        calls: list[int] = []
        tokens: list[int] = []
        for case in cases:
            before = len(server.chat_requests)
            interaction = build_interaction(case["input"], _ref(case))
            customer: CustomerContext = customer_context(case)
            engine.extract_followup(interaction, customer)
            new = server.chat_requests[before:]
            calls.append(len(new))
            for request in new:
                text = "".join(m["content"] for m in request["messages"])
                schema = json.dumps(request.get("response_format", {}), ensure_ascii=False)
                tokens.append(counter.count(text) + counter.count(schema))
    print(
        json.dumps(
            {
                "follow-ups": len(cases),
                "calls_per_follow_up": {"min": min(calls), "max": max(calls), "mean": statistics.mean(calls)},
                "prompt_tokens_per_call": {"mean": round(statistics.mean(tokens), 1), "max": max(tokens)},
            },
            indent=2,
        )
    )


def _ref(case: dict[str, Any]) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(case["reference_time"])


if __name__ == "__main__":
    main()
