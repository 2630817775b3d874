// Owns the arithmetic of the network-shape buttons (TensorFlow Playground's + / −): adding or
// removing a hidden layer and growing or shrinking every hidden layer's units. Pure: each takes
// the hidden widths and returns new ones, or null when the change is not possible (the limits
// come from the core's schema).

/** One more hidden layer, as wide as the last one (8 units for the first), or null at the limit. */
export function addLayer(hidden, maxLayers) {
  if (hidden.length >= maxLayers) return null;
  return [...hidden, hidden.length > 0 ? hidden[hidden.length - 1] : 8];
}

/** The last hidden layer removed (none left is a linear model), or null when there is none. */
export function removeLayer(hidden) {
  return hidden.length > 0 ? hidden.slice(0, -1) : null;
}

/**
 * One step more (direction +1) or fewer (-1) units in every hidden layer: steps of 1 below 8
 * units and a factor of 2 from 8 on (so 64 becomes 128 or 32), between 1 and `maxWidth`; null
 * when no layer changes.
 */
export function resizeUnits(hidden, direction, maxWidth) {
  const next = hidden.map((w) => {
    if (direction > 0) return Math.min(maxWidth, w < 8 ? w + 1 : w * 2);
    return Math.max(1, w <= 8 ? w - 1 : Math.ceil(w / 2));
  });
  return next.some((w, i) => w !== hidden[i]) ? next : null;
}
