"""Writing a consultation's export: tables of rows into CSV (zipped), XLSX and GeoJSON files, streamed.

No database here: the selectors (``participation.selectors.exports``) give
the tables and the features, the service (``participation.services.exports``)
runs a writer over them into a file. Every spreadsheet cell passes through
``cells.spreadsheet_cell``, the one guard against formula injection.
"""
