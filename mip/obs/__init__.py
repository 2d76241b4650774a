"""Observations and concentration metrics: readers (thin I/O) and metrics (pure compute)."""

from mip.obs.metrics import (
    growth_rate,
    interhemispheric_gradient,
    layer_weights,
    multi_instrument,
    noaa_growth_rate,
    point_gradient,
    seasonal_amplitude,
    vertical_gradient,
    weighted_median,
    window_mean,
)
from mip.obs.noaa import PGC_PER_PPM, read_noaa
from mip.obs.readers import (
    bundled_so_airborne,
    model_info,
    read_campaigns,
    read_flasks,
    read_profiles,
    read_zonal_flux,
    zonal_band_total,
)

__all__ = [
    "weighted_median", "layer_weights", "vertical_gradient", "point_gradient", "multi_instrument",
    "window_mean", "seasonal_amplitude", "growth_rate", "noaa_growth_rate", "interhemispheric_gradient",
    "bundled_so_airborne", "read_campaigns", "read_profiles", "read_flasks", "read_zonal_flux",
    "zonal_band_total", "model_info", "read_noaa", "PGC_PER_PPM",
]
