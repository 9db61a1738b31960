"""The product's messages to people, in Chinese and English.

An error raised with a `key` can be shown in the reader's language: the service's API keeps the
English `message` (integrations read it), and the workspace shows `text(key, lang, params)`.
"""

from __future__ import annotations

from collections.abc import Mapping

# key -> (zh, en); `{name}` placeholders are filled from the error's params
CATALOGUE: dict[str, tuple[str, str]] = {
    "note_empty": ("内容是空的：请先粘贴或口述跟进内容", "The note is empty: paste or dictate it first"),
    "conversation_empty": ("{kind}里没有任何文字", "The {kind} is empty: no message has any text"),
    "too_long": (
        "内容有 {total} 个字符，超过上限 {limit}；请拆成几条记录",
        "The note has {total} characters; the limit is {limit}. Split it into several records",
    ),
    "too_many_items": (
        "{kind}有 {count} 条，超过上限 {limit}",
        "The {kind} has {count} items; the limit is {limit}",
    ),
    "chat_no_speaker": (
        "第一行没有发言人；请按原样粘贴导出内容，每条消息一行「姓名: 内容」或「时间 姓名: 内容」",
        "The first line names no speaker; paste the export as it came, one 'name: text' "
        "(or 'time name: text') per message",
    ),
    "chat_no_messages": ("聊天记录里没有找到消息", "No messages found in the chat export"),
    "call_no_turns": ("通话转写里没有找到发言", "No speaker turns found in the transcript"),
    "chat_bad_date": ("聊天记录里的日期 {value} 无法识别", "Unreadable date {value} in the chat export"),
    "chat_bad_time": ("聊天记录里的时间 {value} 无法识别", "Unreadable time {value} in the chat export"),
    "unknown_channel": ("未知的线索来源：{value}", "Unknown source channel: {value}"),
    "unknown_stage": ("未知的阶段：{value}", "Unknown stage: {value}"),
    "bad_date": (
        "{field}应为 YYYY-MM-DD 格式的日期，而不是 {value}",
        "{field} must be a date as YYYY-MM-DD, not {value}",
    ),
    "summary_too_long": ("摘要超过 {limit} 个字符", "The summary is over {limit} characters"),
    "summary_empty": ("摘要不能为空", "The summary cannot be empty"),
    "unknown_signals": ("未知的购买信号：{value}", "Unknown signals: {value}"),
    "nothing_to_confirm": ("这条跟进还没有可确认的识别结果", "This follow-up has no reading to confirm yet"),
    "wrap_up_needs": (
        "通话小结需要填写阶段和一句话摘要",
        "A call's wrap-up needs the stage and a one-sentence summary",
    ),
    "wrap_up_done": (
        "这通电话已有记录，请在它的跟进页面更正",
        "This call already has a record; correct it on its follow-up page",
    ),
    "not_a_call": ("这条记录不是通话", "This record is not a call"),
    "form_lost": (
        "表单里的笔记内容无法使用，请返回重新识别",
        "The form's note cannot be used; go back and read the note again",
    ),
    "customer_needed": (
        "请选择客户，或填写新客户的名称",
        "Choose a customer, or give the new customer's name",
    ),
    "customer_exists": (
        "客户编号 {value} 已存在，请直接选择该客户",
        "Customer id {value} already exists; choose it instead",
    ),
}

# an error without a key is introduced by its kind
KINDS: dict[str, tuple[str, str]] = {
    "invalid_input": ("输入无法使用", "The input cannot be used"),
    "input_too_large": ("内容过长", "The input is too large"),
    "unsupported_encoding": ("文件编码无法识别", "The file's encoding is not supported"),
    "not_found": ("找不到该记录", "Not found"),
    "forbidden": ("无权访问", "Not allowed"),
    "conflict": ("与已有记录冲突", "Conflicts with a stored record"),
}

# words filled into messages
NOUNS: dict[str, tuple[str, str]] = {
    "chat": ("聊天记录", "chat"),
    "call": ("通话", "call"),
    "dictation": ("笔记", "dictation"),
    "wecom": ("企业微信会话", "WeCom chat"),
    "first_contact_date": ("首次接触日期", "first_contact_date"),
    "next_follow_up_date": ("下次跟进日期", "next_follow_up_date"),
}


def text(key: str, lang: str, params: Mapping[str, object] | None = None) -> str | None:
    """The message `key` in `lang` ('zh' or 'en'), or None for a key the catalogue lacks."""
    entry = CATALOGUE.get(key)
    if entry is None:
        return None
    i = _index(lang)
    filled = {k: _word(v, i) for k, v in (params or {}).items()}
    return entry[i].format(**filled)


def kind(code: str, lang: str) -> str | None:
    """The title of an error code in `lang`, or None."""
    entry = KINDS.get(code)
    return None if entry is None else entry[_index(lang)]


def _index(lang: str) -> int:
    return 0 if lang == "zh" else 1


def _word(value: object, i: int) -> str:
    if isinstance(value, str) and value in NOUNS:
        return NOUNS[value][i]
    return str(value)
