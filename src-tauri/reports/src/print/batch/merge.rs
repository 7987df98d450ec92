//! Many finished PDFs as one: the pages of each, in order, under one page tree.
//!
//! Each document keeps its own objects (its content streams and its own font subsets, named by
//! reference from its pages' resources), renumbered so they do not collide; only what its pages
//! reach is copied (not its catalog, page tree or metadata). Attributes a page inherits from its
//! page tree (resources, media box) are put on the page itself, since the tree is replaced.

use std::collections::BTreeSet;

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId};

use crate::error::{Error, Result};

/// What a page may inherit from its parents in the page tree (PDF 32000-1, 7.7.3.4).
const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

/// Parse one finished PDF for [`merge`] (done on the thread that drew it).
pub fn parse(pdf: &[u8]) -> Result<Document> {
    Document::load_mem(pdf).map_err(|e| Error::Pdf(e.to_string()))
}

/// One document with every page of `docs`, in order, and `title` in its document information.
pub fn merge(docs: Vec<Document>, title: &str) -> Result<Document> {
    let mut out = Document::with_version("1.7");
    let pages_id = out.new_object_id();
    let mut kids = Vec::new();
    for mut doc in docs {
        doc.renumber_objects_with(out.max_id + 1);
        let page_ids: Vec<ObjectId> = doc.page_iter().collect();
        let mut reached = BTreeSet::new();
        for id in &page_ids {
            let mut page = own_page(&doc, *id)?;
            page.set("Parent", pages_id);
            let mut todo = Vec::new();
            for (key, value) in page.iter() {
                if key != b"Parent" {
                    references(value, &mut todo);
                }
            }
            reach(&doc, todo, &mut reached);
            doc.objects.insert(*id, Object::Dictionary(page));
            reached.insert(*id);
            kids.push(Object::Reference(*id));
        }
        for id in reached {
            if let Some(object) = doc.objects.remove(&id) {
                out.objects.insert(id, object);
            }
        }
        out.max_id = out.max_id.max(doc.max_id);
    }
    if kids.is_empty() {
        return Err(Error::Pdf("結合するページがありません".into()));
    }
    let count = i64::try_from(kids.len()).unwrap_or(i64::MAX);
    out.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = out.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = out.add_object(dictionary! {
        "Title" => Object::string_literal(utf16be(title)),
        "Creator" => Object::string_literal(utf16be("地さんぽノート")),
    });
    out.trailer.set("Root", catalog);
    out.trailer.set("Info", info);
    Ok(out)
}

/// The page `id` with what it inherits from its page tree written into it, without its parent.
fn own_page(doc: &Document, id: ObjectId) -> Result<Dictionary> {
    let mut page = doc.get_dictionary(id).map_err(|e| Error::Pdf(e.to_string()))?.clone();
    let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
    while let Some(p) = parent {
        let Ok(node) = doc.get_dictionary(p) else { break };
        for key in INHERITED {
            if !page.has(key) {
                if let Ok(v) = node.get(key) {
                    page.set(key, v.clone());
                }
            }
        }
        parent = node.get(b"Parent").and_then(Object::as_reference).ok();
    }
    page.remove(b"Parent");
    Ok(page)
}

/// Every object reachable from `todo` by reference, not through a `Parent` (which leads back up
/// to the page tree the merge replaces).
fn reach(doc: &Document, mut todo: Vec<ObjectId>, reached: &mut BTreeSet<ObjectId>) {
    while let Some(id) = todo.pop() {
        if !reached.insert(id) {
            continue;
        }
        if let Some(object) = doc.objects.get(&id) {
            match object {
                Object::Dictionary(d) => dict_references(d, &mut todo),
                Object::Stream(s) => dict_references(&s.dict, &mut todo),
                other => references(other, &mut todo),
            }
        }
    }
}

fn dict_references(d: &Dictionary, out: &mut Vec<ObjectId>) {
    for (key, value) in d.iter() {
        if key != b"Parent" {
            references(value, out);
        }
    }
}

fn references(object: &Object, out: &mut Vec<ObjectId>) {
    match object {
        Object::Reference(id) => out.push(*id),
        Object::Array(items) => items.iter().for_each(|o| references(o, out)),
        Object::Dictionary(d) => dict_references(d, out),
        Object::Stream(s) => dict_references(&s.dict, out),
        _ => {}
    }
}

/// A PDF text string in UTF-16BE with its byte order mark, as the document information needs for
/// Japanese.
fn utf16be(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend(unit.to_be_bytes());
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::canvas::{Canvas, Meta};
    use crate::forms::fonts::{FontFace, FontSet};

    fn page_pdf(text: &str, pages: usize) -> Vec<u8> {
        let mut c = Canvas::new(FontSet::embedded().unwrap(), Meta::new("テスト", "地さんぽノート"));
        for n in 0..pages {
            c.new_page();
            c.text(20.0, 30.0, FontFace::Mincho, 12.0, &format!("{text} {n}"));
        }
        c.finish().unwrap()
    }

    /// The pages of each document, in order, each with its own resources and size, and nothing of
    /// the documents' own page trees or catalogs.
    #[test]
    fn pages_keep_their_order_resources_and_size() {
        let docs = vec![parse(&page_pdf("一通目", 2)).unwrap(), parse(&page_pdf("二通目", 1)).unwrap()];
        let mut merged = merge(docs, "意見書（2件）").unwrap();
        let mut bytes = Vec::new();
        merged.save_to(&mut bytes).unwrap();
        let back = Document::load_mem(&bytes).unwrap();
        let pages: Vec<ObjectId> = back.page_iter().collect();
        assert_eq!(pages.len(), 3);
        for id in &pages {
            let page = back.get_dictionary(*id).unwrap();
            assert!(page.get(b"Resources").is_ok() && page.get(b"MediaBox").is_ok(), "{page:?}");
        }
        let catalogs = back.objects.values().filter(|o| o.type_name().ok() == Some(b"Catalog".as_slice())).count();
        let trees = back.objects.values().filter(|o| o.type_name().ok() == Some(b"Pages".as_slice())).count();
        assert_eq!((catalogs, trees), (1, 1));
        // (The text and the fonts are read back by poppler in tests/batch_print.rs.)
    }

    #[test]
    fn nothing_to_merge_is_refused() {
        assert!(merge(vec![], "空").is_err());
    }
}
