"""The `papershelf` command: parse listings, check content, export Markdown."""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import sys
from pathlib import Path

from . import files, fork, latex
from .archive.identity import normalise_title
from .archive.model import ContentError, Entry, Problem
from .builder.workers import WorkerKilled
from .config import Config, SettingsError
from .read.listing import read_listing
from .read.notes import PLACEHOLDER_CURATOR, new_note_name, note_template
from .site.papers_markdown import export


def entry_json(entry: Entry) -> dict:
    """An entry as `papershelf parse --json` prints it: text, not markup."""
    return {
        "title": latex.plain(entry.title),
        "abstract": latex.plain(entry.abstract),
        "authors": list(entry.authors),
        "authors_count": entry.authors_count,
        "date": entry.date.isoformat(),
        "dated": entry.dated,
        "upvotes": entry.upvotes,
        "arxiv_id": entry.arxiv_id,
        "links": list(entry.links),
        "keywords": list(entry.keywords),
        "source": entry.source,
    }


def _report(problems: list[Problem]) -> None:
    for problem in sorted(problems):
        print(problem, file=sys.stderr)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _settings(path: str | None) -> dict:
    """Pelican settings from a settings file, if there is one."""
    if path is None:
        if not Path("pelicanconf.py").is_file():
            return {}
        path = "pelicanconf.py"
    from pelican.settings import read_settings

    return read_settings(path)


def cmd_parse(args) -> int:
    entries, problems = [], []
    for file in args.files:
        found, trouble = read_listing(file, snapshot=args.date)
        entries += found
        problems += trouble
    if args.json:
        json.dump([entry_json(e) for e in entries], sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        for e in entries:
            upvotes = "" if e.upvotes is None else f" ▲{e.upvotes}"
            date = e.date.isoformat() if e.dated else f"({e.date.isoformat()}, undated)"
            print(f"{e.source}  {date}{upvotes}  {latex.plain(e.title)}")
        files = "1 file" if len(args.files) == 1 else f"{len(args.files)} files"
        print(f"{len(entries)} entries from {files}", file=sys.stderr)
    _report(problems)
    return 1 if problems else 0


def _content(args) -> tuple[Path, Config]:
    """The content folder and the settings a command works with."""
    settings = _settings(args.settings)
    content = Path(args.content or settings.get("PATH") or "content")
    if not content.is_dir():
        raise SettingsError(f"{content}: no such content folder")
    return content, Config.from_settings(settings)


def _load(args):
    from .builder.load import load_archive

    content, config = _content(args)
    return load_archive(str(content), config), content, config


def cmd_check(args) -> int:
    result, _, _ = _load(args)
    print(result.summary())
    return 0


def cmd_export_md(args) -> int:
    result, _, _ = _load(args)
    written = export(result.papers, args.folder)
    print(f"{len(written)} Markdown documents written to {args.folder}")
    return 0


def find_papers(papers, query: str):
    """Papers matching an arXiv id, a slug, or a fragment of the title."""
    wanted = normalise_title(query)
    exact = [
        p
        for p in papers
        if query.strip() in (p.arxiv_id, p.slug) or normalise_title(p.title) == wanted
    ]
    return exact or [p for p in papers if wanted and wanted in normalise_title(p.title)]


def cmd_new_note(args) -> int:
    from .builder.load import load_papers

    content, config = _content(args)
    found = find_papers(load_papers(str(content), config), args.paper)
    if len(found) != 1:
        if not found:
            print(f"papershelf: no paper matches {args.paper!r}", file=sys.stderr)
        else:
            print(
                f"papershelf: {len(found)} papers match {args.paper!r}; "
                "give more of the title, or one of these ids:",
                file=sys.stderr,
            )
            for paper in found[:20]:
                print(
                    f"  {paper.arxiv_id or paper.slug}  {latex.plain(paper.title)}", file=sys.stderr
                )
        return 1
    (paper,) = found
    folder = content / config.notes_path
    folder.mkdir(parents=True, exist_ok=True)
    # The first free name: a skeleton not yet written stays, and blocks nothing.
    path = next(
        folder / name
        for name in (new_note_name(paper.slug, n) for n in itertools.count())
        if not (folder / name).exists()
    )
    files.write_text(path, note_template(paper, args.curator, dt.date.today()), durable=True)
    print(path)
    return 0


def cmd_synth(args) -> int:
    from .read.synth import synthesise

    counts = synthesise(args.papers, args.out, args.seed)
    print(
        f"{args.out}: {counts['papers']} papers in {counts['listings']} listings "
        f"({counts['entries']} entries), {counts['notes']} notes"
    )
    return 0


def _print_reports(reports) -> int:
    for report in reports:
        print("\n".join(report.lines()))
        _report(report.problems)
    return 1 if any(report.problems for report in reports) else 0


def cmd_import(args) -> int:
    from .read.fetch import FeedError, Known, import_listing

    content, config = _content(args)
    listings = content / config.listings_path
    known = Known(listings)
    reports = []
    try:
        for path in args.files:
            reports.append(import_listing(Path(path), listings, known, args.date, args.force))
    except FeedError as error:
        _print_reports(reports)
        print(f"papershelf: {error}", file=sys.stderr)
        return 1
    return _print_reports(reports)


def cmd_fetch(args) -> int:
    from .read.fetch import FeedError, Known, fetch, missing_days

    content, config = _content(args)
    listings = content / config.listings_path
    today = dt.datetime.now(dt.timezone.utc).date()
    days = [args.date] if args.date else missing_days(listings, today, args.since)
    if not days:
        print("papershelf: no missing days")
        return 0
    api_url = config.api_url
    try:
        reports = fetch(
            days,
            listings,
            Known(listings),
            api_url,
            args.force,
            timeout=args.timeout,
            retries=args.retries,
            backoff=args.backoff,
        )
    except FeedError as error:
        print(f"papershelf: {error}", file=sys.stderr)
        return 1
    return _print_reports(reports)


def cmd_resolve(args) -> int:
    """Ask arXiv for the ids of papers whose listings gave none; write what
    matches exactly to the reviewed file, and report the rest."""
    import httpx

    from .archive import merge
    from .builder.load import listing_readers, read_listings
    from .read.arxiv_ids import read_ids, with_ids, write_ids
    from .read.fetch import USER_AGENT
    from .read.resolve import ArxivTitles, ResolveError

    content, config = _content(args)
    target = content / config.arxiv_ids_path
    _, readers, problems = listing_readers(str(content), config)
    entries, trouble = read_listings(readers, config)
    ids, id_problems = read_ids(target, config.arxiv_ids_path)
    if problems + trouble + id_problems:
        raise ContentError(problems + trouble + id_problems, "papershelf resolve: nothing asked")
    papers = [p for p in merge(with_ids(entries, ids), config) if not p.arxiv_id]
    papers = papers[: args.limit] if args.limit else papers
    if not papers:
        print("papershelf: every paper has an arXiv id")
        return 0
    print(f"papershelf: asking arXiv about {len(papers)} titles, one every 3 seconds")
    found: dict[str, str] = {}
    unmatched, error = [], None
    with httpx.Client(timeout=args.timeout, headers={"User-Agent": USER_AGENT}) as client:
        arxiv = ArxivTitles(client, args.api_url or config.arxiv_api_url)
        try:
            for paper in papers:
                lookup = arxiv.lookup(paper.title)
                title = latex.plain(paper.title)
                if lookup.found:
                    found[paper.title] = lookup.found
                    print(f"  {lookup.found}  {title}")
                else:
                    why = f"several papers: {', '.join(lookup.ids)}" if lookup.ids else "none"
                    unmatched.append(f"  no exact match ({why}): {title}")
        except ResolveError as stopped:
            error = stopped
        except KeyboardInterrupt:
            error = "interrupted"
    if found:
        write_ids(target, found)
    print(
        f"papershelf: {len(found)} found (added to {target}: review them before committing), "
        f"{len(unmatched)} without an exact match"
    )
    for line in unmatched:
        print(line)
    if error:
        left = len(papers) - len(found) - len(unmatched)
        print(f"papershelf: {error}; {left} titles not asked", file=sys.stderr)
        return 1
    return 0


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to here when it is below."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def cmd_init(args) -> int:
    settings_file = Path(args.settings or "pelicanconf.py")
    if not settings_file.is_file():
        raise SettingsError(f"{settings_file}: no such file: run init in the archive's folder")
    content, config = _content(args)
    root = settings_file.resolve().parent
    if not args.force:
        changed = fork.uncommitted(root, [content.resolve(), settings_file.resolve()])
        if changed:
            shown = "".join(f"\n  {path}" for path in changed[:10])
            raise SettingsError(
                f"uncommitted changes that init would overwrite (commit them, or give --force):"
                f"{shown}"
            )
    repo_url = fork.web_url(args.repo) if args.repo else fork.git_remote_url(root)
    if args.repo and not repo_url:
        raise SettingsError(f"--repo {args.repo!r}: not a repository address")
    name = args.name or (repo_url.rsplit("/", 1)[-1] if repo_url else root.name)
    done = fork.initialise(
        content,
        settings_file,
        config,
        name=name,
        description=args.description,
        repo_url=repo_url,
        branch=fork.git_branch(root),
    )
    print(f"papershelf: removed {len(done.removed)} example files from {_shown(content)}")
    for path in done.written:
        print(f"  wrote {_shown(path)}")
    for key, value in done.settings.items():
        print(f"  {_shown(settings_file)}: {key} = {fork.python_string(value)}")
    if repo_url:
        print("Then, once, on GitHub:")
        for url, what in fork.settings_pages(repo_url):
            print(f"  {url}  {what}")
    else:
        print("No git remote named origin: give --repo https://github.com/you/archive")
    print("Add a listing (make update, or papershelf import FILE), make html, commit and push.")
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pelican-papershelf")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "(not installed)"


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="papershelf", description=__doc__)
    main.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = main.add_subparsers(dest="command", required=True)

    parse = commands.add_parser("parse", help="print the entries that listing files hold")
    parse.add_argument("files", nargs="+", metavar="FILE")
    parse.add_argument("--json", action="store_true", help="print a JSON array")
    parse.add_argument("--date", type=_date, help="the snapshot date, if the file name has none")
    parse.set_defaults(run=cmd_parse)

    content_help = "the content folder (default: PATH from the settings, or ./content)"
    settings_help = "Pelican settings file (default: ./pelicanconf.py if present)"
    check = commands.add_parser("check", help="validate all content without building")
    check.add_argument("content", nargs="?", help=content_help)
    check.add_argument("-s", "--settings", help=settings_help)
    check.set_defaults(run=cmd_check)

    export_md = commands.add_parser("export-md", help="write each paper as a Markdown document")
    export_md.add_argument("folder", metavar="DIR")
    export_md.add_argument("--content", help=content_help)
    export_md.add_argument("-s", "--settings", help=settings_help)
    export_md.set_defaults(run=cmd_export_md)
    new_note = commands.add_parser("new-note", help="write the skeleton of a note about a paper")
    new_note.add_argument("paper", metavar="PAPER", help="arXiv id, slug or part of the title")
    new_note.add_argument(
        "--curator", default=PLACEHOLDER_CURATOR, help="your name, as notes show it"
    )
    new_note.add_argument("--content", help=content_help)
    new_note.add_argument("-s", "--settings", help=settings_help)
    new_note.set_defaults(run=cmd_new_note)
    imports = commands.add_parser(
        "import", help="validate copied daily-papers pages and add them to the listings"
    )
    imports.add_argument("files", nargs="+", metavar="FILE")
    imports.add_argument("--date", type=_date, help="the snapshot date (else from name or page)")
    imports.add_argument("--force", action="store_true", help="replace an existing listing")
    imports.add_argument("--content", help=content_help)
    imports.add_argument("-s", "--settings", help=settings_help)
    imports.set_defaults(run=cmd_import)

    fetches = commands.add_parser("fetch", help="download daily_papers API listings")
    when = fetches.add_mutually_exclusive_group()
    when.add_argument("--date", type=_date, help="one day")
    when.add_argument(
        "--since",
        type=_date,
        help="every missing day from this one to today (default: from the day "
        "after the newest listing)",
    )
    fetches.add_argument("--force", action="store_true", help="replace existing listings")
    fetches.add_argument("--timeout", type=float, default=20.0, help="seconds per request")
    fetches.add_argument("--retries", type=int, default=4, help="retries on 429 and 5xx")
    fetches.add_argument(
        "--backoff",
        type=float,
        default=2.0,
        help="seconds before the first retry, doubled each time",
    )
    fetches.add_argument("--content", help=content_help)
    fetches.add_argument("-s", "--settings", help=settings_help)
    fetches.set_defaults(run=cmd_fetch)

    resolve = commands.add_parser(
        "resolve", help="find arXiv ids by title for papers whose listings gave none"
    )
    resolve.add_argument("--limit", type=int, default=0, help="ask about at most N titles")
    resolve.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    resolve.add_argument("--api-url", help="the arXiv API (default: PAPERSHELF_ARXIV_API_URL)")
    resolve.add_argument("--content", help=content_help)
    resolve.add_argument("-s", "--settings", help=settings_help)
    resolve.set_defaults(run=cmd_resolve)

    init = commands.add_parser(
        "init", help="make a fork yours: empty the example content, name the site"
    )
    init.add_argument("--name", help="the site's name (default: the repository's name)")
    init.add_argument(
        "--description", default=fork.DEFAULT_DESCRIPTION, help="one line under the site's name"
    )
    init.add_argument("--repo", help="the repository's address (default: the git remote origin)")
    init.add_argument("--force", action="store_true", help="run on uncommitted changes too")
    init.add_argument("--content", help=content_help)
    init.add_argument("-s", "--settings", help="Pelican settings file (default: ./pelicanconf.py)")
    init.set_defaults(run=cmd_init)

    synth = commands.add_parser("synth", help="write a synthetic archive for benchmarks")
    synth.add_argument("--papers", type=int, required=True, metavar="N")
    synth.add_argument("--out", required=True, metavar="DIR", help="a content folder to write")
    synth.add_argument("--seed", type=int, default=1, help="the same seed, the same archive")
    synth.set_defaults(run=cmd_synth)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except ContentError as error:
        print(error, file=sys.stderr)
        return 1
    except SettingsError as error:
        print(f"papershelf: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader of our output went away (| head)
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:  # every file is written whole, or not at all
        print("papershelf: interrupted", file=sys.stderr)
        return 130
    except WorkerKilled as error:  # by the system when memory ran out, say
        print(f"papershelf: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a full disk, a folder that cannot be written
        where = f"{error.filename}: " if error.filename else ""
        print(f"papershelf: {where}{error.strerror or error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
