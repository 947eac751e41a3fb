"""A deterministic generator of realistic French dossiers, for benchmarks and tests.

    python bench/generate.py OUT --articles 5000 [--notes-per-article 3] [--events N]
                             [--topics 60] [--seed 0] [--articles-only] [--pelican DIR] [--hugo DIR]

Articles have 600-900 words of French prose with emphasis, links, quotes, lists and accented
text; notes are anchored to real passages (each quote occurs once in its article); events
(a tenth of the articles by default) include spans. ``--articles-only`` writes the same
articles without notes and events; ``--pelican`` and ``--hugo`` write the same articles
(same text, same tags) in those tools' formats for the comparison.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

SUBJECTS = [
    "Le gouvernement",
    "La commission",
    "Le ministre de l'Intérieur",
    "La présidente du Sénat",
    "L'opposition",
    "Le porte-parole de l'armée",
    "Un haut responsable européen",
    "La délégation irakienne",
    "Les négociateurs",
    "Le Premier ministre",
    "La Banque centrale",
    "Les syndicats",
    "Un diplomate français",
    "Les autorités régionales",
    "L'état-major",
    "Le parquet",
    "La société civile",
    "Les observateurs de l'ONU",
]
VERBS = [
    "a annoncé",
    "a démenti",
    "a confirmé",
    "a réclamé",
    "a dénoncé",
    "a présenté",
    "a reporté",
    "a évoqué",
    "a rejeté",
    "a négocié",
    "a promis",
    "a détaillé",
    "a reconnu",
    "a salué",
    "a critiqué",
    "a suspendu",
]
OBJECTS = [
    "un accord de sécurité",
    "la réforme des retraites",
    "un cessez-le-feu fragile",
    "le retrait des troupes",
    "une enquête indépendante",
    "le budget de la défense",
    "un plan d'aide humanitaire",
    "la révision du traité",
    "des élections anticipées",
    "la levée des sanctions",
    "un nouveau calendrier",
    "la création d'une commission",
    "le renforcement des contrôles",
    "une hausse des prix de l'énergie",
    "la libération des otages",
]
PLACES = [
    "à Bagdad",
    "à Paris",
    "à Genève",
    "à Bruxelles",
    "à Washington",
    "à Téhéran",
    "à Erbil",
    "à Mossoul",
    "à Ankara",
    "à Beyrouth",
    "à Damas",
    "au Caire",
    "à Amman",
    "à Kirkouk",
    "à Bassora",
    "à Strasbourg",
]
CONNECTORS = [
    "selon plusieurs sources concordantes",
    "d'après un communiqué publié dans la soirée",
    "sous le couvert de l'anonymat",
    "au terme de longues discussions",
    "malgré les réserves exprimées",
    "en dépit des critiques",
    "à la surprise générale",
    "après des semaines de tension",
]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre"]
MONTHS += ["novembre", "décembre"]
TOPIC_WORDS = [
    "Énergie",
    "Élections",
    "Défense",
    "Diplomatie",
    "Économie",
    "Santé publique",
    "Éducation",
    "Justice",
    "Migrations",
    "Climat",
    "Agriculture",
    "Sécurité",
    "Droits humains",
    "Pétrole",
    "Réfugiés",
    "Terrorisme",
    "Médias",
    "Parlement",
    "Armée",
    "Kurdistan",
    "Irak",
    "Syrie",
    "Iran",
    "Turquie",
    "Liban",
    "Jordanie",
    "États-Unis",
    "Union européenne",
    "Nations unies",
    "Otan",
    "Russie",
    "Chine",
    "Golfe",
    "Eau",
    "Corruption",
    "Religion",
    "Tribus",
    "Reconstruction",
    "Frontières",
    "Commerce",
    "Finances publiques",
    "Transports",
    "Télécommunications",
    "Patrimoine",
    "Archéologie",
    "Culture",
    "Sport",
    "Jeunesse",
    "Femmes",
    "Minorités",
    "Chrétiens d'Orient",
    "Yézidis",
    "Chiites",
    "Sunnites",
    "Milices",
    "Police",
    "Prisons",
    "Mines",
    "Déminage",
    "Cybersécurité",
    "Espace",
    "Nucléaire",
]
KINDS = ["contexte", "définition", "chiffre", "vérification", "correction"]


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    date: str
    topics: tuple[str, ...]
    body: str
    passages: tuple[str, ...]  # plain passages that occur exactly once in the article


def slugify(text: str) -> str:
    table = str.maketrans("àâäéèêëîïôöùûüçÉÈÊÀÂÎÔÛÇ'\u2019 ", "aaaeeeeiioouuucEEEAAIOUC---")
    cleaned = "".join(c for c in text.translate(table).lower() if c.isalnum() or c == "-")
    return "-".join(p for p in cleaned.split("-") if p)


def topics(count: int) -> list[tuple[str, str]]:
    labels = TOPIC_WORDS[:count] + [f"Dossier {i}" for i in range(max(0, count - len(TOPIC_WORDS)))]
    return [(slugify(label), label) for label in labels]


class Writer:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def sentence(self, tag: int) -> str:
        r = self.rng
        day = r.randint(1, 28)
        figure = f"{r.randint(2, 98)} {r.randint(100, 999)}"
        return (
            f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(PLACES)} {r.choice(OBJECTS)}, "
            f"{r.choice(CONNECTORS)}, le {day} {r.choice(MONTHS)}, évoquant {figure} personnes concernées "
            f"et une échéance numéro {tag}."
        )

    def article(self, index: int, all_topics: list[tuple[str, str]]) -> Article:
        r = self.rng
        words = r.randint(600, 900)
        paragraphs: list[str] = []
        plain: list[str] = []
        count = 0
        tag = index * 1000
        while count < words:
            kind = r.random()
            sentences = [self.sentence(tag + i) for i in range(r.randint(2, 4))]
            tag += 10
            if kind < 0.1:
                items = [s.rstrip(".") for s in sentences]
                paragraphs.append("\n".join(f"- {item} ;" for item in items))
            elif kind < 0.2:
                paragraphs.append("> « " + " ".join(sentences) + " »")
            elif kind < 0.35:
                first, *rest = sentences
                head, tail = first.split(" ", 1)
                paragraphs.append(
                    f"*{head}* {tail} " + " ".join(rest) + " Voir [le communiqué](https://example.org/c)."
                )
            else:
                paragraphs.append(" ".join(sentences))
                plain.extend(sentences)
            count += sum(len(s.split()) for s in sentences)
        while len(plain) < 8:  # enough plain sentences to anchor notes in
            sentences = [self.sentence(tag + i) for i in range(2)]
            tag += 10
            paragraphs.append(" ".join(sentences))
            plain.extend(sentences)
        body = "\n\n".join(paragraphs) + "\n"
        rendered = " ".join(re.sub(r"\]\([^)]*\)|[*\[>«»]|^- ", "", body, flags=re.M).split())
        passages = []
        for sentence in r.sample(plain, min(len(plain), 24)):
            words_of = sentence.split(" ")
            start = r.randint(0, max(len(words_of) - 8, 0))
            passage = " ".join(words_of[start : start + r.randint(5, 8)]).strip(",.")
            if rendered.count(passage) == 1 and passage not in passages:
                passages.append(passage)
        year = 2000 + index % 25
        date = f"{year}-{1 + index % 12:02d}-{1 + index % 28:02d}"
        chosen = tuple(sorted({s for s, _ in r.sample(all_topics, 3)}))
        title = f"{r.choice(SUBJECTS)} {r.choice(VERBS)} {r.choice(OBJECTS)} ({index})"
        return Article(f"article-{index:05d}", title, date, chosen, body, tuple(passages))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_dossier(out: Path, articles: list[Article], all_topics: list[tuple[str, str]], writer: Writer,
                  notes_per_article: int, events: int) -> None:  # fmt: skip
    content = out / "content"
    for folder in ("articles", "annotations", "timeline", "topics", "pages"):
        (content / folder).mkdir(parents=True, exist_ok=True)
    (out / "site.yml").write_text('title: "Dossier de banc d\'essai"\nlanguage: fr\nbase_url: /\n', encoding="utf-8")
    for slug, label in all_topics:
        intro = f"Les articles, notes et événements sur le thème « {label} »."
        (content / "topics" / f"{slug}.md").write_text(
            f"---\nlabel: {_quoted(label)}\n---\n{intro}\n", encoding="utf-8"
        )
    (content / "pages" / "a-propos.md").write_text("---\ntitle: À propos\n---\nUn dossier généré.\n", encoding="utf-8")
    r = writer.rng
    for article in articles:
        front = (
            f"---\ntitle: {_quoted(article.title)}\ndate: {article.date}\ntopics: [{', '.join(article.topics)}]\n"
            f"source: Agence\nsummary: {_quoted(article.title + '.')}\n---\n"
        )
        (content / "articles" / f"{article.slug}.md").write_text(front + article.body, encoding="utf-8")
        for number, passage in enumerate(article.passages[:notes_per_article]):
            topic = r.choice(article.topics)
            note = (
                f"---\narticle: {article.slug}\nquote: {_quoted(passage)}\nkind: {r.choice(KINDS)}\n"
                f"topics: [{topic}]\n---\n{writer.sentence(number)} Voir *aussi* les archives.\n"
            )
            (content / "annotations" / f"{article.slug}-{number}.md").write_text(note, encoding="utf-8")
    for index in range(events):
        year = 2000 + index % 25
        span = index % 7 == 0
        end = f"end: {year + 1 + index % 3}\n" if span else ""
        cited = articles[(index * 37) % len(articles)].slug if articles else ""
        event = (
            f"---\ntitle: {_quoted('Événement ' + str(index) + ' : ' + r.choice(OBJECTS))}\n"
            f"date: {year}-{1 + index % 12:02d}\n{end}topics: [{r.choice(all_topics)[0]}]\n"
            f"articles: [{cited}]\n---\n{writer.sentence(index)}\n"
        )
        (content / "timeline" / f"evenement-{index:05d}.md").write_text(event, encoding="utf-8")


def write_pelican(out: Path, articles: list[Article], labels: dict[str, str]) -> None:
    (out / "content").mkdir(parents=True, exist_ok=True)
    for a in articles:
        tags = ", ".join(labels[t] for t in a.topics)
        head = f"Title: {a.title}\nDate: {a.date}\nTags: {tags}\nSlug: {a.slug}\nSummary: {a.title}.\n\n"
        (out / "content" / f"{a.slug}.md").write_text(head + a.body, encoding="utf-8")
    (out / "pelicanconf.py").write_text(
        'AUTHOR = "Bench"\nSITENAME = "Dossier"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "Europe/Paris"\n'
        'DEFAULT_LANG = "fr"\nFEED_ALL_ATOM = "feeds/all.atom.xml"\nDEFAULT_PAGINATION = False\n'
        "RELATIVE_URLS = True\n",
        encoding="utf-8",
    )


def write_hugo(out: Path, articles: list[Article], labels: dict[str, str]) -> None:
    posts = out / "content" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    for a in articles:
        tags = ", ".join(_quoted(labels[t]) for t in a.topics)
        head = f"---\ntitle: {_quoted(a.title)}\ndate: {a.date}\ntags: [{tags}]\nslug: {a.slug}\n---\n"
        (posts / f"{a.slug}.md").write_text(head + a.body, encoding="utf-8")
    (out / "hugo.toml").write_text(
        "baseURL = 'https://example.org/'\nlanguageCode = 'fr'\ntitle = 'Dossier'\n", encoding="utf-8"
    )
    layouts = out / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    page = '<!DOCTYPE html><html lang="fr"><head><title>{{ .Title }}</title></head><body>'
    links = "<a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ end }}</body></html>\n"
    (layouts / "single.html").write_text(page + "<h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n")
    (layouts / "list.html").write_text(page + "{{ range .Pages }}" + links)
    (out / "layouts" / "index.html").write_text(page + "{{ range .Site.RegularPages }}" + links)


def generate(out: Path, articles: int, notes_per_article: int = 3, events: int | None = None, topic_count: int = 60,
             seed: int = 0, articles_only: bool = False) -> list[Article]:  # fmt: skip
    writer = Writer(seed)
    all_topics = topics(topic_count)
    made = [writer.article(i, all_topics) for i in range(articles)]
    if out.exists():
        shutil.rmtree(out)
    if articles_only:
        write_dossier(out, made, all_topics, writer, 0, 0)
    else:
        write_dossier(out, made, all_topics, writer, notes_per_article, articles // 10 if events is None else events)
    themes = (
        Path(__file__).resolve().parent.parent / "dossier" / "themes"
    )  # the packaged theme, as a project's own copy
    shutil.copytree(themes, out / "themes")
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--notes-per-article", type=int, default=3)
    parser.add_argument("--events", type=int, default=None, help="default: a tenth of the articles")
    parser.add_argument("--topics", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--articles-only", action="store_true")
    parser.add_argument("--pelican", type=Path, help="also write the articles as a Pelican project here")
    parser.add_argument("--hugo", type=Path, help="also write the articles as a Hugo project here")
    args = parser.parse_args(argv)
    made = generate(args.out, args.articles, args.notes_per_article, args.events, args.topics, args.seed,
                    args.articles_only)  # fmt: skip
    labels = dict(topics(args.topics))
    if args.pelican:
        shutil.rmtree(args.pelican, ignore_errors=True)
        write_pelican(args.pelican, made, labels)
    if args.hugo:
        shutil.rmtree(args.hugo, ignore_errors=True)
        write_hugo(args.hugo, made, labels)
    notes = sum(min(len(a.passages), args.notes_per_article) for a in made) if not args.articles_only else 0
    print(f"{args.out}: {len(made)} articles, {notes} notes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
