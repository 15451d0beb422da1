//! Times extraction alone over a folder (no database): `cargo run --release --example extract_speed DIR`.
use claimtrack::{extract::Pipeline, gazetteer::Gazetteer, lexicon::Lexicon, reader};
fn main() {
    let dir = std::env::args().nth(1).expect("DIR");
    let p = Pipeline::new(Lexicon::load(None).unwrap(), Gazetteer::builtin().unwrap()).unwrap();
    let inputs = reader::collect_inputs(&[dir.into()]).unwrap();
    let t = std::time::Instant::now();
    let arts: Vec<_> =
        inputs.iter().flat_map(|i| reader::read_input(i, &Default::default())).filter_map(Result::ok).collect();
    let read = t.elapsed();
    let t = std::time::Instant::now();
    let mut claims = 0;
    for a in &arts {
        claims += p.extract(a).claims.len();
    }
    println!("{} articles read in {:?}, extracted {} claims in {:?}", arts.len(), read, claims, t.elapsed());
}
