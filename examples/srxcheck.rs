fn main() {
    let t = std::time::Instant::now();
    let rules: srx::SRX = include_str!("../data/segment.srx").parse().unwrap();
    println!("parse {:?}", t.elapsed());
    let r = rules.language_rules("fr");
    println!(
        "{:?}",
        r.split("Les forces se sont retirées. M. Dupont a confirmé la nouvelle. Le 5 déc. les rebelles sont entrés.")
            .collect::<Vec<_>>()
    );
}
