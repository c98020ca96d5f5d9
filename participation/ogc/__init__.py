"""OGC API - Features, Part 1: Core, with GeoJSON, at /api/ogc/.

The city's twin viewers (Masterportal, Cesium, QGIS, anything on GDAL or OWSLib) read two
collections from it: ``twin-features`` (the twin's objects with what citizens said about them)
and ``contributions`` (published comments with a place). Read-only, public, no personal data.

Modules: ``params`` (query parameters), ``links`` (URLs and link objects), ``features``
(rows to GeoJSON), ``collections`` (the two collections over the selectors), ``openapi``
(the API definition), ``responses`` (negotiation, errors, headers), ``views`` and ``urls``.
"""
