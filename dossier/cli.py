"""Commands, printing and exit codes: 0 ok, 1 content errors, 2 usage errors."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from dossier import __version__
from dossier.commands import build
from dossier.config import Overrides
from dossier.errors import ContentErrors, Diagnostic, DossierError, UsageError, format_all, summary
from dossier.model import NOTE_KINDS
from dossier.options import Options
from dossier.project import CONTENT, OUTPUT, SETTINGS_FILE

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="Build an annotated news dossier into a static site.",
        epilog="Without a command, 'build' is run.",
    )
    parser.add_argument("--version", action="version", version=f"dossier {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def common(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
        sub.add_argument("--base-url", help="publish under this URL, e.g. https://org.github.io/repo/")
        sub.add_argument("--drafts", action="store_true", help="include content marked 'draft: true'")

    build_parser = commands.add_parser(
        "build",
        help="build the site into the output folder (default)",
        description="Check everything, then write the site; the previous output stays if anything is wrong.",
    )
    common(build_parser)
    build_parser.add_argument("--out", type=Path, help=f"output folder (default: ROOT/{OUTPUT})")
    build_parser.add_argument(
        "--replace-output",
        action="store_true",
        help="replace the output folder even if dossier did not write it: its files are deleted"
        " (never the project, its sources, .git or your home)",
    )
    build_parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    build_parser.add_argument(
        "--no-search", dest="search", action="store_false", help="do not build the search index (pagefind/)"
    )
    build_parser.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="neither read nor write .dossier-cache/build/ (a cold build)",
    )
    build_parser.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=default_jobs(),
        help=f"processes that convert Markdown and render pages (default: the machine's cores, here {default_jobs()})",
    )
    check = commands.add_parser(
        "check",
        help="validate everything, write nothing",
        description="Load, link and render everything in memory and report every problem.",
    )
    common(check)
    serve = commands.add_parser(
        "serve",
        help="build, serve on loopback and rebuild on every change, with live reload",
        description="Build (drafts included) into .dossier-cache/serve/, serve it, watch content/, themes/, "
        "templates/, static/, seeds/ and site.yml, rebuild what changed and reload the open pages. "
        "A failed rebuild keeps the last good pages and shows the errors over them.",
    )
    serve.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0: any free port)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    new = commands.add_parser(
        "new",
        help="write a new content file",
        description="Write a correctly-formed content "
        "file from the arguments, checked like the build checks it; never replaces a file.",
    )
    kinds = new.add_subparsers(dest="kind", metavar="KIND", required=True)

    def kind(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = kinds.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
        sub.add_argument("--slug", help="the file's name (default: made from the title, label or quote)")
        sub.add_argument("--text", help="the Markdown body")
        return sub

    article = kind("article", "an article (a draft until it has its text)")
    article.add_argument("--title", required=True)
    article.add_argument("--date", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD")
    article.add_argument("--topics", help="comma-separated topic slugs or labels")
    article.add_argument("--source")
    article.add_argument("--summary")
    note = kind("annotation", "a note anchored to a passage of an article")
    note.add_argument("--article", required=True, help="the article's slug")
    note.add_argument("--quote", required=True, help="the exact passage")
    note.add_argument("--prefix", help="words just before, when the quote occurs more than once")
    note.add_argument("--suffix", help="words just after, when the quote occurs more than once")
    note.add_argument(
        "--kind",
        dest="note_kind",
        default="contexte",
        metavar="KIND",
        help="one of " + ", ".join(NOTE_KINDS) + " (default: contexte)",
    )
    note.add_argument("--topics", help="comma-separated topic slugs or labels")
    note.add_argument("--date", help="when the note was written: YYYY-MM-DD (or YYYY-MM, YYYY)")
    event = kind("event", "a timeline event, or a span with --end")
    event.add_argument("--title", required=True)
    event.add_argument("--date", required=True, help="YYYY, YYYY-MM or YYYY-MM-DD")
    event.add_argument("--end", help="makes it a span")
    event.add_argument("--topics", help="comma-separated topic slugs or labels")
    event.add_argument("--articles", help="comma-separated slugs of the articles that mention it")
    topic = kind("topic", "a topic of the vocabulary")
    topic.add_argument("--label", required=True)
    topic.add_argument("--keywords", help="comma-separated words that suggest it on import")
    page = kind("page", "a free page")
    page.add_argument("--title", required=True)
    page.add_argument("--summary")
    imp = commands.add_parser(
        "import",
        help="turn seeds into draft articles",
        description="Turn raw seeds into draft articles in content/articles/, text kept verbatim. "
        "Without SEED, every file of seeds/ that has no article yet (with --update: every file).",
    )
    imp.add_argument("seeds", nargs="*", metavar="SEED", help="a seed file (path, or name in seeds/)")
    imp.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
    imp.add_argument(
        "--update",
        action="store_true",
        help="for a seed that changed: replace its article's text and seed_sha256, keep every other field",
    )
    imp.add_argument("--slug", default="", help="the new article's slug (one SEED only)")
    imp.add_argument(
        "--update-of",
        default="",
        metavar="SLUG",
        help="SEED is a new version of article SLUG's dispatch: replace its text and seed, keep its old seed"
        " in earlier_seeds and every other field",
    )
    imp.add_argument("--force", action="store_true", help=argparse.SUPPRESS)  # gone: says to use --update
    init = commands.add_parser(
        "init",
        help="start a new dossier in a new folder",
        description="Write a new dossier into DIR (a new folder, or an empty one) that builds at once: site.yml, "
        "content/ with one short example of each kind, seeds/, README.md for its editors, requirements.txt "
        "(this version of dossier) and .github/workflows/pages.yml (build and publish on GitHub Pages).",
    )
    init.add_argument("dir", type=Path, metavar="DIR", help="the new dossier's folder")
    init.add_argument("--title", help="the dossier's title (default: one to change in site.yml)")
    init.add_argument(
        "--language", choices=("fr", "en"), default="fr", help="the site's language and the examples' (default: fr)"
    )
    init.add_argument("--base-url", default="/", help="where it is published, e.g. https://org.github.io/repo/")
    again = commands.add_parser(
        "reanchor",
        help="move the notes whose quote is no longer in their article's text",
        description="List every note whose quote is not found in its article's text, with the passage that is "
        "most like it and its score (0 to 1). With --write, a note whose passage is the only close one and scores "
        "at least 0.70 gets that passage's quote, with the prefix/suffix that make it unique; nothing else of its "
        "file changes. A note that still finds its passage is never touched.",
    )
    again.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
    again.add_argument("--write", action="store_true", help="rewrite the notes that can be moved (default: list only)")
    _rename_parser(commands)
    return parser


def _rename_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rename = commands.add_parser(
        "rename",
        help="give an article, topic, page or event a new slug, and update every reference to it",
        description="Rename the file content/<kind>/OLD.md to NEW.md (or change its 'slug:' line), add its former URL "
        "to its 'aliases:' (the build writes a redirect page there; an event has no page, so no alias), and update "
        "every reference: notes' article, events' articles, topics lists, and links to it in every Markdown body and "
        "in site.yml's intro. Every other byte of each file stays as it was. Nothing is written if anything is wrong.",
    )
    rename.add_argument("kind", choices=("article", "topic", "page", "event"), help="what is renamed")
    rename.add_argument("old", metavar="OLD", help="its slug now")
    rename.add_argument("new", metavar="NEW", help="its new slug (lower-case ASCII letters, digits and hyphens)")
    rename.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for line in format_all(diagnostics):
        print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "build")
    args = _parser().parse_args(args_list)
    commands = {"import": _import, "new": _new, "serve": _serve, "check": _check, "reanchor": _reanchor, "init": _init}
    commands["rename"] = _rename
    try:
        if args.command != "init":  # the one command that makes its folder
            args.root = project_root(args.root)
        if getattr(args, "out", None) is not None:
            args.out = Path(os.path.abspath(args.out))
        commands.get(args.command, _build)(args)
    except ContentErrors as exc:
        _report(exc.diagnostics)
        print(summary(exc.diagnostics) + (f": {exc.outcome}" if exc.outcome else ""), file=sys.stderr)
        return EXIT_CONTENT
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DossierError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    return EXIT_OK


def project_root(given: Path) -> Path:
    """The project folder, resolved once for every command: absolute, links followed, so that
    no command depends on how the working directory or ``--root`` is spelt."""
    try:
        root = given.resolve(strict=True)
    except (OSError, RuntimeError):
        raise UsageError(
            f"--root {given}: no such folder", "give the project's folder, the one with site.yml"
        ) from None
    if not root.is_dir():
        raise UsageError(f"--root {given}: not a folder", "give the project's folder, the one with site.yml")
    try:
        os.scandir(root).close()  # every command lists it: a folder it may not read is said here, once
        found = (root / SETTINGS_FILE).exists() or (root / CONTENT).exists()
    except OSError as exc:
        given_as = "" if given == Path(".") else f"--root {given}: "
        raise UsageError(
            f"{given_as}cannot read the project folder {root}: {exc.strerror or exc}",
            "check its owner and permissions (chmod u+rx): every command reads the project's files",
        ) from None
    if not found:
        where = "" if given == Path(".") else f" (--root {given})"
        raise UsageError(
            f"no dossier here{where}: no site.yml, no content/ in {root}",
            "run the command from the project's folder, or give it with --root DIR",
        )
    return root


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), got '{text}'")
    return value


def _options(args: argparse.Namespace) -> Options:
    """The command line's options; its overrides of site.yml are checked here, before anything is read."""
    return Options(
        root=args.root,
        out=getattr(args, "out", None),
        overrides=Overrides(base_url=args.base_url, drafts=args.drafts),
        search=getattr(args, "search", False),
        cache=getattr(args, "cache", False),
        jobs=getattr(args, "jobs", default_jobs()),
    )


def _check(args: argparse.Namespace) -> None:
    warnings = build.check(_options(args))
    _report(warnings)
    print(f"ok: no errors ({summary(warnings)})")


def _build(args: argparse.Namespace) -> None:
    progress = None if args.quiet else build.progress_printer()
    result = build.build(_options(args), progress, replace=args.replace_output)
    _report(result.warnings)
    if not args.quiet:
        print(result.line())


def _serve(args: argparse.Namespace) -> None:
    import signal

    # Ctrl-C while the server's libraries load waits until they have: a KeyboardInterrupt raised
    # inside the import machinery's own callbacks would be printed and lost, not raised
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _: held.append(number))
    try:
        from dossier.commands.serve import DevServer, bind  # the server's libraries load only for this command
    finally:
        signal.signal(signal.SIGINT, previous)
    if held:
        raise KeyboardInterrupt

    sockets = bind(args.host, args.port)  # before any build: a busy port is said at once
    DevServer(args.root, args.host, args.port, sockets=sockets).serve(open_browser=args.open)


def _new(args: argparse.Namespace) -> None:
    from dossier.commands import scaffold

    request = scaffold.request_from(args.kind, args)
    try:
        path = scaffold.create(args.root, request)
    except ContentErrors as exc:
        raise ContentErrors(exc.diagnostics, "nothing written") from None
    print(path.relative_to(args.root).as_posix() if path.is_relative_to(args.root) else path)


def _import(args: argparse.Namespace) -> None:
    from dossier.commands import importer

    if args.force:  # it rewrote the article from scratch, losing the editor's fields
        raise UsageError("--force is gone", "import --update SEED replaces a changed seed's text and keeps the fields")
    outcome = importer.run(args.root, args.seeds, update=args.update, slug=args.slug, update_of=args.update_of)
    if not outcome.imported and not outcome.problems:
        print("nothing to import: every seed has an article")
    for result in outcome.imported:
        print(result.line())
    if outcome.problems:
        raise ContentErrors(outcome.problems)


def _init(args: argparse.Namespace) -> None:
    from dossier.commands import init

    started = init.run(args.dir, args.title, args.language, args.base_url)
    for line in started.lines(str(args.dir)):
        print(line)


def _reanchor(args: argparse.Namespace) -> None:
    from dossier.commands import reanchor

    outcome = reanchor.run(args.root, write=args.write)
    for line in outcome.lines():
        print(line)
    if outcome.problems:  # orphans are left: the build still fails
        raise ContentErrors(outcome.problems, outcome.summary())
    print(outcome.summary())


def _rename(args: argparse.Namespace) -> None:
    from dossier.commands import rename

    outcome = rename.run(args.root, args.kind, args.old, args.new)
    for line in outcome.lines():
        print(line)


def _ignore_signals() -> None:
    """Once stopping, a second Ctrl-C, SIGTERM or SIGHUP changes nothing (one line, no traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # nor does a stop that was waiting to be raised again


def _said(line: str) -> None:
    """The stop's one line on standard error, which may be gone (a terminal closed: EIO; a pipe
    whose reader left: EPIPE): then nothing is said, and nothing raised."""
    with contextlib.suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


def interrupted(argv: Sequence[str]) -> int:
    """Ctrl-C outside a command's own handling: one line; ``serve`` stops (0), anything else 130."""
    serving = "serve" in argv[:1]
    _said("stopped" if serving else "interrupted")
    return EXIT_OK if serving else 130


class Terminated(BaseException):
    """SIGTERM, or SIGHUP (the terminal closed), raised where the program is: it unwinds as Ctrl-C
    does (staging and spool folders removed, worker processes stopped), then the program says so
    and exits 128 + the signal's number: 143, 129."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signal.Signals(signum)


def _terminate(signum: int, frame: object) -> None:
    raise Terminated(signum)


STOP_LINES = {signal.SIGTERM: "terminated", signal.SIGHUP: "hung up"}  # the line each says, then 128 + its number

_pending: list[signal.Signals] = []


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """A stop raised where Python cannot raise it (a weakref callback, a ``__del__`` run by the
    garbage collector) is not lost, nor printed as a traceback: its signal is sent again a
    moment later, and acted on at the program's next step. Anything else is reported as Python does."""
    if unraisable.exc_type is KeyboardInterrupt:
        _pending.append(signal.SIGINT)
    elif isinstance(unraisable.exc_value, Terminated):
        _pending.append(unraisable.exc_value.signum)
    else:
        sys.__unraisablehook__(unraisable)
        return
    signal.setitimer(signal.ITIMER_REAL, 0.001)  # not from here: raised here, it would be lost again


def _send_pending(signum: int, frame: object) -> None:
    """The stop again, as a signal: one that comes while signals are held waits as they do."""
    if _pending:
        signal.raise_signal(_pending.pop())


def run() -> None:
    """The program: exits without tearing down the interpreter (freeing a large build's memory
    object by object takes longer than the process's end frees it at once)."""
    signal.signal(signal.SIGTERM, _terminate)
    if signal.getsignal(signal.SIGHUP) is not signal.SIG_IGN:  # started by nohup: a hang-up stops nothing
        signal.signal(signal.SIGHUP, _terminate)
    sys.unraisablehook = _unraisable
    signal.signal(signal.SIGALRM, _send_pending)
    try:
        code = main()
    except KeyboardInterrupt:
        _ignore_signals()
        code = interrupted(sys.argv[1:])
    except Terminated as stop:
        _ignore_signals()
        _said(STOP_LINES[stop.signum])
        code = 128 + stop.signum
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # the terminal may be gone
            stream.flush()
    os._exit(code)
