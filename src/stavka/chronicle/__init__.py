"""Chronicle: what happened, for people. Markdown, JSONL and an HTML report,
all rendered by visitors over one walk of the event list."""

from stavka.chronicle.jsonl import JsonlVisitor, read_jsonl, write_jsonl
from stavka.chronicle.markdown import MarkdownVisitor, render_markdown
from stavka.chronicle.report import md_to_html, render_report, write_outputs, write_report
from stavka.chronicle.visitor import EventVisitor, KeyDatesVisitor, Parts, as_parts, walk

__all__ = ["EventVisitor", "JsonlVisitor", "KeyDatesVisitor", "MarkdownVisitor", "Parts",
           "as_parts", "md_to_html", "read_jsonl", "render_markdown", "render_report", "walk",
           "write_jsonl", "write_outputs", "write_report"]
