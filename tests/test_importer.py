from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from conftest import REPO, Run
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier import htmltext, importer, seeds
from dossier.markup import Markdown
from dossier.model import Origin, Topic

SEED = REPO / "seeds" / "000_d2c93f48316b947f.txt"
EXPECTED = Path(__file__).parent / "golden-import" / "content" / "articles"
MD = Markdown()


def rendered_paragraphs(markdown: str) -> list[str]:
    return [t for t in htmltext.block_texts(htmltext.build(MD.convert(markdown))) if t]


def seed_paragraphs(seed: seeds.Seed) -> list[str]:
    return [htmltext.normalize_space(p.text) for p in seed.paragraphs]


def test_rendered_text_equals_the_seed_text() -> None:
    seed, problems = seeds.parse("seeds/s.txt", SEED.read_bytes())
    assert problems == [] and seed is not None
    assert rendered_paragraphs(importer.to_markdown(seed)) == seed_paragraphs(seed)


SPECIAL = "*_`#<>&[]()!{}|\\-+=.:;~^1234567890 \n"
LINES = st.text(alphabet=st.sampled_from(list(SPECIAL) + list("abcdéÉ«»\"'")), min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES.filter(lambda s: s.strip()), min_size=1, max_size=5))
def test_any_wire_text_renders_to_itself(paragraphs: list[str]) -> None:
    raw = "date 2024\n" + "\n\n".join(p.strip("\n").replace("\n\n", "\n") for p in paragraphs)
    seed, problems = seeds.parse("s.txt", raw.encode())
    assert seed is not None, problems
    assert rendered_paragraphs(importer.to_markdown(seed)) == seed_paragraphs(seed)


def topic(slug: str, label: str, *keywords: str) -> Topic:
    return Topic(slug, label, "", Origin(f"content/topics/{slug}.md"), tuple(keywords))


def test_topic_suggestions_ignore_case_and_accents_with_word_boundaries() -> None:
    topics = [
        topic("irak", "Irak", "Bagdad", "irakien"),
        topic("etats-unis", "États-Unis", "Washington"),
        topic("iran", "Iran", "Téhéran"),
        topic("syrie", "Syrie"),
    ]
    text = "Les ETATS-UNIS et les forces irakiennes; TEHERAN observe. Bagdadi n'est pas Bagdad."
    assert importer.suggest_topics(text, topics) == ("etats-unis", "irak", "iran")
    assert importer.suggest_topics("irakiennes seulement", topics) == ()


def test_provisional_title_is_cut_at_a_word() -> None:
    assert importer.cut("un deux trois quatre", 12) == "un deux…"
    assert importer.first_sentence("Une phrase. Une autre.") == "Une phrase."
    assert importer.first_sentence("M. 3.5 millions de dollars. Fin.") == "M. 3.5 millions de dollars."


def fresh_tree(tmp_path: Path) -> Path:
    root = tmp_path / "fresh"
    (root / "content").mkdir(parents=True)
    shutil.copytree(REPO / "seeds", root / "seeds")
    shutil.copytree(REPO / "content" / "topics", root / "content" / "topics")
    shutil.copytree(REPO / "themes", root / "themes")
    shutil.copy(REPO / "site.yml", root / "site.yml")
    return root


def test_import_into_a_fresh_tree(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    result = run("import", "--root", root)
    assert result.code == 0, result.err
    [written] = sorted((root / "content" / "articles").glob("*.md"))
    assert result.out.startswith(f"content/articles/{written.name}: created from seeds/000_d2c93f48316b947f.txt")
    expected = EXPECTED / written.name
    assert written.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8")
    # a draft: built only with --drafts, and its text passes the provenance check
    assert run("check", "--root", root, "--drafts").code == 0
    assert run("build", "--root", root).code == 0
    assert not (root / "_site" / "articles" / written.stem).exists()
    assert run("build", "--root", root, "--drafts").code == 0
    page = (root / "_site" / "articles" / written.stem / "index.html").read_text(encoding="utf-8")
    assert "Texte d&#39;agence intégral" in page


def test_import_is_idempotent_and_never_overwrites(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    assert run("import", "--root", root).code == 0
    [written] = (root / "content" / "articles").glob("*.md")
    written.write_text(written.read_text().replace("draft: true", "draft: false"))
    edited = written.read_bytes()
    again = run("import", "--root", root)
    assert again.code == 0 and again.out == "nothing to import: every seed has an article\n"
    named = run("import", "--root", root, "000_d2c93f48316b947f.txt")
    assert "exists, not replaced" in named.out
    assert written.read_bytes() == edited
    forced = run("import", "--root", root, "seeds/000_d2c93f48316b947f.txt", "--force")
    assert "replaced from" in forced.out
    assert b"draft: true" in written.read_bytes()
    assert len(list((root / "content" / "articles").glob("*.md"))) == 1


def test_import_errors_name_the_file_and_line(tmp_path: Path, run: Callable[..., Run]) -> None:
    root = fresh_tree(tmp_path)
    (root / "seeds" / "sans-date.txt").write_text("\nUn texte sans date.\n")
    (root / "seeds" / "vide.txt").write_text("")
    (root / "seeds" / "latin1.txt").write_bytes("date 2024\nT\xe9h\xe9ran\n".encode("latin-1"))
    result = run("import", "--root", root)
    assert result.code == 1
    assert result.errors == [
        "seeds/latin1.txt:2: error: file is not UTF-8 (byte 0xe9 at offset 11) (hint: save the file as UTF-8)",
        "seeds/sans-date.txt:2: error: no date header (hint: the text must start with 'date YYYY-MM'"
        " (or YYYY, YYYY-MM-DD), before or on its first line)",
        "seeds/vide.txt:1: error: empty seed",
    ]
    assert not (root / "content" / "articles").exists()
    outside = run("import", "--root", root, "../x.txt")
    assert outside.errors == ["../x.txt: error: a seed path must be relative to the project, without '..'"]


def rendered_lines(markdown: str) -> list[list[str]]:
    """Each rendered paragraph's lines: its text cut at the ``<br>`` the page shows."""
    html = MD.convert(markdown)
    return [
        [htmltext.normalize_space(htmltext.build(piece).text) for piece in re.split(r"<br\s*/?>", paragraph)]
        for paragraph in re.findall(r"<p>(.*?)</p>", html, flags=re.DOTALL)
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES.filter(lambda s: s.strip()), min_size=1, max_size=5))
def test_the_wires_line_breaks_show_on_the_page(paragraphs: list[str]) -> None:
    raw = "date 2024\n" + "\n\n".join(p.strip("\n").replace("\n\n", "\n") for p in paragraphs)
    seed, problems = seeds.parse("s.txt", raw.encode())
    assert seed is not None, problems
    expected = [[htmltext.normalize_space(line) for line in p.text.split("\n")] for p in seed.paragraphs]
    assert rendered_lines(importer.to_markdown(seed)) == expected


def test_a_note_anchors_across_a_line_break_of_the_wire(tree: Callable[..., Path], run: Callable[..., Run]) -> None:
    root = tree({"seeds/ligne.txt": "date 2024-03-05\nBAGDAD, 5 mars (Reuters) -\nLes discussions reprennent\nce mardi.\n"})
    assert run("import", "--root", root, "seeds/ligne.txt").code == 0
    (article,) = (root / "content/articles").glob("les-discussions*.md")
    assert "Les discussions reprennent<br>\nce mardi." in article.read_text(encoding="utf-8")
    made = run("new", "annotation", "--root", root, "--article", article.stem, "--quote", "reprennent ce mardi")
    assert made.code == 0, made.err
    built = run("build", "--root", root, "--drafts", "--no-search")
    assert built.code == 0, built.err
    page = (root / "_site/articles" / article.stem / "index.html").read_text(encoding="utf-8")
    assert re.search(r"reprennent<br>\s*ce mardi", re.sub(r"<[^b/][^>]*>|</(?!p)[^>]*>", "", page))
