"""The pages the benchmark loads: one row each, so that a new page is one line.

A path may contain {placeholders} that the runner fills from the seeded database
(see run.find_targets). An optional page is skipped, with its reason printed, while it
returns 404, such as a page whose app lives on another branch.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    optional: bool = False


PAGES = [
    Page("start", "/"),
    Page("directory", "/networks/"),
    Page("network", "/networks/{network_slug}/"),
    Page("thread with 50 replies", "/forum/threads/{bench_thread_id}/"),
    Page("forum start", "/forum/"),
    Page("library", "/library/"),
    Page("expert search", "/experts/?q={competence}"),
    Page("search results", "/search/?q={competence}", optional=True),
    Page("profile", "/people/{profile_id}/"),
    Page("chat room", "/chat/rooms/{chat_room_id}/"),
]
