from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, Run

from dossier.link import provenance
from dossier.model import Article, EarlierSeed, Origin, frozen_map
from dossier.source import seeds

ARTICLE = "content/articles/irak-fin-de-la-coalition.md"
SEED = "seeds/000_d2c93f48316b947f.txt"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    for name in ("content", "themes", "seeds"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "site.yml", root / "site.yml")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def article_line(root: Path, needle: str) -> int:
    lines = (root / ARTICLE).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_shipped_article_carries_its_seed(tmp_path: Path, run: Callable[..., Run]) -> None:
    assert run("check", "--root", project(tmp_path)).code == 0


def test_a_changed_word_in_the_article(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = project(tmp_path)
    edit(root / ARTICLE, "ont entamé en janvier", "ont entamé en février")
    result = run("check", "--root", root)
    assert result.code == 1
    line = article_line(root, "ont entamé en février")
    assert result.errors == [
        f"{ARTICLE}:{line}: error: paragraph 2 differs from its seed ({SEED}:3)"
        ' (hint: article: "Bagdad ont entamé en février des discussions pour" /'
        ' seed: "Bagdad ont entamé en janvier des discussions pour")'
    ]


def test_a_changed_word_in_the_seed(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = project(tmp_path)
    edit(root / SEED, "900 en Syrie", "950 en Syrie")
    result = run("build", "--root", root)
    assert result.code == 1
    line = article_line(root, "900 en Syrie")
    assert result.errors[0].startswith(f"{ARTICLE}:7: error: the seed {SEED} has changed since it was imported")
    assert result.errors[1].startswith(f"{ARTICLE}:{line}: error: paragraph 10 differs from its seed ({SEED}:19)")
    assert not (root / "_site").exists()


def test_a_missing_paragraph_and_a_bad_seed_path(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = project(tmp_path)
    text = (root / ARTICLE).read_text(encoding="utf-8")
    (root / ARTICLE).write_text(text.rstrip("\n").rsplit("\n\n", 1)[0] + "\n", encoding="utf-8")
    result = run("check", "--root", root)
    assert [e.split(" (hint")[0] for e in result.errors] == [
        f"{ARTICLE}:{article_line(root, 'Haider al-Abadi')}: error:"
        f" paragraph 12 of the seed is missing from the article ({SEED}:23)"
    ]
    edit(root / ARTICLE, f"seed: {SEED}", "seed: ../../etc/passwd")
    result = run("check", "--root", root)
    assert result.errors == [
        f"{ARTICLE}:6: error: seed '../../etc/passwd': a seed path must be relative to the project, without '..'"
    ]


def seed(text: str, path: str = "seeds/s.txt") -> seeds.Seed:
    parsed, problems = seeds.parse(path, text.encode())
    assert parsed is not None, problems
    return parsed


def article(earlier: tuple[EarlierSeed, ...], current: str = "seeds/v2.txt") -> Article:
    origin = Origin("content/articles/a.md", frozen_map({"seed": 5, "earlier_seeds": 7}))
    return Article("a", "A", seed("date 2024\nA.\n").date, "A.", origin, seed=current, earlier_seeds=earlier)


def test_an_earlier_seed_whose_bytes_changed_is_an_error_at_the_list() -> None:
    v1 = seed("date 2024\nUn.\n", "seeds/v1.txt")
    fine = article((EarlierSeed("seeds/v1.txt", v1.sha256),))
    assert provenance.check_earlier(fine, {"seeds/v1.txt": v1}) == []
    [changed] = provenance.check_earlier(article((EarlierSeed("seeds/v1.txt", "0" * 64),)), {"seeds/v1.txt": v1})
    assert changed.format().startswith(
        "content/articles/a.md:7: error: the earlier seed seeds/v1.txt has changed since the article was updated"
    )
    assert "restore the file" in changed.format()
    twice = article((EarlierSeed("seeds/v2.txt", v1.sha256), EarlierSeed("seeds/v1.txt", v1.sha256)) * 2)
    messages = [d.message for d in provenance.check_earlier(twice, {"seeds/v1.txt": v1})]
    assert messages == [
        "earlier seed seeds/v2.txt is the article's current seed",
        "earlier seed seeds/v2.txt is the article's current seed",
        "earlier seed seeds/v1.txt is listed twice",
    ]
