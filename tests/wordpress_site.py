"""A stand-in for the club's WordPress site, served on 127.0.0.1 by the standard library.

It speaks what smcbot reads: the REST API (`/wp-json/wp/v2/posts`, paged, with
`X-WP-Total` and `X-WP-TotalPages`, 400 past the last page, `after=`), an RSS
feed of excerpts, a sitemap index, robots.txt, and article pages in the club's
layout (menu, article, sidebar, footer) with ETag revalidation. Tests change the
posts while it runs, queue failures, and read the log of requests it received.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.helpers.local_server import LocalServer


@dataclass
class Post:
    """One session write-up as the site publishes it."""

    id: int
    slug: str
    title: str
    date: datetime
    author: str
    heading: str
    takeaways: list[str]
    paragraphs: list[str]
    modified: datetime | None = None

    def path(self) -> str:
        """Where the article page lives, as WordPress builds it."""
        return f"/{self.date:%Y/%m/%d}/{self.slug}/"

    def content_html(self) -> str:
        """The post body as WordPress renders it: byline, takeaway heading, list, paragraphs."""
        parts = [f"<p>Par {html.escape(self.author)} / Crédit photos : Social Media Club France</p>"]
        parts.append(f"<p><strong>{html.escape(self.heading)}</strong></p>")
        parts.append("<ul>" + "".join(f"<li>{html.escape(t)}</li>" for t in self.takeaways) + "</ul>")
        parts += [f"<p>{html.escape(p)}</p>" for p in self.paragraphs]
        return "\n".join(parts)

    def excerpt(self) -> str:
        """The first words of the body, as the feed and the API give them."""
        return " ".join(self.paragraphs[0].split()[:30]) + " […]"


def wp_entities(text: str) -> str:
    """Encode a title the way WordPress renders it: typographic characters as numeric entities."""
    return "".join(f"&#{ord(c)};" if c in "’«»–…" else html.escape(c) for c in text).replace("\u00a0", "&nbsp;")


SESSIONS = [
    Post(
        id=101,
        slug="cercle-dircoms-7-la-communication-interne-a-lheure-du-teletravail",
        title="Cercle Dircoms #7 : La communication interne à l’heure du télétravail",
        date=datetime(2019, 9, 18, 19, 0),
        author="Camille Laurent",
        heading="Ce que l’on retient des échanges :",
        takeaways=[
            "Le réseau social d’entreprise ne remplace pas le manager : il lui donne un canal de plus.",
            "Les rituels courts et réguliers tiennent mieux que les grandes messes trimestrielles.",
            "Mesurer l’engagement interne passe d’abord par l’écoute des commentaires, pas par les clics.",
        ],
        paragraphs=[
            "Le télétravail a bousculé les habitudes des directions de la communication. « Nous avons "
            "découvert que l’information descendante ne suffisait plus : les équipes voulaient pouvoir "
            "répondre, commenter, réagir », explique Hélène Marchand, directrice de la communication "
            "interne chez Arvalis. Le réseau social d’entreprise est devenu en quelques semaines le lieu "
            "principal des échanges.",
            "Pour Thomas Girard, responsable de l’engagement collaborateurs chez Novéa, le manager reste "
            "le premier relais. « Un message porté par le manager de proximité est lu deux fois plus "
            "qu’une newsletter », observe-t-il. Les outils ne font que prolonger ce lien.",
            "Les participants ont insisté sur la régularité : un point hebdomadaire de quinze minutes, "
            "une vidéo courte du dirigeant, un fil de questions ouvert à tous. La mesure, elle, "
            "s’appuie sur la qualité des commentaires plus que sur le nombre de vues.",
        ],
    ),
    Post(
        id=102,
        slug="session-4-tous-influenceurs-les-micro-influenceurs-en-b2b",
        title="Session #4 « Tous influenceurs » : Les micro-influenceurs en B2B",
        date=datetime(2019, 10, 9, 18, 15),
        author="Julie Moreau",
        heading="Les points à retenir :",
        takeaways=[
            "En B2B, l’expertise compte plus que la taille de la communauté.",
            "Les collaborateurs experts sont souvent les meilleurs micro-influenceurs de l’entreprise.",
            "Une relation suivie sur plusieurs mois vaut mieux qu’une opération ponctuelle.",
        ],
        paragraphs=[
            "Dans le B2B, les micro-influenceurs sont avant tout des experts reconnus par leurs pairs. "
            "« Un ingénieur suivi par trois mille acheteurs industriels a plus d’impact qu’une "
            "célébrité », affirme Sophie Renard, directrice marketing chez Techniflux. Le choix se fait "
            "sur la crédibilité, la régularité des publications et la qualité des échanges.",
            "Marc Dufresne, fondateur de l’agence Orbe, recommande de construire la relation dans la "
            "durée : invitations aux salons, accès aux nouveautés en avant-première, co-création de "
            "contenus techniques. Les opérations ponctuelles déçoivent presque toujours.",
            "Les collaborateurs eux-mêmes peuvent devenir des voix de l’entreprise sur LinkedIn, à "
            "condition d’être formés et libres de leur ton. La transparence sur les partenariats reste "
            "une obligation, en B2B comme ailleurs.",
        ],
    ),
    Post(
        id=103,
        slug="smc-cycle-strategies-de-contenus-session-1-produire-et-distribuer-ses-contenus",
        title="SMC Cycle « Stratégies de contenus », Session #1 – Produire et distribuer ses contenus",
        date=datetime(2019, 10, 16, 18, 15),
        author="Nicolas Petit",
        heading="Ce que l’on retient des échanges :",
        takeaways=[
            "Un calendrier éditorial partagé évite de produire deux fois le même contenu.",
            "Chaque réseau social demande son propre format : on adapte, on ne copie pas.",
            "Recycler les contenus qui ont fonctionné est une stratégie, pas une facilité.",
        ],
        paragraphs=[
            "Produire plus n’est pas produire mieux. « Nous avons réduit de moitié le nombre de "
            "publications et doublé l’engagement », raconte Claire Fontaine, responsable des contenus "
            "chez Maison Verdier. Le calendrier éditorial partagé entre la marque, l’agence et le "
            "service client a changé la manière de travailler.",
            "Pour Antoine Leroy, social media manager chez Ludik, chaque plateforme a ses codes : une "
            "vidéo verticale de vingt secondes pour Instagram, un carrousel pédagogique pour LinkedIn, "
            "un fil de discussion pour Twitter. Le même message se décline, il ne se duplique pas.",
            "Les intervenants ont enfin défendu le recyclage : un article de blog qui a bien marché "
            "peut revivre en infographie, en podcast ou en série de publications courtes.",
        ],
    ),
    Post(
        id=104,
        slug="smc-cycle-sciences-et-reseaux-sociaux-session-4-la-moderation-des-commentaires",
        title="SMC Cycle « Sciences et réseaux sociaux », Session #4 – "
        "La modération des commentaires par les algorithmes",
        date=datetime(2019, 11, 6, 18, 15),
        author="Camille Laurent",
        heading="Ce que l’on retient des échanges :",
        takeaways=[
            "Les algorithmes de modération trient bien le spam mais comprennent mal l’ironie.",
            "Une modération hybride, machine puis humain, reste la norme dans les grandes rédactions.",
            "Publier sa charte de modération rend les décisions plus faciles à accepter.",
        ],
        paragraphs=[
            "Les rédactions reçoivent des dizaines de milliers de commentaires par jour. « Sans "
            "algorithme de tri, nous ne pourrions plus ouvrir les commentaires », reconnaît Paul "
            "Besson, responsable de la modération chez Le Quotidien du Soir. Les modèles repèrent le "
            "spam et les insultes, mais se trompent encore sur l’ironie et le second degré.",
            "Nadia Haddad, chercheuse en traitement automatique des langues à l’université de Lyon, "
            "rappelle que les jeux de données d’apprentissage reflètent les biais de ceux qui les "
            "annotent. La modération hybride, où l’humain tranche les cas douteux, reste indispensable.",
            "Les participants ont recommandé de publier la charte de modération et d’expliquer les "
            "refus : la transparence désamorce une partie des conflits avec la communauté.",
        ],
    ),
    Post(
        id=105,
        slug="cercle-dircoms-8-sensibiliser-le-comex-aux-reseaux-sociaux",
        title="Cercle Dircoms #8 : Sensibiliser le Comex aux réseaux sociaux",
        date=datetime(2019, 12, 11, 18, 15),
        author="Julie Moreau",
        heading="Ce qu’il faut retenir :",
        takeaways=[
            "Un dirigeant convaincu vaut mieux qu’un long rapport : commencez par un sponsor.",
            "Le reverse mentoring fait découvrir les réseaux sociaux aux membres du Comex.",
            "Montrer les risques de ne pas être présent pèse autant que montrer les opportunités.",
        ],
        paragraphs=[
            "Convaincre un comité exécutif prend du temps. « J’ai commencé par un seul sponsor, notre "
            "directeur financier, qui publiait déjà sur LinkedIn », se souvient Isabelle Caron, "
            "directrice de la communication chez Groupe Ardent. Son exemple a entraîné les autres.",
            "Le reverse mentoring a fait ses preuves : un jeune collaborateur accompagne un membre du "
            "Comex pendant trois mois et lui montre comment les clients parlent de la marque en ligne. "
            "Olivier Mercier, consultant chez Cap Réseaux, y voit le moyen le plus rapide de lever les "
            "craintes.",
            "Les dircoms ont aussi rappelé l’argument du risque : une crise qui éclate sur les réseaux "
            "sociaux sans porte-parole préparé coûte bien plus cher qu’une présence régulière.",
        ],
    ),
]

PODCAST_POST = Post(
    id=106,
    slug="session-5-tous-influenceurs-les-podcasts-de-marque",
    title="Session #5 « Tous influenceurs » : Les podcasts de marque",
    date=datetime(2020, 1, 15, 18, 15),
    author="Nicolas Petit",
    heading="Ce que l’on retient des échanges :",
    takeaways=[
        "Un podcast de marque réussi parle d’abord de son auditeur, pas de la marque.",
        "La régularité de diffusion compte plus que la durée des épisodes de podcast.",
        "Les podcasts se mesurent en écoutes complètes et en abonnements, pas en téléchargements.",
    ],
    paragraphs=[
        "Le podcast de marque s’est imposé comme un format d’influence à part entière. « Nos "
        "auditeurs restent en moyenne vingt-huit minutes avec nous : aucun autre format ne donne "
        "autant d’attention », souligne Léa Bertin, responsable audio chez Studio Onde.",
        "Pour Karim Belkacem, directeur de la communication chez Banque Horizon, le podcast doit "
        "raconter des histoires utiles à l’auditeur et laisser la marque en retrait. La diffusion "
        "régulière, chaque semaine à la même heure, fidélise l’audience des podcasts.",
    ],
)

NOT_FOUND_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Page non trouvée – Social Media Club France</title><meta name="robots" content="noindex, follow">
</head><body><header><nav><a href="/">Accueil</a> <a href="/publications-2/">Publications</a></nav></header>
<main><h1>Oups ! Cette page est introuvable.</h1><p>Il semble que rien n’ait été trouvé à cette adresse.
Essayez une recherche ?</p><form role="search"><input type="search" name="s"></form></main>
<footer>© Social Media Club France</footer></body></html>"""

LOGIN_PAGE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Se connecter ‹ Social Media Club France — WordPress</title></head><body class="login">
<h1><a href="/">Social Media Club France</a></h1>
<form name="loginform" id="loginform" action="/wp-login.php" method="post">
<p><label for="user_login">Identifiant ou adresse e-mail</label><input type="text" name="log" id="user_login"></p>
<p><label for="user_pass">Mot de passe</label><input type="password" name="pwd" id="user_pass"></p>
<p><input type="submit" value="Se connecter"></p></form>
<p><a href="/wp-login.php?action=lostpassword">Mot de passe oublié ?</a></p></body></html>"""


def article_page(post: Post, *, with_date: bool = True, padding: str = "", canonical: str = "") -> str:
    """An article page in the club's theme: menu, the article, a sidebar, a footer.

    `{base}` in it stands for the site's root URL.
    """
    date_meta = f'<meta property="article:published_time" content="{post.date.isoformat()}+01:00">' if with_date else ""
    time_tag = (
        f'<time class="entry-date published" datetime="{post.date.isoformat()}+01:00">{post.date:%d/%m/%Y}</time>'
        if with_date
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="fr-FR"><head><meta charset="UTF-8">
<title>{html.escape(post.title)} – Social Media Club France</title>
<link rel="canonical" href="{{base}}{(canonical or post.path()).lstrip("/")}">
<meta property="og:type" content="article">
<meta property="og:title" content="{html.escape(post.title)}">
{date_meta}
</head>
<body class="post-template-default single single-post">
<header id="masthead" class="site-header"><div class="site-branding">
<p class="site-title"><a href="/">Social Media Club France</a></p>
<p class="site-description">La communauté des professionnels du social media</p></div>
<nav id="site-navigation" class="main-navigation"><ul>
<li><a href="/">Accueil</a></li><li><a href="/publications-2/">Publications</a></li>
<li><a href="/evenements/">Événements</a></li><li><a href="/adherer/">Adhérer</a></li>
<li><a href="/contact/">Contact</a></li></ul></nav></header>
<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{post.id}" class="post-{post.id} post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">{html.escape(post.title)}</h1>
<div class="entry-meta"><span class="posted-on">Publié le {time_tag}</span>
<span class="byline"> par <span class="author vcard">
<a class="url fn n" href="/author/x/">{html.escape(post.author)}</a></span></span></div>
</header>
<div class="entry-content">
{post.content_html()}
{padding}
</div>
<footer class="entry-footer"><span class="cat-links">Publié dans <a href="/category/sessions/">Sessions</a></span>
<div class="sharedaddy"><h3 class="sd-title">Partager :</h3><ul><li><a href="#">Twitter</a></li>
<li><a href="#">Facebook</a></li><li><a href="#">LinkedIn</a></li></ul></div></footer>
</article>
<nav class="navigation post-navigation"><a href="/" rel="prev">Article précédent</a></nav>
</main></div>
<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries">
<h2 class="widget-title">Articles récents</h2><ul><li><a href="/">Programme de la rentrée du SMC Lyon</a></li>
<li><a href="/">Adhérez au Social Media Club pour 2020</a></li></ul></section>
<section class="widget"><h2 class="widget-title">Newsletter</h2><p>Recevez nos comptes rendus chaque mois.</p></section>
</aside></div>
<footer id="colophon" class="site-footer"><p>© 2019 Social Media Club France — Mentions légales — Plan du site</p>
<p>Le Social Media Club regroupe depuis 12 ans les professionnels du social media et de la communication digitale.</p>
</footer></body></html>"""


@dataclass
class Logged:
    """One request the site received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]
    status: int
    at: float  # when it arrived (time.monotonic)


@dataclass
class WordPressSite(LocalServer):
    """The site's state; tests edit `posts`, `extra_pages` and `failures` while it runs."""

    posts: list[Post] = field(default_factory=lambda: [_copy(p) for p in SESSIONS])
    robots: str = "User-agent: *\nDisallow: /prive/\nDisallow: /wp-admin/\n"
    total_headers: bool = True
    full_feed: bool = False
    latency: float = 0.0
    retry_after: str = "0"
    failures: dict[str, list[int]] = field(default_factory=dict)
    extra_pages: dict[str, tuple[int, dict[str, str], bytes]] = field(default_factory=dict)
    page_sitemap: list[str] = field(default_factory=list)
    endless: list[str] = field(default_factory=list)  # paths whose body never ends
    log: list[Logged] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        # Clients hanging up early (size caps) are not worth a traceback.
        super().__init__(_handler_for(self), quiet=True)

    @property
    def base(self) -> str:
        """The site's root URL, with its trailing slash."""
        return super().base + "/"

    # --- what tests use ----------------------------------------------------------------

    def link(self, post: Post) -> str:
        """The post's public URL."""
        return self.base + post.path().lstrip("/")

    def post(self, post_id: int) -> Post:
        """The post with this id."""
        return next(p for p in self.posts if p.id == post_id)

    def fail(self, key: str, *statuses: int) -> None:
        """Answer the next requests for `key` (a path, or "api:page=N") with these statuses."""
        self.failures.setdefault(key, []).extend(statuses)

    def add_page(self, path: str, body: str, *, status: int = 200, headers: dict[str, str] | None = None) -> str:
        """Serve `body` (with `{base}` filled in) at `path`; returns its URL."""
        content = body.replace("{base}", self.base).encode()
        self.extra_pages[path] = (status, {"Content-Type": "text/html; charset=UTF-8", **(headers or {})}, content)
        return self.base + path.lstrip("/")

    def requests_to(self, prefix: str) -> list[Logged]:
        """The logged requests whose path starts with `prefix`."""
        return [r for r in self.log if r.path.startswith(prefix)]

    # --- responses ---------------------------------------------------------------------

    def respond(self, path: str, query: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """Route one GET to its response."""
        key = f"api:page={query.get('page', '1')}" if path == "/wp-json/wp/v2/posts" else path
        with self._lock:
            queued = self.failures.get(key)
            failure = queued.pop(0) if queued else None
        if failure is not None:
            return failure, {"Retry-After": self.retry_after, "Content-Type": "text/html"}, b"<h1>Indisponible</h1>"
        if path in self.extra_pages:
            return self.extra_pages[path]
        if path == "/robots.txt":
            return _text(self.robots, "text/plain")
        if path == "/wp-json/wp/v2/posts":
            return self.api_posts(query)
        if path in ("/feed/", "/feed"):
            return _text(self.rss(), "application/rss+xml")
        if path == "/sitemap.xml":
            return _text(self.sitemap_index(), "application/xml")
        if path == "/post-sitemap.xml":
            return _text(self.urlset([(self.link(p), _modified(p)) for p in self.posts]), "application/xml")
        if path == "/page-sitemap.xml":
            return _text(self.urlset([(self.base + p.lstrip("/"), "") for p in self.page_sitemap]), "application/xml")
        for post in self.posts:
            if path == post.path():
                return self.article(post, headers)
        return 404, {"Content-Type": "text/html; charset=utf-8"}, NOT_FOUND_PAGE.encode()

    def published(self, query: dict[str, str]) -> list[Post]:
        """Posts newest first, after the `after=` date when given."""
        posts = sorted(self.posts, key=lambda p: p.date, reverse=True)
        if "after" in query:
            after = datetime.fromisoformat(query["after"])
            posts = [p for p in posts if p.date > after]
        return posts

    def api_posts(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """`/wp-json/wp/v2/posts`: paged JSON, 400 past the last page, as WordPress does."""
        posts = self.published(query)
        per_page, page = int(query.get("per_page", "10")), int(query.get("page", "1"))
        if not 1 <= per_page <= 100:
            return _json({"code": "rest_invalid_param", "data": {"status": 400}}, 400)
        pages = max(1, -(-len(posts) // per_page))
        if page > pages:
            body = {
                "code": "rest_post_invalid_page_number",
                "message": "Le nombre de page demandé est plus grand que le nombre de pages disponibles.",
                "data": {"status": 400},
            }
            return _json(body, 400)
        chosen = posts[(page - 1) * per_page : page * per_page]
        headers = {"X-WP-Total": str(len(posts)), "X-WP-TotalPages": str(pages)} if self.total_headers else {}
        status, base_headers, body = _json([self.post_json(p) for p in chosen], 200)
        return status, {**base_headers, **headers}, body

    def post_json(self, post: Post) -> dict:
        """A post as the REST API returns it (title and excerpt HTML-encoded)."""
        return {
            "id": post.id,
            "date": post.date.isoformat(),
            "date_gmt": post.date.isoformat(),
            "modified": _modified(post),
            "slug": post.slug,
            "status": "publish",
            "type": "post",
            "link": self.link(post),
            "title": {"rendered": wp_entities(post.title)},
            "content": {"rendered": post.content_html(), "protected": False},
            "excerpt": {"rendered": f"<p>{html.escape(post.excerpt())}</p>", "protected": False},
            "author": 3,
        }

    def rss(self) -> str:
        """An RSS 2.0 feed of excerpts (full content too when `full_feed`)."""
        items = []
        for post in self.published({}):
            content = f"<content:encoded><![CDATA[{post.content_html()}]]></content:encoded>" if self.full_feed else ""
            items.append(
                f"<item><title>{wp_entities(post.title)}</title><link>{self.link(post)}</link>"
                f"<dc:creator><![CDATA[{post.author}]]></dc:creator>"
                f"<pubDate>{format_datetime(post.date.astimezone())}</pubDate>"
                f'<guid isPermaLink="false">{self.base}?p={post.id}</guid>'
                f"<description><![CDATA[{post.excerpt()}]]></description>{content}</item>"
            )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
            f"<title>Social Media Club France</title><link>{self.base}</link>"
            "<description>La communauté des professionnels du social media</description>"
            f"<language>fr-FR</language>{''.join(items)}</channel></rss>"
        )

    def sitemap_index(self) -> str:
        """The sitemap index pointing at the posts' and pages' sitemaps."""
        entries = "".join(
            f"<sitemap><loc>{self.base}{name}</loc></sitemap>" for name in ("post-sitemap.xml", "page-sitemap.xml")
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
        )

    def urlset(self, urls: list[tuple[str, str]]) -> str:
        """A `<urlset>` with `<lastmod>` where known."""
        entries = "".join(
            f"<url><loc>{html.escape(loc)}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>" for loc, mod in urls
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
        )

    def article(self, post: Post, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """An article page, answering 304 to a matching If-None-Match."""
        body = article_page(post).replace("{base}", self.base).encode()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "text/html; charset=UTF-8", "ETag": etag}, body

    # --- serving -----------------------------------------------------------------------

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request, logging it and counting concurrent ones."""
        arrived = time.monotonic()
        with self._lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.latency:
                time.sleep(self.latency)
            parts = urlsplit(handler.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            headers = {k.lower(): v for k, v in handler.headers.items()}
            if parts.path in self.endless:
                with self._lock:
                    self.log.append(Logged(parts.path, query, headers, 200, arrived))
                _drip_forever(handler)
                return
            status, response_headers, body = self.respond(parts.path, query, headers)
            with self._lock:
                self.log.append(Logged(parts.path, query, headers, status, arrived))
            handler.send_response(status)
            for name, value in response_headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        finally:
            with self._lock:
                self.in_flight -= 1


def _drip_forever(handler: BaseHTTPRequestHandler) -> None:
    """A 200 whose body never ends: a few bytes every tenth of a second until the client hangs up."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=UTF-8")
    handler.send_header("Connection", "close")
    handler.end_headers()
    handler.close_connection = True
    try:
        handler.wfile.write(b"<html><body><h1>Sans fin</h1>")
        while True:
            handler.wfile.write(b"<p>encore</p>")
            handler.wfile.flush()
            time.sleep(0.1)  # the pace of the drip, not a wait for anything
    except OSError:
        return  # the client gave up, as it should


def _handler_for(site: WordPressSite) -> type[BaseHTTPRequestHandler]:
    """A request handler class bound to one site."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            site.serve(self)

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _copy(post: Post) -> Post:
    """A post the test may edit without touching the shared sample."""
    return Post(**{**post.__dict__, "takeaways": list(post.takeaways), "paragraphs": list(post.paragraphs)})


def _modified(post: Post) -> str:
    """The post's last modification time, as the API and the sitemap give it."""
    return (post.modified or post.date).isoformat()


def _text(text: str, content_type: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": f"{content_type}; charset=UTF-8"}, text.encode()


def _json(data: object, status: int) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(data).encode()
