// Chooses and loads one of the two wasm builds of the core (scripts/build-wasm.sh): the fused
// build (pkg/overfit_fused.js: SIMD128 + relaxed SIMD, the GEMM with f32x4.relaxed_madd) where
// this engine runs relaxed SIMD and its madd is really fused, else the plain build
// (pkg/overfit.js: SIMD128, separate multiply and add). Used by the page's worker, the bench and
// the tests, in browsers and in Node.
//
// Why the check is on the result and not only on support: relaxed madd may be computed either
// fused (one rounding) or as a multiply and an add (two), at the engine's choice. Only the fused
// result reproduces the native fused curve bit for bit (src/arithmetic.rs), so the probe below
// computes one madd whose two roundings differ: a = 1 + 2^-12, a * a = 1 + 2^-11 + 2^-24 exactly,
// which rounds to 1 + 2^-11 in f32, so a * a - (1 + 2^-11) is 2^-24 fused and 0 separately
// rounded. After loading, the build's own `arithmetic()` runs its GEMM kernel on the same product
// and must agree; otherwise the plain build is loaded instead.

/**
 * (module (func (export "f") (param f32 f32 f32) (result f32)
 *   (f32x4.extract_lane 0 (f32x4.relaxed_madd (f32x4.splat (local.get 0))
 *     (f32x4.splat (local.get 1)) (f32x4.splat (local.get 2))))))
 * The inputs are parameters, so the engine computes the madd at run time.
 */
export const RELAXED_MADD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7d, 0x7d, 0x7d, 0x01, 0x7d, // type: (f32, f32, f32) -> f32
  0x03, 0x02, 0x01, 0x00, // function 0 has type 0
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, // export "f" = function 0
  0x0a, 0x16, 0x01, 0x14, 0x00, // code: one body of 20 bytes, no locals
  0x20, 0x00, 0xfd, 0x13, // local.get 0, f32x4.splat
  0x20, 0x01, 0xfd, 0x13, // local.get 1, f32x4.splat
  0x20, 0x02, 0xfd, 0x13, // local.get 2, f32x4.splat
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd (0xfd 0x105)
  0xfd, 0x1f, 0x00, // f32x4.extract_lane 0
  0x0b, // end
]);

/** The probe's result with fused arithmetic: 2^-24 (0 when rounded twice). */
const FUSED_RESULT = 2 ** -24;

/**
 * What this engine's relaxed madd computes: 'fused', 'separate', or null when the engine does
 * not run relaxed SIMD (Node 20 without --experimental-wasm-relaxed-simd, older browsers).
 */
export function probeRelaxedMadd() {
  try {
    if (!WebAssembly.validate(RELAXED_MADD_PROBE)) return null;
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(RELAXED_MADD_PROBE));
    const a = 1 + 2 ** -12;
    return exports.f(a, a, -(1 + 2 ** -11)) === FUSED_RESULT ? 'fused' : 'separate';
  } catch {
    return null;
  }
}

/** The two builds: their glue module (imported only when chosen) and their wasm file. */
const BUILDS = {
  fused: { glue: () => import('../pkg/overfit_fused.js'), file: 'overfit_fused_bg.wasm' },
  separate: { glue: () => import('../pkg/overfit.js'), file: 'overfit_bg.wasm' },
};

/**
 * Loads a build and returns `{ wasm, memory, arithmetic, probe }`: the glue module's exports,
 * the instance's memory, the arithmetic its GEMM computes ('fused' or 'separate') and what the
 * probe found (see probeRelaxedMadd).
 * `want`: 'auto' (the fused build where the probe says fused, else the plain one), 'fused' or
 * 'separate' (exactly that build, or an error: for the bench and the tests).
 * `bytes(file)`: returns the wasm file's bytes (Node, where the glue cannot fetch a file URL);
 * by default the glue fetches the file next to itself.
 */
export async function loadWasm({ want = 'auto', bytes = null } = {}) {
  const probe = probeRelaxedMadd();
  const order = want === 'auto' ? (probe === 'fused' ? ['fused', 'separate'] : ['separate']) : [want];
  let failure = null;
  for (const mode of order) {
    try {
      const wasm = await BUILDS[mode].glue();
      const instance = await wasm.default(bytes ? { module_or_path: await bytes(BUILDS[mode].file) } : undefined);
      const arithmetic = wasm.arithmetic();
      if (arithmetic !== mode) throw new Error(`the ${mode} build computes ${arithmetic} arithmetic on this engine`);
      return { wasm, memory: instance.memory, arithmetic, probe };
    } catch (e) {
      failure = e;
    }
  }
  throw failure;
}
