//! HTML pages: the article's text without menus, plus metadata from `<meta>` tags.
//!
//! The container is the largest `<article>`, else `<main>`, else `[role=main]`, else
//! `<body>`. Inside it, scripts, styles, navigation, page headers (a `<header>` outside any
//! `<article>`), footers, asides, forms, hidden elements and elements whose class or id
//! names a menu, share bar, cookie banner, newsletter box, related links or comments are
//! dropped. Block elements become lines; list items start with "- "; whitespace inside a
//! block is collapsed. Nothing referenced by the page (scripts, images, links) is fetched.

use std::sync::OnceLock;

use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use super::{build_article, collapse_html_whitespace, collapse_whitespace, dates, skipped, Meta, ReadOptions};
use crate::article::{Article, Lang, Skipped};

/// Deeper element nesting than this is refused: html5ever's tree building slows down
/// quadratically with depth, and real pages stay far below it.
const MAX_NESTING: usize = 2000;

pub(crate) fn read_html(source: &str, text: &str, opts: &ReadOptions) -> Result<Article, Skipped> {
    if nesting_estimate(text) > MAX_NESTING {
        return Err(skipped(source, format!("HTML nested too deeply (more than {MAX_NESTING} levels)")));
    }
    let doc = Html::parse_document(text);
    let container = choose_container(&doc);
    let body = extract_text(container);
    if body.trim().is_empty() {
        return Err(skipped(source, "no article text found in the HTML"));
    }
    let meta = page_meta(&doc, container);
    build_article(source, meta, body, opts).map_err(|r| skipped(source, r))
}

/// Elements that never have content, or whose end tag may be left out (the parser closes
/// them itself): they do not add to the nesting.
const NO_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr", "p",
    "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "caption", "rb",
    "rt", "rp", "html", "head", "body",
];

/// A cheap upper estimate of the element nesting depth, in one linear pass: start tags
/// add one, end tags take one off; comments, scripts and styles are skipped over.
fn nesting_estimate(text: &str) -> usize {
    let lower = text.to_ascii_lowercase();
    let b = lower.as_bytes();
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    let skip_to = |from: usize, needle: &str| -> usize {
        lower.get(from..).and_then(|r| r.find(needle)).map_or(b.len(), |j| from + j + needle.len())
    };
    let tag_name = |from: usize| -> &str {
        let len =
            b.get(from..).map_or(0, |r| r.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count());
        lower.get(from..from + len).unwrap_or("")
    };
    while i < b.len() {
        let Some(j) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) else {
            break;
        };
        i += j + 1;
        match b.get(i) {
            Some(b'!') => {
                i = if b.get(i..i + 3) == Some(b"!--") { skip_to(i, "-->") } else { skip_to(i, ">") };
            }
            Some(b'/') => {
                let name = tag_name(i + 1);
                if !NO_NESTING.contains(&name) {
                    depth = depth.saturating_sub(1);
                }
                i = skip_to(i, ">");
            }
            Some(c) if c.is_ascii_alphabetic() => {
                let name = tag_name(i);
                let end = skip_to(i, ">");
                let self_closing = end >= 2 && b.get(end - 2) == Some(&b'/');
                i = end;
                if name == "script" || name == "style" {
                    i = skip_to(i, if name == "script" { "</script" } else { "</style" });
                    continue;
                }
                if !self_closing && !NO_NESTING.contains(&name) {
                    depth += 1;
                    max = max.max(depth);
                }
            }
            _ => {}
        }
    }
    max
}

struct Selectors {
    article: Selector,
    main: Selector,
    role_main: Selector,
    body: Selector,
    meta: Selector,
    title: Selector,
    h1: Selector,
    canonical: Selector,
    time: Selector,
    date_published: Selector,
    ld_json: Selector,
}

fn selectors() -> &'static Selectors {
    static S: OnceLock<Selectors> = OnceLock::new();
    S.get_or_init(|| {
        let s = |css: &str| Selector::parse(css).expect("static selector");
        Selectors {
            article: s("article"),
            main: s("main"),
            role_main: s("[role=main]"),
            body: s("body"),
            meta: s("meta"),
            title: s("title"),
            h1: s("h1"),
            canonical: s("link[rel~=canonical]"),
            time: s("time[datetime]"),
            date_published: s("[itemprop=datePublished]"),
            ld_json: s("script[type=\"application/ld+json\"]"),
        }
    })
}

fn text_len(el: ElementRef<'_>) -> usize {
    el.text().map(|t| t.trim().len()).sum()
}

fn has_text(el: &ElementRef<'_>) -> bool {
    el.text().any(|t| !t.trim().is_empty())
}

fn is_element(node: &Node, name: &str) -> bool {
    node.as_element().is_some_and(|e| e.name() == name)
}

fn choose_container(doc: &Html) -> ElementRef<'_> {
    let s = selectors();
    // Outermost articles only: an outer one holds the text of those inside it.
    let best_article = doc
        .select(&s.article)
        .filter(|a| !a.ancestors().any(|n| is_element(n.value(), "article")))
        .map(|a| (text_len(a), a))
        .filter(|(len, _)| *len > 0)
        .max_by_key(|(len, _)| *len)
        .map(|(_, a)| a);
    best_article
        .or_else(|| doc.select(&s.main).find(has_text))
        .or_else(|| doc.select(&s.role_main).find(has_text))
        .or_else(|| doc.select(&s.body).next())
        .unwrap_or_else(|| doc.root_element())
}

fn is_dropped_tag(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "nav"
            | "footer"
            | "aside"
            | "form"
            | "button"
            | "svg"
            | "iframe"
            | "template"
            | "select"
            | "textarea"
            | "input"
            | "dialog"
            | "menu"
            | "object"
            | "embed"
            | "canvas"
            | "audio"
            | "video"
            | "map"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "math"
    )
}

const DROP_ROLES: &[&str] =
    &["navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog", "menu", "menubar"];

/// Words in class or id that mark page furniture rather than article text.
const BOILERPLATE_WORDS: &[&str] = &[
    "menu",
    "nav",
    "navbar",
    "navigation",
    "share",
    "sharing",
    "sharebar",
    "social",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "newsletter",
    "subscribe",
    "subscription",
    "related",
    "recommended",
    "recommendation",
    "recommendations",
    "comment",
    "comments",
    "commentaire",
    "commentaires",
    "sidebar",
    "breadcrumb",
    "breadcrumbs",
    "promo",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "pub",
    "banner",
    "popup",
    "modal",
    "outbrain",
    "taboola",
    "masthead",
    "toolbar",
    "trending",
];
const BOILERPLATE_PAIRS: &[(&str, &str)] = &[
    ("lire", "aussi"),
    ("a", "lire"),
    ("voir", "aussi"),
    ("read", "more"),
    ("read", "also"),
    ("most", "read"),
    ("more", "stories"),
    ("sr", "only"),
];

fn boilerplate_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.iter().any(|w| BOILERPLATE_WORDS.contains(w))
        || words.windows(2).any(|p| BOILERPLATE_PAIRS.contains(&(p[0], p[1])))
}

fn is_hidden(el: &scraper::node::Element) -> bool {
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "p" | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "blockquote"
            | "div"
            | "figcaption"
            | "pre"
            | "tr"
            | "section"
            | "article"
            | "main"
            | "header"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "figure"
            | "address"
            | "details"
            | "summary"
            | "center"
            | "body"
    )
}

/// Lines of text being built from the tree.
struct Lines {
    lines: Vec<String>,
    current: String,
    bullet: bool,
}

impl Lines {
    fn flush(&mut self) {
        let line = collapse_html_whitespace(&self.current);
        self.current.clear();
        if line.is_empty() {
            return;
        }
        if self.bullet {
            self.lines.push(format!("- {line}"));
            self.bullet = false;
        } else {
            self.lines.push(line);
        }
    }
}

/// The text of the container, one line per block. Iterative: deep nesting cannot
/// overflow the stack.
fn extract_text(container: ElementRef<'_>) -> String {
    // Elements holding a headline are never dropped as furniture. Marked once, walking up
    // from each h1 until an already marked element: linear overall.
    let mut holds_headline = std::collections::HashSet::new();
    for h in container.select(&selectors().h1) {
        for a in std::iter::once(*h).chain(h.ancestors()) {
            if !holds_headline.insert(a.id()) {
                break;
            }
        }
    }
    let mut out = Lines { lines: Vec::new(), current: String::new(), bullet: false };
    let mut pre_depth = 0usize;
    let mut stack = vec![(*container, false)];
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Text(t) => {
                if pre_depth > 0 {
                    let mut parts = t.split('\n');
                    if let Some(first) = parts.next() {
                        out.current.push_str(first);
                    }
                    for part in parts {
                        out.flush();
                        out.current.push_str(part);
                    }
                } else {
                    out.current.push_str(t);
                }
            }
            Node::Element(el) => {
                let name = el.name();
                if closing {
                    if name == "pre" {
                        pre_depth = pre_depth.saturating_sub(1);
                    }
                    if is_block_tag(name) {
                        out.flush();
                    }
                    if name == "li" {
                        out.bullet = false;
                    }
                    continue;
                }
                if node.id() != container.id() {
                    if is_dropped_tag(name) || is_hidden(el) {
                        continue;
                    }
                    if el.attr("role").is_some_and(|r| DROP_ROLES.contains(&r.trim())) {
                        continue;
                    }
                    if name == "header" && !node.ancestors().any(|a| is_element(a.value(), "article")) {
                        continue;
                    }
                    let furniture =
                        el.attr("class").is_some_and(boilerplate_name) || el.id().is_some_and(boilerplate_name);
                    // Never drop the part that holds the headline.
                    if furniture && !holds_headline.contains(&node.id()) {
                        continue;
                    }
                }
                match name {
                    "br" | "hr" => {
                        out.flush();
                        continue;
                    }
                    "td" | "th" => {
                        if !out.current.trim().is_empty() {
                            out.current.push_str(" | ");
                        } else {
                            out.current.push(' ');
                        }
                    }
                    "img" => continue,
                    _ => {}
                }
                if is_block_tag(name) {
                    out.flush();
                }
                if name == "li" {
                    out.bullet = true;
                }
                if name == "pre" {
                    pre_depth += 1;
                }
                stack.push((node, true));
                for child in node.children().rev() {
                    stack.push((child, false));
                }
            }
            _ => {}
        }
    }
    out.flush();
    out.lines.join("\n")
}

/// Metadata from the page: `<meta>` tags, JSON-LD, `<title>`, `<time>`, `<html lang>`.
fn page_meta(doc: &Html, container: ElementRef<'_>) -> Meta {
    let s = selectors();
    let mut og_title = None;
    let mut twitter_title = None;
    let mut site_name = None;
    let mut og_url = None;
    let mut author = None;
    let mut locale = None;
    // (priority, date): lower priority number wins.
    let mut published: Option<(usize, chrono::NaiveDate)> = None;
    const DATE_KEYS: &[&str] = &[
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "publish-date",
        "date",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "dcterms.date",
        "parsely-pub-date",
        "sailthru.date",
        "publication_date",
    ];
    for m in doc.select(&s.meta) {
        let Some(content) = m.attr("content") else {
            continue;
        };
        let key = m
            .attr("property")
            .or_else(|| m.attr("name"))
            .or_else(|| m.attr("itemprop"))
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        let first = |slot: &mut Option<String>| {
            if slot.is_none() && !content.trim().is_empty() {
                *slot = Some(content.to_string());
            }
        };
        match key.as_str() {
            "og:title" => first(&mut og_title),
            "twitter:title" => first(&mut twitter_title),
            "og:site_name" => first(&mut site_name),
            "og:url" => first(&mut og_url),
            "og:locale" => first(&mut locale),
            "author" | "article:author" | "byl" => {
                if !content.trim_start().starts_with("http") {
                    first(&mut author);
                }
            }
            k => {
                if let Some(p) = DATE_KEYS.iter().position(|d| *d == k) {
                    if let Some(date) = dates::parse_date_value(content) {
                        if published.is_none_or(|(q, _)| p < q) {
                            published = Some((p, date));
                        }
                    }
                }
            }
        }
    }
    let mut published = published.map(|(_, d)| d);
    if published.is_none() {
        published = ld_json_date(doc);
    }
    if published.is_none() {
        // <time itemprop=datePublished>, else a <time datetime> in the article, else any.
        let from_el =
            |e: ElementRef<'_>| e.attr("datetime").or_else(|| e.attr("content")).and_then(dates::parse_date_value);
        published = doc
            .select(&s.date_published)
            .find_map(from_el)
            .or_else(|| container.select(&s.time).find_map(from_el))
            .or_else(|| doc.select(&s.time).find_map(from_el));
    }
    let site_name = site_name.map(|n| collapse_whitespace(&n));
    let title = og_title
        .or(twitter_title)
        .map(|t| collapse_whitespace(&t))
        .filter(|t| !t.is_empty())
        .or_else(|| {
            doc.select(&s.title)
                .next()
                .map(|t| collapse_whitespace(&t.text().collect::<String>()))
                .map(|t| strip_site_suffix(&t, site_name.as_deref()))
                .filter(|t| !t.is_empty())
        })
        .or_else(|| {
            container
                .select(&s.h1)
                .next()
                .or_else(|| doc.select(&s.h1).next())
                .map(|h| collapse_whitespace(&h.text().collect::<String>()))
                .filter(|t| !t.is_empty())
        });
    let url = og_url.or_else(|| doc.select(&s.canonical).find_map(|l| l.attr("href")).map(str::to_string));
    let root = doc.root_element();
    let lang = root
        .attr("lang")
        .or_else(|| root.attr("xml:lang"))
        .and_then(Lang::parse)
        .or_else(|| locale.as_deref().and_then(Lang::parse));
    Meta { title, outlet: site_name, url, published, lang, author }
}

/// "Title - Site" / "Title | Site" / "Title – Site" without the site name.
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    if let Some(site) = site.filter(|s| !s.is_empty()) {
        for sep in [" - ", " | ", " – ", " — ", " : "] {
            if let Some(head) = title.strip_suffix(site).and_then(|h| h.strip_suffix(sep)) {
                if !head.trim().is_empty() {
                    return head.trim().to_string();
                }
            }
        }
    }
    title.to_string()
}

/// `datePublished` from JSON-LD blocks (searched breadth-first, bounded).
fn ld_json_date(doc: &Html) -> Option<chrono::NaiveDate> {
    for script in doc.select(&selectors().ld_json) {
        let raw: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<Value>(raw.trim()) else {
            continue;
        };
        let mut queue = std::collections::VecDeque::from([&value]);
        let mut seen = 0;
        while let Some(v) = queue.pop_front() {
            seen += 1;
            if seen > 10_000 {
                break;
            }
            match v {
                Value::Object(map) => {
                    if let Some(Value::String(d)) = map.get("datePublished") {
                        if let Some(date) = dates::parse_date_value(d) {
                            return Some(date);
                        }
                    }
                    queue.extend(map.values());
                }
                Value::Array(items) => queue.extend(items.iter()),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::super::{read_bytes, Format};
    use super::*;

    const FR: &str = "Le gouvernement a annoncé mardi que la réforme serait présentée au \
                      Parlement dans les prochaines semaines, selon le ministre.";

    fn read(html: &str) -> Result<Article, Skipped> {
        let mut v = read_bytes("p.html", html.as_bytes(), Format::Html, &ReadOptions::default());
        assert_eq!(v.len(), 1);
        v.remove(0)
    }

    fn page() -> String {
        format!(
            r#"<!DOCTYPE html>
<html lang="fr-FR">
<head>
  <title>Réforme des retraites - Le Quotidien</title>
  <meta property="og:title" content="Réforme : le calendrier dévoilé">
  <meta property="og:site_name" content="Le Quotidien">
  <meta property="og:url" content="https://quotidien.example/reforme">
  <meta property="article:published_time" content="2024-12-06T14:03:00+01:00">
  <meta name="author" content="Jeanne Martin">
  <style>body {{ color: red }}</style>
  <script>var secret = "SCRIPT_TEXT";</script>
</head>
<body>
  <header class="site-header"><a href="/">Le Quotidien</a> <span>PAGE_HEADER</span></header>
  <nav><ul><li>Politique</li><li>NAV_ITEM</li></ul></nav>
  <div class="cookie-banner">Nous utilisons des cookies COOKIE_TEXT</div>
  <article>
    <header><h1>Réforme : le calendrier   dévoilé</h1><p class="byline">Par Jeanne Martin</p></header>
    <div class="share-buttons"><a>Partager SHARE_TEXT</a></div>
    <p>{FR}</p>
    <p>Les syndicats ont dénoncé une &laquo;&nbsp;provocation&nbsp;&raquo; &amp; appellent à la grève.</p>
    <script>document.write("INLINE_SCRIPT")</script>
    <ul><li>Premier point</li><li>Second <b>point</b></li></ul>
    <blockquote>«&nbsp;Nous irons jusqu'au bout&nbsp;», a-t-il dit.</blockquote>
    <figure><img src="x.jpg" alt="ALT_TEXT"><figcaption>Le ministre, mardi.</figcaption></figure>
    <table><tr><th>Année</th><th>Âge</th></tr><tr><td>2025</td><td>63</td></tr></table>
    <aside>ASIDE_TEXT</aside>
    <section id="comments"><p>COMMENT_TEXT</p></section>
    <div class="related-articles"><a>RELATED_TEXT</a></div>
    <footer>ARTICLE_FOOTER</footer>
  </article>
  <footer>PAGE_FOOTER</footer>
  <form><button>NEWSLETTER</button></form>
</body>
</html>"#
        )
    }

    #[test]
    fn article_text_without_furniture() {
        let a = read(&page()).unwrap();
        for bad in [
            "SCRIPT_TEXT",
            "INLINE_SCRIPT",
            "color: red",
            "PAGE_HEADER",
            "NAV_ITEM",
            "COOKIE_TEXT",
            "SHARE_TEXT",
            "ASIDE_TEXT",
            "COMMENT_TEXT",
            "RELATED_TEXT",
            "ARTICLE_FOOTER",
            "PAGE_FOOTER",
            "NEWSLETTER",
            "ALT_TEXT",
            "&amp;",
            "&nbsp;",
            "<",
        ] {
            assert!(!a.body.contains(bad), "{bad} in body:\n{}", a.body);
        }
        let lines: Vec<&str> = a.body.lines().collect();
        assert_eq!(lines[0], "Réforme : le calendrier dévoilé");
        assert_eq!(lines[1], "Par Jeanne Martin");
        assert_eq!(lines[2], FR);
        assert_eq!(lines[3], "Les syndicats ont dénoncé une «\u{a0}provocation\u{a0}» & appellent à la grève.");
        assert_eq!(lines[4], "- Premier point");
        assert_eq!(lines[5], "- Second point");
        assert_eq!(lines[6], "«\u{a0}Nous irons jusqu'au bout\u{a0}», a-t-il dit.");
        assert_eq!(lines[7], "Le ministre, mardi.");
        assert_eq!(lines[8], "Année | Âge");
        assert_eq!(lines[9], "2025 | 63");
        assert_eq!(lines.len(), 10, "{}", a.body);
    }

    #[test]
    fn metadata() {
        let a = read(&page()).unwrap();
        assert_eq!(a.title.as_deref(), Some("Réforme : le calendrier dévoilé"));
        assert_eq!(a.outlet.as_deref(), Some("Le Quotidien"));
        assert_eq!(a.url.as_deref(), Some("https://quotidien.example/reforme"));
        assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 12, 6));
        assert_eq!(a.lang, Some(Lang::Fr));
        assert_eq!(a.author.as_deref(), Some("Jeanne Martin"));
        assert_eq!(a.source, "p.html");
    }

    #[test]
    fn title_falls_back_to_title_tag_then_h1() {
        let a = read(&format!(
            "<html><head><title>Le titre | Site</title><meta property=og:site_name content=Site></head><body><p>{FR}</p></body></html>"
        ))
        .unwrap();
        assert_eq!(a.title.as_deref(), Some("Le titre"));
        let a = read(&format!("<html><body><h1> Un  titre </h1><p>{FR}</p></body></html>")).unwrap();
        assert_eq!(a.title.as_deref(), Some("Un titre"));
        assert!(a.body.starts_with("Un titre\n"));
    }

    #[test]
    fn container_preference() {
        let html = format!("<html><body><div>MENU_TEXT</div><main><p>{FR}</p></main><div>OTHER</div></body></html>");
        let a = read(&html).unwrap();
        assert_eq!(a.body, FR);
        let html = format!("<html><body><div>MENU_TEXT</div><div role=main><p>{FR}</p></div></body></html>");
        assert_eq!(read(&html).unwrap().body, FR);
        // Without any container, the body is used, minus the page header and nav.
        let html = format!("<html><body><header>HEAD</header><nav>NAV</nav><div>{FR}</div></body></html>");
        assert_eq!(read(&html).unwrap().body, FR);
        // The largest article wins over a teaser article.
        let html = format!("<html><body><article><p>Court.</p></article><article><p>{FR}</p></article></body></html>");
        assert_eq!(read(&html).unwrap().body, FR);
    }

    #[test]
    fn dates_from_time_ld_json_and_text() {
        let html = format!(
            "<html lang=fr><body><article><time datetime=\"2024-12-06T10:00\">6 déc.</time><p>{FR}</p></article></body></html>"
        );
        assert_eq!(read(&html).unwrap().published, NaiveDate::from_ymd_opt(2024, 12, 6));
        let html = format!(
            r#"<html lang=fr><head><script type="application/ld+json">{{"@graph":[{{"@type":"NewsArticle","datePublished":"2024-11-05T08:00:00Z"}}]}}</script></head><body><article><p>{FR}</p></article></body></html>"#
        );
        assert_eq!(read(&html).unwrap().published, NaiveDate::from_ymd_opt(2024, 11, 5));
        let html = format!(
            "<html lang=fr><body><article><h1>T</h1><p>12:036/12/2024, vendredi</p><p>{FR}</p></article></body></html>"
        );
        assert_eq!(read(&html).unwrap().published, NaiveDate::from_ymd_opt(2024, 12, 6));
        let html = format!(
            "<html><head><meta name=pubdate content=\"2024-13-45\"><meta name=date content=\"2024-02-03\"></head><body><p>{FR}</p></body></html>"
        );
        assert_eq!(read(&html).unwrap().published, NaiveDate::from_ymd_opt(2024, 2, 3));
    }

    #[test]
    fn lang_attribute_other_than_fr_en_falls_back_to_detection() {
        let html = format!("<html lang=de><body><p>{FR}</p></body></html>");
        assert_eq!(read(&html).unwrap().lang, Some(Lang::Fr));
        let html = "<html lang=fr><body><p>The cat sat on the mat and the dog was in the house.</p></body></html>";
        assert_eq!(read(html).unwrap().lang, Some(Lang::Fr));
    }

    #[test]
    fn canonical_link_for_url_and_hidden_elements() {
        let html = format!(
            "<html><head><link rel=canonical href=\"https://x.example/a\"></head><body><p>{FR}</p><p hidden>HIDDEN</p><p style=\"display: none\">HIDDEN2</p><p aria-hidden=true>HIDDEN3</p></body></html>"
        );
        let a = read(&html).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://x.example/a"));
        assert!(!a.body.contains("HIDDEN"), "{}", a.body);
    }

    #[test]
    fn br_and_pre() {
        let html = format!("<html><body><p>{FR}<br>Ligne deux</p><pre>a  b\nc</pre></body></html>");
        let a = read(&html).unwrap();
        assert_eq!(a.body, format!("{FR}\nLigne deux\na b\nc"));
    }

    #[test]
    fn empty_page() {
        let e = read("<html><body><nav>Menu</nav><script>x</script></body></html>").unwrap_err();
        assert_eq!(e.reason, "no article text found in the HTML");
    }

    #[test]
    fn entity_soup_and_script_never_leak() {
        let html = "<p>Le ministre &eacute;voque &lt;script&gt; et &#233;t&#xe9; &quot;cit&eacute;&quot;.</p><script>alert('LEAK')</script><p>Il est dans la maison et les enfants sont avec elle.</p>";
        let a = read(html).unwrap();
        assert!(a.body.contains("Le ministre évoque <script> et été \"cité\"."), "{}", a.body);
        assert!(!a.body.contains("LEAK"));
        assert!(!a.body.contains("&eacute;"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let depth = 1_500;
        let html = format!("{}{FR}{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let a = read(&html).unwrap();
        assert_eq!(a.body, FR);
        // Deeper than the parser handles quickly: refused at once.
        let depth = 100_000;
        let html = format!("{}{FR}{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let start = std::time::Instant::now();
        let e = read(&html).unwrap_err();
        assert!(e.reason.contains("nested too deeply"), "{e}");
        assert!(start.elapsed().as_secs() < 5);
        let html = format!("{}{FR}", "<span><b>".repeat(depth));
        assert!(read(&html).is_err());
    }

    #[test]
    fn nesting_estimate_ignores_scripts_comments_and_implied_ends() {
        assert_eq!(nesting_estimate("<div><div><p>a<p>b</div></div>"), 2);
        assert_eq!(nesting_estimate("<div><script>for(i=0;i<n;i++){}</script></div>"), 1);
        assert_eq!(nesting_estimate("<!-- <div><div> --><br/><img src=x><x-y/>"), 0);
        assert_eq!(nesting_estimate("<li>a<li>b<li>c"), 0);
        assert_eq!(nesting_estimate("a < b and <"), 0);
        assert_eq!(nesting_estimate("<DIV><Div>"), 2);
        // Closed optional-end elements do not cancel the nesting around them.
        assert_eq!(nesting_estimate(&"<div><p>x</p><li>y</li>".repeat(50)), 50);
    }

    #[test]
    fn furniture_wrapper_with_headline_is_kept() {
        let html = format!(
            "<html><body><div class=\"page-with-sidebar\"><h1>Titre</h1><p>{FR}</p></div><div class=sidebar>SIDE</div></body></html>"
        );
        let a = read(&html).unwrap();
        assert!(a.body.contains(FR));
        assert!(!a.body.contains("SIDE"));
    }
}
