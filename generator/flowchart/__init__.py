"""Flowchart step: an item's ``workflow`` -> swimlane SVG.

``text`` measures and wraps labels, ``geom`` holds the shapes, ``layout``
places steps in lanes and routes edges, ``labels`` places the words outside
the boxes, and ``svg`` writes the markup the item pages embed.
"""
