"""The one boundary to MkDocs and Material: everything that imports ``mkdocs`` lives here.

``config`` derives one build's MkDocs configuration from the project's
``mkdocs.yml``, ``plugin`` is the plugin object the build adds, ``parallel``
renders theme pages on every core, ``render`` runs MkDocs. The rest of the
generator writes page files and never imports MkDocs.
"""
