"""Commands, printing and exit codes: 0 ok, 1 content errors, 2 usage errors."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__, importer, pipeline
from .errors import ContentErrors, Diagnostic, DossierError, format_all, summary

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

    build = commands.add_parser(
        "build",
        help="build the site into the output folder (default)",
        description="Check everything, then write the site; the previous output stays if anything is wrong.",
    )
    common(build)
    build.add_argument("--out", type=Path, help="output folder (default: ROOT/_site)")
    build.add_argument("-q", "--quiet", action="store_true", help="print only problems")
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
        "templates/, seeds/ and site.yml, rebuild what changed and reload the open pages. "
        "A failed rebuild keeps the last good pages and shows the errors over them.",
    )
    serve.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    serve.add_argument("--open", action="store_true", help="open the site in a web browser")
    imp = commands.add_parser(
        "import",
        help="turn seeds into draft articles",
        description="Turn raw seeds into draft articles in content/articles/, text kept verbatim. "
        "Without SEED, every file of seeds/ that has no article yet.",
    )
    imp.add_argument("seeds", nargs="*", metavar="SEED", help="a seed file (path, or name in seeds/)")
    imp.add_argument("--root", type=Path, default=Path("."), help="the project folder (default: .)")
    imp.add_argument("--force", action="store_true", help="replace the article of a seed that already has one")
    return parser


def _report(diagnostics: Sequence[Diagnostic]) -> None:
    for line in format_all(diagnostics):
        print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help", "--version")):
        args_list.insert(0, "build")
    args = _parser().parse_args(args_list)
    if args.command == "import":
        return _import(args.root, args.seeds, args.force)
    if args.command == "serve":
        from .server import DevServer  # the server's libraries load only for this command

        return DevServer(args.root, args.host, args.port).serve(open_browser=args.open)
    options = pipeline.Options(
        root=args.root, out=getattr(args, "out", None), base_url=args.base_url, drafts=args.drafts
    )
    try:
        if args.command == "check":
            warnings = pipeline.check(options)
            _report(warnings)
            print(f"ok: no errors ({summary(warnings)})")
        else:
            result = pipeline.build(options, progress=None if args.quiet else pipeline.progress_printer())
            _report(result.warnings)
            if not args.quiet:
                print(result.line())
    except ContentErrors as exc:
        _report(exc.diagnostics)
        print(summary(exc.diagnostics), file=sys.stderr)
        return EXIT_CONTENT
    except DossierError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    return EXIT_OK


def _import(root: Path, seeds: Sequence[str], force: bool) -> int:
    try:
        results = importer.run(root, seeds, force=force)
    except ContentErrors as exc:
        _report(exc.diagnostics)
        print(summary(exc.diagnostics), file=sys.stderr)
        return EXIT_CONTENT
    except DossierError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    if not results:
        print("nothing to import: every seed has an article")
    for result in results:
        if result.action == "unchanged":
            print(f"{result.path}: exists, not replaced (from {result.seed}; use --force to replace it)")
        else:
            print(f"{result.path}: {result.action} from {result.seed} (a draft: check its title, summary and topics)")
    return EXIT_OK


def run() -> None:
    sys.exit(main())
