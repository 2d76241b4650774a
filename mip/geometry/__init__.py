"""Geometry on the sphere: grids and cell areas (``grid``), exact overlaps of cells (``overlap``) and of polygons
with cells (``polygons``), and conservative regridding (``regrid``)."""
