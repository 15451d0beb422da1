use super::*;
use crate::article::{Article, Lang};
use crate::split::StatementKind;

fn pipeline() -> Pipeline {
    Pipeline::new(Lexicon::load(None).unwrap(), Gazetteer::builtin().unwrap()).unwrap()
}

fn article(body: &str, lang: Lang) -> Article {
    Article {
        source: "test".into(),
        body: body.into(),
        lang: Some(lang),
        outlet: Some("Test Outlet".into()),
        published: Some("2024-12-06".parse().unwrap()),
        ..Default::default()
    }
}

fn place_names(p: &Pipeline, c: &ClaimDraft) -> Vec<String> {
    c.places.iter().map(|m| p.gazetteer.get(m.place).unwrap().name.clone()).collect()
}

#[test]
fn local_sources_report_a_withdrawal_from_three_towns() {
    let p = pipeline();
    let a = article(
        "Des sources locales ont rapporté que les forces du régime se sont retirées des villes de Sukhna, de Farqlas et de Palmyre dans la province de Homs.",
        Lang::Fr,
    );
    let x = p.extract(&a);
    assert_eq!(x.claims.len(), 1, "{:#?}", x.claims);
    let c = &x.claims[0];
    assert_eq!(c.source.claimant, "Des sources locales");
    assert_eq!(c.source.side, "local");
    assert_eq!(c.event, EventType::Withdrawal);
    assert_eq!(c.polarity, Polarity::Asserted);
    assert_eq!(c.modality, Modality::Reported);
    assert_eq!(c.actor_side, "government");
    let names = place_names(&p, c);
    assert_eq!(names.len(), 4, "{names:?}");
}

#[test]
fn nested_source_denial_with_baseless_wording() {
    let p = pipeline();
    let a = article(
        "L’agence de presse officielle syrienne (SANA) a cité une source militaire affirmant que les nouvelles concernant le retrait de l’armée de Homs étaient sans fondement.",
        Lang::Fr,
    );
    let x = p.extract(&a);
    assert_eq!(x.claims.len(), 1, "{:#?}", x.claims);
    let c = &x.claims[0];
    assert_eq!(c.source.claimant, "une source militaire");
    assert_eq!(c.source.relayed_by.as_deref(), Some("L’agence de presse officielle syrienne (SANA)"));
    assert_eq!(c.source.side, "government");
    assert_eq!(c.polarity, Polarity::Denied);
    assert_eq!(c.event, EventType::Withdrawal);
    assert_eq!(c.actor_side, "government");
    assert_eq!(place_names(&p, c), vec!["Homs".to_string()]);
    assert!(c.places[0].broad.is_some());
}

#[test]
fn english_trailing_frame_and_pointer_denial() {
    let p = pipeline();
    let a = article(
        "Rebel fighters entered the city of Hama on Thursday, a local source said. The Syrian army denied the reports.",
        Lang::En,
    );
    let x = p.extract(&a);
    assert_eq!(x.claims.len(), 2, "{:#?}", x.claims);
    assert_eq!(x.claims[0].event, EventType::Entry);
    assert_eq!(x.claims[0].source.side, "local");
    assert_eq!(x.claims[0].date.date, Some("2024-12-05".parse().unwrap()));
    let d = &x.claims[1];
    assert_eq!(d.polarity, Polarity::Denied);
    assert_eq!(d.event, EventType::Entry);
    assert_eq!(d.denies, Some(0));
    assert_eq!(d.source.side, "government");
}

#[test]
fn negated_event_and_hedge() {
    let p = pipeline();
    let x = p.extract(&article("Selon le ministère de la Défense, l'armée ne s'est pas retirée de Hama.", Lang::Fr));
    assert_eq!(x.claims[0].polarity, Polarity::Denied, "{:#?}", x.claims);
    assert_eq!(x.claims[0].event, EventType::Withdrawal);
    let x = p.extract(&article("Les forces du régime se seraient retirées de Hama.", Lang::Fr));
    assert_eq!(x.claims[0].modality, Modality::Hedged);
    let x = p.extract(&article("Troops reportedly withdrew from Hama.", Lang::En));
    assert_eq!(x.claims[0].modality, Modality::Hedged);
    let x = p.extract(&article("Troops did not withdraw from Hama, the ministry said.", Lang::En));
    assert_eq!(x.claims[0].polarity, Polarity::Denied, "{:#?}", x.claims);
}

#[test]
fn unattributed_reports_are_not_the_outlets() {
    let p = pipeline();
    let x = p.extract(&article("It was reported that troops pulled out of Palmyra.", Lang::En));
    assert_eq!(x.claims[0].source.claimant, UNATTRIBUTED);
    let x = p.extract(&article("Troops pulled out of Palmyra.", Lang::En));
    assert_eq!(x.claims[0].source.claimant, "Test Outlet");
    assert_eq!(x.claims[0].modality, Modality::Certain);
}

#[test]
fn bullets_inherit_the_announcement() {
    let p = pipeline();
    let x = p.extract(&article(
        "La « Chambre des Opérations du Sud » a annoncé :\n- la prise de la ville d’Izra.\n- le contrôle de la route.\n",
        Lang::Fr,
    ));
    let bullets: Vec<&ClaimDraft> =
        x.claims.iter().filter(|c| x.statements[c.statement].kind == StatementKind::Bullet).collect();
    assert_eq!(bullets.len(), 2);
    assert!(bullets.iter().all(|c| c.source.side == "opposition"));
}

/// Also "X cité par Y" inside the claimant phrase of "selon" or of an inverted frame: X
/// speaks, Y relays, and X does not take Y's name; "said X quoted by Y" is not "according to Y".
#[test]
fn a_quoted_source_ends_before_the_word_that_links_it_to_its_verb() {
    let p = pipeline();
    for (body, lang, claimant, relay) in [
        ("Selon une source militaire citée par SANA, l'armée s'est retirée de Hama.", Lang::Fr, "une source militaire", "SANA"),
        (
            "Les forces gouvernementales se sont retirées de Deir ez-Zor, a affirmé un habitant interrogé par l'AFP.",
            Lang::Fr,
            "un habitant",
            "l'AFP",
        ),
        (
            "According to a resident cited by the Syrian Observatory for Human Rights, the army withdrew from Rastan.",
            Lang::En,
            "a resident",
            "the Syrian Observatory for Human Rights",
        ),
        (
            "State news agency SANA quoted a military source as saying that reports of a withdrawal from Homs were baseless.",
            Lang::En,
            "a military source",
            "State news agency SANA",
        ),
        ("Syrian television quoted an officer who said troops had withdrawn from Hama.", Lang::En, "an officer", "Syrian television"),
        (
            "L'agence SANA a cité une source militaire qui a affirmé que les informations sur un retrait de Homs étaient sans fondement.",
            Lang::Fr,
            "une source militaire",
            "L'agence SANA",
        ),
        // After a verb of saying, "quoted by" / "cité par" relays the source the verb introduces.
        ("Government troops withdrew from Hama, said a military source quoted by SANA.", Lang::En, "a military source", "SANA"),
        ("Les troupes se sont retirées de Hama, a affirmé un responsable cité par SANA.", Lang::Fr, "un responsable", "SANA"),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(x.claims.len(), 1, "{body}: {:#?}", x.claims);
        let c = &x.claims[0];
        assert_eq!(c.source.claimant, claimant, "{body}");
        assert_eq!(c.source.relayed_by.as_deref(), Some(relay), "{body}");
        assert_eq!(c.event, EventType::Withdrawal, "{body}");
    }
}

#[test]
fn things_do_not_speak_the_outlet_does() {
    let p = pipeline();
    for (body, lang) in [
        ("Ces événements témoignent de la persistance de la résistance populaire dans la province de Deraa.", Lang::Fr),
        ("These developments show that the army has lost ground around Hama.", Lang::En),
    ] {
        let x = p.extract(&article(body, lang));
        assert!(x.claims.iter().all(|c| c.source.claimant == "Test Outlet"), "{body}: {:#?}", x.claims);
    }
    // A speaker is still a speaker.
    let x = p.extract(&article("The governor said that the army had withdrawn from Hama.", Lang::En));
    assert_eq!(x.claims[0].source.claimant, "The governor");
}

#[test]
fn nouns_that_look_like_deployment_verbs_are_not_deployments() {
    let p = pipeline();
    for body in [
        "Reuters said in a dispatch that the army had shelled Hama.",
        "The rebels said they reached the police station in Homs.",
    ] {
        let x = p.extract(&article(body, Lang::En));
        assert!(x.claims.iter().all(|c| c.event != EventType::Deployment), "{body}: {:#?}", x.claims);
    }
    let x = p.extract(&article("The army said it dispatched reinforcements to Hama.", Lang::En));
    assert_eq!(x.claims[0].event, EventType::Deployment);
}

#[test]
fn close_to_a_place_is_a_place_loyal_to_a_capital_is_not() {
    let p = pipeline();
    for (body, lang) in [
        ("Rebels said they captured a village close to Hama.", Lang::En),
        ("Les rebelles ont affirmé avoir pris un village proche de Hama.", Lang::Fr),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(place_names(&p, &x.claims[0]), ["Ḩamāh"], "{body}");
    }
    let x = p.extract(&article("Fighters loyal to Damascus said they captured Hama.", Lang::En));
    assert_eq!(place_names(&p, &x.claims[0]), ["Ḩamāh"]);
}

#[test]
fn an_aside_after_the_actor_does_not_take_the_action_from_it() {
    let p = pipeline();
    for body in [
        "Government forces, backed by Russian jets, recaptured Hama, the army said.",
        "Government forces recaptured Hama, the army said.",
    ] {
        let x = p.extract(&article(body, Lang::En));
        assert_eq!(x.claims[0].actor_side, "government", "{body}: {:#?}", x.claims);
    }
    // Joined to the name, the same word qualifies it: Turkish-backed fighters are not Turkey.
    let x = p.extract(&article("Turkish-backed fighters captured Manbij, a commander said.", Lang::En));
    assert_ne!(x.claims[0].actor_side, "foreign-government", "{:#?}", x.claims);
}

#[test]
fn nightfall_and_autumn_are_not_captures() {
    let p = pipeline();
    for (body, lang) in [
        ("À la nuit tombée, l'armée a bombardé Idleb, selon l'OSDH.", Lang::Fr),
        ("In the fall, troops shelled Idlib, the monitor said.", Lang::En),
    ] {
        let x = p.extract(&article(body, lang));
        assert!(x.claims.iter().all(|c| c.event != EventType::Capture), "{body}: {:#?}", x.claims);
    }
    let x = p.extract(&article("Selon l'OSDH, la ville d'Idleb est tombée aux mains des rebelles.", Lang::Fr));
    assert_eq!(x.claims[0].event, EventType::Capture);
}

/// The one spoken to ("à l'AFP", "to AFP") is no part of an inverted subject, before or
/// after it, and a speaker the lexicon does not know is still the speaker.
#[test]
fn the_one_spoken_to_is_cut_from_an_inverted_subject() {
    let p = pipeline();
    for (body, lang) in [
        ("« Nos forces sont entrées dans Homs », a déclaré à l'AFP Hassan Abdel Ghani.", Lang::Fr),
        ("« Nos forces sont entrées dans Homs », a déclaré Hassan Abdel Ghani à l'AFP.", Lang::Fr),
        ("« Nos forces sont entrées dans Homs », a déclaré Hassan Abdel Ghani.", Lang::Fr),
        ("\"Our forces have entered Homs,\" said to AFP Hassan Abdel Ghani.", Lang::En),
        ("\"Our forces have entered Homs,\" said Hassan Abdel Ghani to AFP.", Lang::En),
        ("\"Our forces have entered Homs,\" said Hassan Abdel Ghani.", Lang::En),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(x.claims.len(), 1, "{body}: {:#?}", x.claims);
        let c = &x.claims[0];
        assert_eq!(c.source.claimant, "Hassan Abdel Ghani", "{body}");
        assert_eq!(c.event, EventType::Entry, "{body}");
    }
    // The one spoken to named by a common noun ("au journal Al-Watan", "to reporters").
    for (body, lang, claimant) in [
        (
            "Les rebelles sont entrés dans Homs, a déclaré au journal Al-Watan le porte-parole de l'armée.",
            Lang::Fr,
            "le porte-parole de l'armée",
        ),
        ("Rebels entered Homs, said to reporters the army spokesman.", Lang::En, "the army spokesman"),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(x.claims[0].source.claimant, claimant, "{body}: {:#?}", x.claims);
        assert_eq!(x.claims[0].source.side, "government", "{body}");
    }
}

/// A name and its apposition before a verb with only the one spoken to after it is the
/// subject, not an inverted frame whose speaker is the outlet spoken to.
#[test]
fn an_apposition_before_the_verb_keeps_the_speaker_before_it() {
    let p = pipeline();
    for (body, lang, claimant, side) in [
        (
            "\"Our forces have entered Homs,\" Hassan Abdel Ghani, a rebel spokesman, told Al Jazeera.",
            Lang::En,
            "a rebel spokesman",
            "opposition",
        ),
        (
            "« Nos forces sont entrées dans Homs », Hassan Abdel Ghani, un porte-parole des rebelles, a déclaré à l'AFP.",
            Lang::Fr,
            "un porte-parole des rebelles",
            "opposition",
        ),
        ("Troops withdrew from Hama, Rami Abdel Rahman, head of the SOHR, told AFP.", Lang::En, "head of the SOHR", "monitor"),
        (
            "Les troupes se sont retirées de Hama, Rami Abdel Rahmane, directeur de l'OSDH, a déclaré à l'AFP.",
            Lang::Fr,
            "directeur de l'OSDH",
            "monitor",
        ),
        ("Troops withdrew from Hama, a rebel commander told Reuters.", Lang::En, "a rebel commander", "opposition"),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(x.claims.len(), 1, "{body}: {:#?}", x.claims);
        let c = &x.claims[0];
        assert_eq!(c.source.claimant, claimant, "{body}");
        assert_eq!(c.source.side, side, "{body}");
        assert_ne!(c.event, EventType::Other, "{body}");
    }
}

/// "..., which said", "..., qui a précisé": a relative pronoun as subject speaks for its
/// antecedent; a relative clause between a subject and its verb is no part of the subject.
#[test]
fn a_relative_pronoun_subject_takes_its_antecedent_as_claimant() {
    let p = pipeline();
    for (body, lang, event, claimant) in [
        (
            "According to the SOHR, which said government troops had abandoned their positions in Hama, the rebels entered the city.",
            Lang::En,
            EventType::Withdrawal,
            "the SOHR",
        ),
        (
            "Selon l'OSDH, qui a affirmé que les troupes gouvernementales avaient abandonné leurs positions à Hama, les rebelles sont entrés dans la ville.",
            Lang::Fr,
            EventType::Withdrawal,
            "l'OSDH",
        ),
        ("Soldiers fled Hama, the SOHR reported, which said rebels had entered the city.", Lang::En, EventType::Entry, "the SOHR"),
        (
            "Des soldats ont fui Hama, a rapporté l'OSDH, qui a précisé que les rebelles étaient entrés dans la ville.",
            Lang::Fr,
            EventType::Entry,
            "l'OSDH",
        ),
        (
            "Rebels entered Homs, according to a local source, who said the army had withdrawn.",
            Lang::En,
            EventType::Withdrawal,
            "a local source",
        ),
        (
            "Les rebelles sont entrés dans Homs, selon une source locale, qui a affirmé que l'armée s'était retirée.",
            Lang::Fr,
            EventType::Withdrawal,
            "une source locale",
        ),
        ("A resident, who asked not to be named, said soldiers had fled Hama.", Lang::En, EventType::Withdrawal, "A resident"),
        (
            "Un habitant, qui a requis l'anonymat, a affirmé que les soldats avaient fui Hama.",
            Lang::Fr,
            EventType::Withdrawal,
            "Un habitant",
        ),
    ] {
        let x = p.extract(&article(body, lang));
        let relative = |w: &str| ["which", "who", "qui"].iter().any(|r| w.to_lowercase().starts_with(r));
        assert!(x.claims.iter().all(|c| !relative(&c.source.claimant)), "{body}: {:#?}", x.claims);
        let c = x.claims.iter().find(|c| c.event == event).unwrap_or_else(|| panic!("{body}: {:#?}", x.claims));
        assert_eq!(c.source.claimant, claimant, "{body}");
    }
}

/// A word that may stand before a verb ("on Thursday", "également") is the content's when a
/// comma parts it from the verb of a frame that closes the sentence.
#[test]
fn an_adverbial_before_the_comma_of_a_closing_frame_is_the_contents() {
    let p = pipeline();
    for (body, lang, claimant) in [
        ("Government troops withdrew from Hama on Thursday, said a military source.", Lang::En, "a military source"),
        (
            "Les troupes se sont retirées de Hama également, a affirmé une source militaire.",
            Lang::Fr,
            "une source militaire",
        ),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(x.claims.len(), 1, "{body}: {:#?}", x.claims);
        assert_eq!(x.claims[0].source.claimant, claimant, "{body}");
        assert_eq!(x.claims[0].event, EventType::Withdrawal, "{body}");
    }
}

/// A verb inside a relative clause between a subject and its own verb is not the frame's:
/// "The army, which denied the reports, said ..." is the army saying, not denying.
#[test]
fn a_verb_inside_a_relative_clause_is_not_the_frames() {
    let p = pipeline();
    for (body, lang, claimant) in [
        ("The army, which denied the reports, said troops had withdrawn from Hama.", Lang::En, "The army"),
        (
            "Syrian state media, which had earlier denied the reports, said troops had withdrawn from Hama.",
            Lang::En,
            "Syrian state media",
        ),
        (
            "L'armée, qui a démenti ces informations, a affirmé que ses troupes s'étaient retirées de Hama.",
            Lang::Fr,
            "L'armée",
        ),
        ("A resident, who asked not to be named, said rebels had entered Hama.", Lang::En, "A resident"),
        (
            "Un habitant, qui a requis l'anonymat, a dit que les rebelles étaient entrés dans Hama.",
            Lang::Fr,
            "Un habitant",
        ),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(x.claims.len(), 1, "{body}: {:#?}", x.claims);
        let c = &x.claims[0];
        assert_eq!(c.source.claimant, claimant, "{body}");
        assert_eq!(c.polarity, Polarity::Asserted, "{body}");
        assert_ne!(c.event, EventType::Other, "{body}");
    }
}

/// The outlet spoken to carries the words, as a relay does: "told Al Jazeera", "à l'AFP".
#[test]
fn the_outlet_spoken_to_relays_the_speaker() {
    let p = pipeline();
    for (body, lang, claimant, relay) in [
        (
            "\"Our forces have entered Homs,\" Hassan Abdel Ghani, a rebel spokesman, told Al Jazeera.",
            Lang::En,
            "a rebel spokesman",
            "Al Jazeera",
        ),
        ("Rebels entered Homs, a rebel commander told Reuters.", Lang::En, "a rebel commander", "Reuters"),
        ("\"Our forces have entered Homs,\" said Hassan Abdel Ghani to AFP.", Lang::En, "Hassan Abdel Ghani", "AFP"),
        (
            "« Nos forces sont entrées dans Homs », a déclaré à l'AFP Hassan Abdel Ghani.",
            Lang::Fr,
            "Hassan Abdel Ghani",
            "AFP",
        ),
        (
            "Les rebelles sont entrés dans Homs, a dit un commandant rebelle à Reuters.",
            Lang::Fr,
            "un commandant rebelle",
            "Reuters",
        ),
        (
            "Un commandant rebelle a déclaré à l'AFP que les rebelles étaient entrés dans Homs.",
            Lang::Fr,
            "Un commandant rebelle",
            "AFP",
        ),
    ] {
        let x = p.extract(&article(body, lang));
        assert_eq!(x.claims.len(), 1, "{body}: {:#?}", x.claims);
        let c = &x.claims[0];
        assert_eq!(c.source.claimant, claimant, "{body}");
        assert_eq!(c.source.relayed_by.as_deref(), Some(relay), "{body}");
        assert_ne!(c.source.side, "media", "{body}");
        assert_eq!(c.event, EventType::Entry, "{body}");
    }
}
