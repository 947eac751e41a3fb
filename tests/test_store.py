from __future__ import annotations

import copyreg
import dataclasses
import errno
import functools
import importlib
import os
import pickle
import pickletools
import shutil
import signal
import subprocess
import sys
import threading
import types
import zlib
from collections.abc import Callable
from enum import Enum
from importlib import metadata
from pathlib import Path, PurePath
from typing import Any

import pytest
from conftest import REPO, SITE_YML, TOPIC, with_theme, write_tree

from bench.generate import generate
from dossier.commands import build
from dossier.errors import Severity
from dossier.incremental import journal, resume, store
from dossier.model import Article, PartialDate
from dossier.options import Options
from dossier.source.content import KIND_BY_FOLDER
from dossier.source.loader import FileCache


def test_versions_are_the_installed_ones() -> None:
    found = store.versions(store.LIBRARIES)
    assert found == {name: metadata.version(name) for name in store.LIBRARIES}
    assert store.versions(("no-such-distribution",)) == {"no-such-distribution": "-"}


def test_a_version_is_read_where_python_would_import_it_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "Some_Library-2.0.dist-info").mkdir(parents=True)
    (second / "some_library-1.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(first), str(second)])
    assert store.versions(("some-library",)) == {"some-library": "2.0"}
    monkeypatch.setattr(sys, "path", [str(second), str(first)])
    assert store.versions(("some.library",)) == {"some.library": "1.0"}


def test_the_engine_key_changes_with_a_library_version(monkeypatch: pytest.MonkeyPatch) -> None:
    key = store.engine_key()
    assert store.engine_key() == key
    real = store.versions
    monkeypatch.setattr(store, "versions", lambda names: {**real(names), "jinja2": "0.0"})
    assert store.engine_key() != key


# --- A cache file is data, never code -------------------------------------------------------

KEY = b"k" * 32


def _framed(payload: bytes, key: bytes = KEY, magic: bytes = store.MAGIC) -> bytes:
    """A cache file whose header is right (magic, key, length, CRC-32): only the payload can refuse it."""
    return store.HEADER.pack(magic, key, len(payload), zlib.crc32(payload)) + payload


class _Call:
    """Pickles as a call of ``function(*args)``: what a planted file would carry."""

    def __init__(self, function: Callable[..., object], *args: object) -> None:
        self.function, self.args = function, args

    def __reduce__(self) -> tuple[object, ...]:
        return self.function, self.args


def _unicode(text: str) -> bytes:
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data  # SHORT_BINUNICODE


def _attacks(marker: Path) -> dict[str, bytes]:
    """Payloads that create ``marker`` when unpickled by a plain ``pickle.loads``."""
    touch = f"touch '{marker}'"
    write = f"open({str(marker)!r}, 'w').close()"
    call: Any = _Call(os.system, touch)
    deep = resume.Unchanged((), {}, (call,))  # allowed classes, then a call
    return {
        "os.system": pickle.dumps(_Call(os.system, touch)),
        "builtins.exec": pickle.dumps(_Call(exec, write)),
        "builtins.eval": pickle.dumps(_Call(eval, f"__import__('os').system({touch!r})")),
        "subprocess.call": pickle.dumps(_Call(subprocess.call, ["touch", str(marker)])),
        "functools.partial": pickle.dumps(_Call(functools.partial(os.system, touch))),
        "inside allowed classes": pickle.dumps(deep),
        "protocol 0 GLOBAL": f"cos\nsystem\n(V{touch}\ntR.".encode(),
        "protocol 0 INST": f"(V{touch}\nios\nsystem\n.".encode(),
        "a dotted name through an allowed module": b"\x80\x04"
        + _unicode("dossier.incremental.store")
        + _unicode("os.system")
        + b"\x93"  # STACK_GLOBAL
        + _unicode(touch)
        + b"\x85R.",  # TUPLE1 REDUCE STOP
    }


def _runs_as_pickle_not_as_cache(tmp_path: Path, payload: bytes, marker: Path) -> None:
    """``payload`` really runs code when unpickled as a pickle, and nothing when read as a cache."""
    pickle.loads(payload)
    assert marker.exists()
    marker.unlink()
    where = tmp_path / "cache.pickle"
    where.write_bytes(_framed(payload))
    assert store.load(where, KEY) is None
    assert not marker.exists()


@pytest.mark.parametrize("attack", list(_attacks(Path("x"))))
def test_a_planted_cache_file_runs_nothing(tmp_path: Path, attack: str) -> None:
    marker = tmp_path / "marker"
    payload = _attacks(marker)[attack]
    _runs_as_pickle_not_as_cache(tmp_path, payload, marker)


def test_a_function_of_the_project_is_refused(tmp_path: Path) -> None:
    where = tmp_path / "cache.pickle"
    for function in (store.save, store.load, importlib.import_module):
        where.write_bytes(_framed(pickle.dumps(_Call(function, "x"))))
        assert store.load(where, KEY) is None
    with pytest.raises(store.Refused):
        store.allowed("dossier.model", "Article.__init__")


def test_extension_codes_are_refused(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    payload = b"\x80\x02\x82\xf0" + _unicode(f"touch '{marker}'")[0:0] + b"X"  # EXT1 0xf0, then a str
    text = f"touch '{marker}'".encode()
    payload += len(text).to_bytes(4, "little") + text + b"\x85R."  # BINUNICODE, TUPLE1 REDUCE STOP
    copyreg.add_extension("os", "system", 0xF0)
    try:
        _runs_as_pickle_not_as_cache(tmp_path, payload, marker)
    finally:
        copyreg.remove_extension("os", "system", 0xF0)
        copyreg.clear_extension_cache()


def _build_on(target: bytes, state: object) -> bytes:
    """A payload that sets attributes (BUILD opcode) on ``target``, an object it names or makes."""
    return target + pickle.dumps(state, protocol=0)[:-1] + b"b."


@pytest.mark.parametrize(
    ("payload", "check"),
    [
        (  # a class named by the file: its methods replaced (slot state: setattr on the class)
            _build_on(b"cdossier.model\nArticle\n", (None, {"__eq__": None, "added": 1})),
            lambda: "added" not in vars(Article) and Article.__eq__ is not None,
        ),
        (  # an enum member made by the file is the process's own: its value changed
            _build_on(b"cdossier.errors\nSeverity\n(Verror\ntR", {"_value_": "warning"}),
            lambda: Severity.ERROR.value == "error",
        ),
        (  # a content kind
            _build_on(b"cdossier.store\nKindNamed\n(Varticles\ntR", {"folder": "elsewhere"}),
            lambda: KIND_BY_FOLDER["articles"].folder == "articles",
        ),
    ],
    ids=["class", "enum member", "content kind"],
)
def test_a_load_that_changes_shared_objects_is_undone(
    tmp_path: Path, payload: bytes, check: Callable[[], bool]
) -> None:
    where = tmp_path / "cache.pickle"
    where.write_bytes(_framed(payload))
    assert store.load(where, KEY) is None
    assert check()


def test_the_file_is_checked_whole_before_it_is_decoded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[object] = []
    real = store._Unpickler.load

    def load(self: store._Unpickler) -> Any:
        decoded.append(self)
        return real(self)

    monkeypatch.setattr(store._Unpickler, "load", load)
    where = tmp_path / "cache.pickle"
    payload = pickle.dumps({"a": [1, 2, 3]}, protocol=pickle.HIGHEST_PROTOCOL)
    good = _framed(payload)
    where.write_bytes(good)
    assert store.load(where, KEY) == {"a": [1, 2, 3]} and len(decoded) == 1
    old = store.HEADER.pack(b"DOSSIER\x01", KEY, len(payload), zlib.crc32(payload)) + payload
    middle = len(good) - 5
    damaged = {
        "the old format": old,
        "another engine": _framed(payload, key=b"x" * 32),
        "truncated": good[:-3],
        "longer": good + b".",
        "a byte flipped": good[:middle] + bytes([good[middle] ^ 1]) + good[middle + 1 :],
        "a header only": good[: store.HEADER.size],
        "shorter than a header": good[:10],
        "empty": b"",
    }
    for name, data in damaged.items():
        where.write_bytes(data)
        assert store.load(where, KEY) is None, name
    assert len(decoded) == 1


def test_every_allowed_name_is_a_plain_data_class() -> None:
    """Nothing in the allowlist is a function, and no allowed class runs code of its own when a
    load makes or fills it: no ``__setstate__``, ``__reduce__``, ``__del__``, ``__getattr__``, and
    ``__new__``/``__setattr__``/``__init__`` only as Python, dataclasses, enums, tuples and
    pathlib make them (reviewed: the path's ``__new__`` parses its parts; ``KindNamed`` looks a
    kind up)."""
    risky = {"__setstate__", "__reduce__", "__reduce_ex__", "__del__", "__getattr__", "__getattribute__",
             "__setattr__", "__delattr__", "__new__", "__init__", "__post_init__", "__set_name__",
             "__init_subclass__", "__class_getitem__", "__getnewargs__", "__getnewargs_ex__"}  # fmt: skip
    pairs = [
        (Enum, "__new__"),
        (Enum, "__reduce_ex__"),
        (Enum, "__init__"),
        (Enum, "__init_subclass__"),
        (PurePath, "__new__"),
        (PurePath, "__reduce__"),
        (Path, "__new__"),
        (store.KindNamed, "__new__"),
        (FileCache, "__init__"),
        (PartialDate, "__post_init__"),
        # PartialDate: checks its parts, raises
    ]

    def code(owner: type, method: str) -> int:  # the function itself, out of its staticmethod
        return id(getattr(vars(owner)[method], "__func__", vars(owner)[method]))

    reviewed = {code(owner, method) for owner, method in pairs if method in vars(owner)}
    for module, name in sorted(store.ALLOWED):
        found = store.allowed(module, name)
        assert isinstance(found, type) and not isinstance(found, types.FunctionType), (module, name)
        for owner in found.__mro__:
            if owner in (object, tuple, str, int):
                continue
            for method in risky & set(vars(owner)):
                if code(owner, method) in reviewed:
                    continue
                params = getattr(owner, "__dataclass_params__", None)
                generated = params is not None and method in ("__init__", "__setattr__", "__delattr__")
                namedtuple = method in ("__new__", "__getnewargs__") and hasattr(owner, "_fields")
                assert generated or namedtuple, f"{module}.{name}: {owner.__qualname__}.{method} needs a review"
                if generated and method != "__init__":
                    assert params is not None and params.frozen, (module, name)  # frozen: __setattr__ only raises


def _globals(data: bytes) -> set[tuple[str, str]]:
    """The globals a pickle names (GLOBAL, INST, STACK_GLOBAL), read with pickletools, never run."""
    found: set[tuple[str, str]] = set()
    memo: dict[int, object] = {}
    recent: list[object] = []  # what the last opcodes pushed (strings as themselves)
    for opcode, arg, _ in pickletools.genops(data):
        name = opcode.name
        if name in ("SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"):
            recent.append(arg)
        elif name == "MEMOIZE":
            memo[len(memo)] = recent[-1] if recent else None
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[int(arg)] = recent[-1] if recent else None  # type: ignore[arg-type]
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            recent.append(memo.get(int(arg)))  # type: ignore[arg-type]
        elif name == "STACK_GLOBAL":
            found.add((str(recent[-2]), str(recent[-1])))
            recent.append(None)
        elif name in ("GLOBAL", "INST"):
            module, _, attribute = str(arg).partition(" ")
            found.add((module, attribute))
            recent.append(None)
        else:
            assert not name.startswith("EXT") and "PERSID" not in name and "BUFFER" not in name, name
            recent.append(None)
        del recent[:-2]
    return found


def _cache_globals(root: Path) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    files = [p for p in (root / store.FOLDER).iterdir() if p.suffix in (".pickle", ".quick", ".journal")]
    assert {p.suffix for p in files} >= {".pickle", ".quick"}
    for path in files:
        found |= _globals(path.read_bytes()[store.HEADER.size :])
    return found


def _cold_and_resumed(root: Path, monkeypatch: pytest.MonkeyPatch) -> set[tuple[str, str]]:
    """Every global the cache files of a cold build, then of resumed builds (journal, new base), name."""
    out = root.parent / f"{root.name}-site"
    build.build(Options(root=root, out=out, search=False, cache=True))
    found = _cache_globals(root)
    topic = sorted((root / "content" / "topics").glob("*.md"))[0]
    for share, text in ((1.0, "Une phrase de plus."), (0.0, "Et <script>alert(1)</script> une autre.")):
        monkeypatch.setattr(journal, "MAX_SHARE", share)
        topic.write_text(topic.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")
        build.build(Options(root=root, out=out, search=False, cache=True))
        found |= _cache_globals(root)
    return found


def test_a_real_cache_names_only_allowed_classes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    for name in ("site.yml", "content", "seeds", "themes"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, shipped / name)
        elif source.exists():
            shutil.copy(source, shipped / name)
    generated = tmp_path / "generated"
    generate(generated, articles=12, notes_per_article=2, events=5, topic_count=4)
    with (generated / "site.yml").open("a", encoding="utf-8") as settings:  # every kind of setting in the cache
        settings.write("publisher: {name: Le Quotidien, url: https://lequotidien.example/}\n")
    for root in (shipped, generated):
        found = _cold_and_resumed(root, monkeypatch)
        assert found <= store.ALLOWED, sorted(found - store.ALLOWED)
        assert ("dossier.incremental.resume", "Saved") in found and ("dossier.incremental.resume", "Unchanged") in found
    assert ("dossier.errors", "Diagnostic") in found and ("dossier.incremental.resume", "Journal") in found


# -- what a save leaves when it is stopped or fails ------------------------------------------


def _temporaries(folder: Path) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


@pytest.mark.parametrize("stop", [KeyboardInterrupt, SystemExit], ids=["ctrl-c", "another-stop"])
def test_a_save_stopped_midway_leaves_the_previous_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    path = tmp_path / "cache" / "x.pickle"
    store.save(path, KEY, ["before"])
    writes: list[int] = []
    real = store._Counted.write

    def write(self: store._Counted, data: bytes) -> int:
        writes.append(len(data))
        if len(writes) == 2:  # some bytes are in the temporary file already
            raise stop
        return real(self, data)

    monkeypatch.setattr(store._Counted, "write", write)
    with pytest.raises(stop):
        store.save(path, KEY, [f"after {i}" for i in range(100_000)])
    assert _temporaries(path.parent) == []
    assert store.load(path, KEY) == ["before"]


def test_a_save_that_cannot_write_raises_for_its_caller_to_say(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be")
    with pytest.raises(OSError):
        store.save(tmp_path / "cache" / "x.pickle", KEY, ["value"])


def test_a_full_disk_during_a_save_raises_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.pickle"

    def write(self: store._Counted, data: bytes) -> int:
        self.file.write(data[:10])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(store._Counted, "write", write)
    with pytest.raises(OSError, match="No space left"):
        store.save(path, KEY, ["value"])
    assert os.listdir(tmp_path) == []


def test_the_temporary_files_of_dead_processes_are_removed_by_the_next_save(tmp_path: Path) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as running:
        try:
            files = {
                f".abc.pickle.{dead}.tmp": "left by a killed build",
                f".abc.quick.{dead}.tmp": "left by a killed build",
                f".abc.pickle.{running.pid}.tmp": "being written by a running process",
                "notes.tmp": "not ours",
                f"abc.pickle.{dead}.tmp": "not named as a save names it",
                f".abc.pickle.{dead}.tmp.keep": "not named as a save names it",
            }
            for name, text in files.items():
                (tmp_path / name).write_text(text)
            store.save(tmp_path / "abc.pickle", KEY, ["value"])
            left = sorted(os.listdir(tmp_path))
        finally:
            running.kill()
    assert left == sorted(
        [
            "abc.pickle",
            f".abc.pickle.{running.pid}.tmp",
            "notes.tmp",
            f"abc.pickle.{dead}.tmp",
            f".abc.pickle.{dead}.tmp.keep",
        ]
    )


def test_a_cache_that_cannot_be_written_is_a_warning_of_the_build(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "project", {"site.yml": SITE_YML, "content/topics/irak.md": TOPIC})
    with_theme(root)
    (root / ".dossier-cache").mkdir()
    (root / ".dossier-cache" / "build").write_text("a file where the cache's folder should be")
    env = {**os.environ, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    done = subprocess.run(
        [sys.executable, str(REPO / "build.py"), "build", "-q"], cwd=root, env=env, capture_output=True, text=True
    )
    assert (done.returncode, done.stderr) == (
        0,
        ".dossier-cache: warning: the build cache was not written: File exists"
        " (hint: the next build starts from scratch; check that folder)\n",
    )
    assert (root / "_site" / "index.html").is_file()


def test_a_stop_while_the_cache_is_saved_says_the_site_is_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    root = write_tree(tmp_path / "project", {"site.yml": SITE_YML, "content/topics/irak.md": TOPIC})
    with_theme(root)
    monkeypatch.chdir(root)
    options = Options(root=Path("."), out=Path("_site"), search=False, cache=True)
    build.build(options)
    (root / "content" / "topics" / "irak.md").write_text(TOPIC + "\nUne phrase de plus.\n", encoding="utf-8")
    real = store._Counted.write

    def write(self: store._Counted, data: bytes) -> int:
        real(self, data)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # Ctrl-C, to this thread: acted on at once
        return len(data)

    monkeypatch.setattr(store._Counted, "write", write)
    capsys.readouterr()
    with pytest.raises(KeyboardInterrupt):
        build.build(options)
    assert capsys.readouterr().err == (
        "the new site is in place in _site/; stopped while the build cache was saved (the next build does more work)\n"
    )
    assert "Une phrase de plus." in (root / "_site" / "topics" / "irak" / "index.html").read_text(encoding="utf-8")
    assert _temporaries(root / store.FOLDER) == []
    monkeypatch.setattr(store._Counted, "write", real)
    again = tmp_path / "clean"
    build.build(options)
    build.build(dataclasses.replace(options, out=again, cache=False))
    assert _site(root / "_site") == _site(again)


def _site(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
