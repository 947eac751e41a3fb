"""Python values through a pipe between a process and the children it forked."""

from __future__ import annotations

import os

from dossier.incremental import pipes


def test_values_of_any_size_come_through_whole_then_the_end_is_seen() -> None:
    read, write = os.pipe()
    values = [("États-Unis", 1), b"x" * 3_000_000, {"pages": list(range(10_000))}]  # larger than a pipe's buffer
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            for value in values:
                pipes.send(write, value)
        finally:
            os._exit(0)
    os.close(write)
    try:
        assert [pipes.receive(read) for _ in values] == [(True, value) for value in values]
        assert pipes.receive(read) == (False, None)
    finally:
        os.close(read)
        os.waitpid(pid, 0)


def test_a_value_cut_short_is_no_value() -> None:
    read, write = os.pipe()
    os.write(write, (100).to_bytes(8, "little") + b"only part")
    os.close(write)
    assert pipes.receive(read) == (False, None)
    os.close(read)
