//! The Python front-end on arbitrary text, with the analysis pass and the model walks.
#![no_main]

mod common;

use idemlint::model::Lang;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::lower_and_walk(Lang::Python, &common::text(data));
});
