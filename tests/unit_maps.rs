//! The Network tab's numbers (`Trainer::unit_maps`): the maps' shapes and order, the output
//! maps being class probabilities, the weights between the shown units, and the lecture's
//! pictures: zero init gives identical maps in every unit of a layer.

use overfit::config::{Activation, Config, Dataset, Loss, WeightInit};
use overfit::Trainer;

#[test]
fn maps_have_the_documented_shapes_and_the_outputs_are_probabilities() {
    let cfg = Config { hidden: vec![16, 8], ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    t.run(50);
    let m = t.unit_maps(20, 12).expect("2D data has maps");
    let cells = 20 * 20;
    let shown: Vec<usize> = m.layers.iter().map(|l| l.shown).collect();
    assert_eq!(shown, vec![2, 12, 8, 3]);
    assert_eq!(m.layers.iter().map(|l| l.units).collect::<Vec<_>>(), vec![2, 16, 8, 3]);
    assert_eq!(m.maps.len(), shown.iter().sum::<usize>() * cells);
    assert_eq!(m.stats.len(), shown.iter().sum::<usize>() * 4);
    assert_eq!(m.weights.len(), 2 * 12 + 12 * 8 + 8 * 3);
    // Each cell's class probabilities sum to 1.
    let out0 = (2 + 12 + 8) * cells;
    for c in 0..cells {
        let s: f32 = (0..3).map(|k| m.maps[out0 + k * cells + c]).sum();
        assert!((s - 1.0).abs() < 1e-4, "cell {c}: {s}");
    }
    // ReLU maps are non-negative, and their range says so.
    let hidden = &m.maps[2 * cells..(2 + 12) * cells];
    assert!(hidden.iter().all(|&v| v >= 0.0));
    assert!(m.layers[1].lo >= 0.0 && m.layers[1].hi > 0.0);
    // The input maps are x1 and x2 over the grid: x grows to the right, y to the top.
    let x1 = &m.maps[..cells];
    assert!(x1[19] > x1[0], "x1 grows along a row");
    let x2 = &m.maps[cells..2 * cells];
    assert!(x2[0] > x2[19 * 20], "row 0 is the top");
    // The weights into layer 1 are the first layer's (inputs x 16), restricted to 12 columns.
    let w = &t.model().params.values;
    let first = match &t.model().layers[0] {
        overfit::layers::Layer::Linear(l) => w[l.w.clone()].to_vec(),
        _ => unreachable!(),
    };
    assert_eq!(m.weights[0], first[0]);
    assert_eq!(m.weights[13], first[16 + 1], "row 1, column 1 of the 2 x 16 matrix");
}

#[test]
fn zero_init_gives_every_unit_of_a_layer_the_same_map() {
    let cfg = Config { hidden: vec![8, 8], activation: Activation::Tanh, init: WeightInit::Zeros, ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    t.run(100);
    let m = t.unit_maps(16, 8).unwrap();
    let cells = 16 * 16;
    for layer in 0..2 {
        let base = (2 + layer * 8) * cells;
        let first = &m.maps[base..base + cells];
        for u in 1..8 {
            assert_eq!(&m.maps[base + u * cells..base + (u + 1) * cells], first, "layer {} unit {u}", layer + 1);
        }
    }
}

#[test]
fn logistic_outputs_one_map_and_images_have_none() {
    let cfg = Config { dataset: Dataset::Moons, loss: Loss::Logistic, hidden: vec![4], ..Config::default() };
    let mut t = Trainer::new(&cfg).unwrap();
    let m = t.unit_maps(8, 12).unwrap();
    assert_eq!(m.layers.last().unwrap().shown, 1);
    assert_eq!(m.weights.len(), 2 * 4 + 4);
    let digits = Config { dataset: Dataset::Digits, ..Config::default() };
    assert!(Trainer::new(&digits).unwrap().unit_maps(8, 12).is_none());
}
