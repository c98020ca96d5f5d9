"""Import of the city's digital twin: CityGML 2.0, CityJSON 1.0-2.0 and GeoJSON.

Readers (``readers/``) turn a file into plain ``TwinRecord``s, lazily and in
the file's own CRS; ``crs.py`` says what that CRS is and reprojects to WGS84;
``footprint.py`` makes a plan-view outline out of 3D surfaces; ``importer.py``
validates, reprojects and upserts the records in one transaction per file.

Validation policy (what is refused, what is skipped):

- refused, the whole file rolls back, the message names the object: broken
  XML/JSON, an unknown or unusable CRS, no CRS in a CityGML/CityJSON file
  without ``--crs``, a ring that does not close, a polygon that is invalid in
  plan view (self-intersection, ...), coordinates that are not numbers or do
  not land on earth after reprojection, an id used twice in one file.
  Geometry is never "repaired" with make_valid: a silently changed outline
  would put citizens' comments on the wrong building.
- dropped without a word: wall-like surfaces that are vertical in plan view
  (they have no area there) and faces with no area at all.
- skipped, counted with the reason: objects without any geometry, terrain
  (TINRelief), groups, and the inner parts of buildings, bridges and tunnels
  (installations, rooms, storeys, furniture...), which are no map features.
"""
