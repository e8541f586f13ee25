"""Write the benchmark result as a Markdown table and as JSON."""

import json
from pathlib import Path


def _cell(run: dict | None, key: str) -> str:
    if run is None:
        return "–"
    value = run[key]
    return f"{value:,.0f}" if key == "requests_per_second" else f"{value:.1f}"


def markdown(result: dict) -> str:
    setup = result["setup"]
    levels = setup["connections"]
    lines = [
        f"# GENBO benchmark {result['name']}",
        "",
        f"- Started {result['started']}, commit {setup['commit']}, "
        f"{setup['cpus']} CPUs, load average at start {setup['load_average']}.",
        f"- gunicorn with {setup['workers']} uvicorn workers on 127.0.0.1, PostgreSQL, "
        f"Redis cache and sessions; wrk with {setup['seconds']} s per run after "
        f"{setup['warmup_seconds']} s of warm-up, {setup['sessions']} signed-in employees "
        "taking turns.",
        "- Volume: "
        + ", ".join(f"{count:,} {name}" for name, count in result["volume"].items())
        + ".",
        "- Latency in milliseconds as wrk measures it, queueing included. SQL queries, CPU "
        "ms (the request thread's CPU time) and ms in process (wall time) are medians of "
        "single requests through Django's test client in the runner's process, without load. "
        "App CPU ms is the CPU time the app workers used during a load run, divided by its "
        "requests.",
        "",
    ]
    header = ["page", "SQL queries", "CPU ms", "ms in process"]
    for level in levels:
        header += [
            f"req/s @{level}",
            f"p50 @{level}",
            f"p95 @{level}",
            f"p99 @{level}",
            f"app CPU ms @{level}",
        ]
    header.append("errors")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    for page in result["pages"]:
        if page.get("skipped"):
            lines.append(
                f"| {page['name']} | skipped: {page['skipped']} |" + " |" * (len(header) - 2)
            )
            continue
        row = [
            page["name"],
            str(page["queries"]),
            f"{page['cpu_ms']:.1f}",
            f"{page['wall_ms']:.1f}",
        ]
        errors = 0
        for level in levels:
            run = page["runs"].get(str(level))
            row += [
                _cell(run, key)
                for key in ("requests_per_second", "p50_ms", "p95_ms", "p99_ms", "app_cpu_ms")
            ]
            if run:
                errors += sum(run["errors"].values())
        row.append(str(errors))
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    memory = result["memory_peak_mb"]
    if memory:
        peaks = ", ".join(f"{value:.0f}" for value in memory.values())
        lines.append(f"Peak memory (VmHWM) of the app workers: {peaks} MiB.")
    for problem in result["problems"]:
        lines.append(f"- Problem: {problem}")
    return "\n".join(lines) + "\n"


def write(result: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    markdown_path = folder / f"{result['name']}.md"
    json_path = folder / f"{result['name']}.json"
    markdown_path.write_text(markdown(result), encoding="utf-8")
    json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return markdown_path, json_path
