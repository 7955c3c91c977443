"""The one boundary to MkDocs and Material: everything that imports ``mkdocs`` lives here.

What crosses it (the contract a successor theme engine must keep):

- in: a docs folder (hand-written Markdown, our assets, and the generated
  pages of :mod:`generator.pages`: ``<path>/index.md`` with JSON-quoted front
  matter and one raw HTML block, or files copied verbatim), the project's
  ``mkdocs.yml`` and ``overrides/``, and the catalogue facts of
  :func:`config.derived_config` (site name and URL, footer values, nav);
- out: a site folder with one themed ``index.html`` per page, the copied
  files, ``sitemap.xml`` and the theme's assets. Nothing else is read back.

``config`` derives one build's MkDocs configuration, ``render.run_mkdocs``
runs MkDocs with ``plugin.QingdanPlugin`` (public plugin events only),
``parallel`` renders theme pages after MkDocs' loop (on every core for large
sites), ``stencil`` fills alike pages from one theme rendering and ``bulk``
keeps those pages out of MkDocs altogether (it reads and renders a few per
kind; qingdan fills and writes the rest). The rest of the generator never
imports MkDocs, so moving to another engine changes this package only.
"""
