"""Geometry on the sphere.

Grids and cell areas (``grid``), exact overlaps of cells (``overlap``) and of polygons
with cells (``polygons``), and conservative regridding (``regrid``).
"""
