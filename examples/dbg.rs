use claimtrack::{article::*, extract::*, gazetteer::Gazetteer, lexicon::Lexicon};
fn main() {
    let p = Pipeline::new(Lexicon::load(None).unwrap(), Gazetteer::builtin().unwrap()).unwrap();
    let args: Vec<String> = std::env::args().collect();
    let lang = Lang::parse(&args[1]).unwrap();
    let a = Article {
        source: "x".into(),
        body: args[2].clone(),
        lang: Some(lang),
        outlet: Some("Outlet".into()),
        published: Some("2024-12-06".parse().unwrap()),
        ..Default::default()
    };
    let x = p.extract(&a);
    for c in &x.claims {
        println!(
            "{:?} {:?} {:?} ev={:?} actor={:?}/{} places={:?} date={:?} q={:?} denies={:?}",
            c.source,
            c.polarity,
            c.modality,
            c.event,
            c.actor,
            c.actor_side,
            c.places
                .iter()
                .map(|m| (p.gazetteer.get(m.place).unwrap().name.clone(), m.match_kind, m.relation, m.broad))
                .collect::<Vec<_>>(),
            c.date.date,
            c.quantities,
            c.denies
        );
    }
}
