//! What an edit of one field brings with it: the rules the page's controls follow when a student
//! changes a setting, stated once here (the worker asks `follow_edit` before applying an edit).

use super::{Config, Loss};

impl Config {
    /// Applies the consequences of an edit of the field `key` to the config that holds the new
    /// value: after `hidden` changed, overrides of hidden layers that no longer exist are dropped
    /// (validate() would refuse them); after `dataset` changed, a loss that the new data does not
    /// allow (a classification loss on regression targets, or the reverse) becomes the data's
    /// default loss. Returns the fields it changed.
    pub fn follow_edit(&mut self, key: &str) -> Vec<&'static str> {
        let mut changed = Vec::new();
        match key {
            "hidden" => {
                let layers = self.hidden.len();
                let before = self.layer_overrides.len();
                self.layer_overrides.retain(|o| o.layer >= 1 && o.layer <= layers);
                if self.layer_overrides.len() != before {
                    changed.push("layer_overrides");
                }
            }
            "dataset" => {
                if self.loss.is_regression() != self.dataset.is_regression() {
                    self.loss = Loss::default_for(self.dataset);
                    changed.push("loss");
                }
            }
            _ => {}
        }
        changed
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use crate::config::{Config, Dataset, LayerOverride, Loss};

    #[test]
    fn an_edited_file_with_stale_overrides_reads_then_follows() {
        // The page sends the edited config as JSON; it is read without the range checks, followed,
        // and then valid.
        let json = serde_json::json!({"hidden": [16, 16], "layer_overrides": [{"layer": 3, "dropout": 0.5}]});
        assert!(Config::from_value(&json).is_err(), "layer 3 of 2 is out of range");
        let mut c = Config::from_value_unvalidated(&json).expect("the fields read");
        c.follow_edit("hidden");
        assert!(c.layer_overrides.is_empty());
        assert!(c.validate().is_ok());
    }

    #[test]
    fn removing_layers_drops_their_overrides() {
        let mut c = Config { hidden: vec![8, 8, 8], ..Config::default() };
        c.layer_overrides = vec![
            LayerOverride { layer: 1, dropout: Some(0.5), ..LayerOverride::default() },
            LayerOverride { layer: 3, dropout: Some(0.2), ..LayerOverride::default() },
        ];
        c.hidden = vec![8, 8];
        assert_eq!(c.follow_edit("hidden"), vec!["layer_overrides"]);
        assert_eq!(c.layer_overrides.iter().map(|o| o.layer).collect::<Vec<_>>(), vec![1]);
        assert!(c.validate().is_ok());
        // Adding a layer keeps every override.
        c.hidden = vec![8, 8, 8, 8];
        assert!(c.follow_edit("hidden").is_empty());
    }

    #[test]
    fn switching_between_classification_and_regression_switches_the_loss() {
        let mut c = Config { loss: Loss::Hinge, ..Config::default() };
        c.dataset = Dataset::Sine;
        assert_eq!(c.follow_edit("dataset"), vec!["loss"]);
        assert_eq!(c.loss, Loss::Mse);
        c.loss = Loss::Huber;
        c.dataset = Dataset::Gaussians;
        assert!(c.follow_edit("dataset").is_empty(), "a regression loss stays on regression data");
        c.dataset = Dataset::Spiral;
        c.follow_edit("dataset");
        assert_eq!(c.loss, Loss::Softmax);
    }
}
