"""Where articles come from: the manifest and every kind of source it lists.

Dependencies point one way, from the leaves up:

- `articles`: what every reader shares (text lines, takeaways, dates, links,
  building an `Article` with its series and speakers);
- `manifest`: the `[[sources]]` entries of `config/sources.toml`, checked;
- `listing`, `files`: the club's listing pages, folders of article files;
- `fetching`: polite HTTP (robots.txt, per-site delay, retries, a cache);
- `web`: WordPress, feeds, sitemaps and article pages, through a `Fetcher`;
- `ingest`: picks the reader for each source and returns the articles.

Nothing here knows of chunks, embeddings or the index.
"""
