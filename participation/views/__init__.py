"""Public pages of the participation app: consultation and proposal pages, twin objects, the 3D view, open data."""
