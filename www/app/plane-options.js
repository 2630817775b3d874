// Owns the Data tab's two plane switches: show or hide the validation points, and discretize
// (hard class regions, or the sign of a predicted value). Kept in this browser, not in the link:
// they change how the run is drawn, never the run.

const KEY = 'overfit.plane.v1';

function load() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}');
    return { showValidation: v.showValidation !== false, discretize: v.discretize === true };
  } catch {
    return { showValidation: true, discretize: false };
  }
}

/** Wires the two toggle buttons to the plane view (`boundary`, plots/boundary.js). */
export function wirePlaneOptions(ui, boundary) {
  let options = load();
  const apply = () => {
    ui.showValidation.setAttribute('aria-pressed', String(options.showValidation));
    ui.discretize.setAttribute('aria-pressed', String(options.discretize));
    boundary.setOptions(options);
  };
  const toggle = (key) => {
    options = { ...options, [key]: !options[key] };
    try {
      localStorage.setItem(KEY, JSON.stringify(options));
    } catch {
      // Storage may be unavailable (private modes); the switch still works for this page.
    }
    apply();
  };
  ui.showValidation.addEventListener('click', () => toggle('showValidation'));
  ui.discretize.addEventListener('click', () => toggle('discretize'));
  apply();
}
