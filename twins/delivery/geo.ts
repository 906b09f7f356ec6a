// Great-circle distances and nearest-center routing: an order goes to the nearest center that is up.

/** Mean Earth radius (IUGG), in kilometres. */
export const EARTH_RADIUS_KM = 6371.0088;

export interface LatLon {
  lat: number;
  lon: number;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** The great-circle distance between two points, in kilometres (haversine formula). */
export function haversineKm(a: LatLon, b: LatLon): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  // min: rounding can push h a hair above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The index of the point of `centers` nearest to `from` (the first of equals), or -1 if none. */
export function nearestIndex(from: LatLon, centers: readonly LatLon[]): number {
  let best = -1;
  let bestKm = Number.POSITIVE_INFINITY;
  centers.forEach((c, i) => {
    const km = haversineKm(from, c);
    if (km < bestKm) {
      best = i;
      bestKm = km;
    }
  });
  return best;
}
