//! A document update (from the wire, or private notes) applied to a board
//! with a template on it, then read the way every export and view reads a
//! board: elements, personas, journeys, the Markdown, CSV and SVG.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| atelier_fuzz::update(data));
