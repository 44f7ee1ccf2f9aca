//! A small pull reader over REFI XML: elements by local name (whatever namespace prefix a
//! tool used), attributes and text unescaped, and what a REFI file never needs refused: a
//! DOCTYPE (where entities, and with them "billion laughs" and external files, are
//! defined) and entity references other than XML's five.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::error::RefiError;

/// One step through the document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// An element opens (an empty element is an `Open` then a `Close`).
    Open {
        /// Local name.
        name: String,
        /// Attributes by local name, unescaped, in document order.
        attributes: Vec<(String, String)>,
    },
    /// An element closes.
    Close {
        /// Local name.
        name: String,
    },
    /// Character data between tags (entities and CDATA resolved).
    Text(String),
}

/// Reads `xml` node by node; errors name `file` and the line.
pub(crate) struct XmlReader<'a> {
    reader: Reader<&'a [u8]>,
    xml: &'a str,
    file: String,
    pending_close: Option<String>,
}

impl<'a> XmlReader<'a> {
    pub(crate) fn new(xml: &'a str, file: &str) -> Self {
        XmlReader {
            reader: Reader::from_reader(xml.as_bytes()),
            xml,
            file: file.to_string(),
            pending_close: None,
        }
    }

    /// An error at the reader's position.
    pub(crate) fn error(&self, message: impl Into<String>) -> RefiError {
        let at = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
        let before = self.xml.get(..at.min(self.xml.len())).unwrap_or(self.xml);
        RefiError::Xml {
            file: self.file.clone(),
            line: before.matches('\n').count() + 1,
            message: message.into(),
        }
    }

    /// The next node, `None` at the end of the document.
    pub(crate) fn next_node(&mut self) -> Result<Option<Node>, RefiError> {
        if let Some(name) = self.pending_close.take() {
            return Ok(Some(Node::Close { name }));
        }
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(error) => return Err(self.error(format!("broken XML: {error}"))),
            };
            return match event {
                Event::Start(tag) => Ok(Some(self.open(&tag)?)),
                Event::Empty(tag) => {
                    let node = self.open(&tag)?;
                    if let Node::Open { name, .. } = &node {
                        self.pending_close = Some(name.clone());
                    }
                    Ok(Some(node))
                }
                Event::End(tag) => Ok(Some(Node::Close {
                    name: local(tag.local_name().into_inner()),
                })),
                Event::Text(text) => Ok(Some(Node::Text(clean(&text.xml10_content())))),
                Event::CData(data) => Ok(Some(Node::Text(clean(&data.into_inner())))),
                Event::GeneralRef(reference) => {
                    let c = match reference.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => reference.resolve_char_ref().ok().flatten(),
                    };
                    match c {
                        Some(c) => Ok(Some(Node::Text(clean(&c.to_string())))),
                        None => Err(self.error(format!(
                            "an entity reference &{}; that XML does not define (REFI files \
                             use none)",
                            reference.as_ref() as &str
                        ))),
                    }
                }
                Event::DocType(_) => Err(self.error(
                    "a DOCTYPE declaration: REFI files need none, and entities defined there \
                     are refused rather than expanded",
                )),
                Event::Eof => Ok(None),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
            };
        }
    }

    fn open(&self, tag: &BytesStart<'_>) -> Result<Node, RefiError> {
        let mut attributes = Vec::new();
        for attribute in tag.attributes() {
            let attribute =
                attribute.map_err(|e| self.error(format!("a broken attribute: {e}")))?;
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .map_err(|e| self.error(format!("a broken attribute value: {e}")))?;
            attributes.push((
                local(attribute.key.local_name().into_inner()),
                clean(&value),
            ));
        }
        Ok(Node::Open {
            name: local(tag.local_name().into_inner()),
            attributes,
        })
    }
}

/// `text` without the control characters XML 1.0 cannot hold (a character reference can
/// still name them), which [`escape`] leaves out too.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| (c as u32) >= 0x20 || matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

fn local(name: &str) -> String {
    name.to_string()
}

/// The value of attribute `name`.
pub(crate) fn attribute<'n>(attributes: &'n [(String, String)], name: &str) -> Option<&'n str> {
    attributes
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// `text` escaped for XML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            // Characters XML 1.0 cannot hold at all are left out.
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(xml: &str) -> Result<Vec<Node>, RefiError> {
        let mut reader = XmlReader::new(xml, "t.xml");
        let mut out = Vec::new();
        while let Some(node) = reader.next_node()? {
            out.push(node);
        }
        Ok(out)
    }

    #[test]
    fn names_lose_their_prefix_and_text_its_escapes() {
        let got = nodes("<?xml version=\"1.0\"?><q:A xmlns:q=\"urn:x\" q:b=\"1 &amp; 2\">x &lt; y&#233;<C/></q:A>")
            .expect("nodes");
        assert_eq!(
            got,
            [
                Node::Open {
                    name: "A".into(),
                    attributes: vec![("q".into(), "urn:x".into()), ("b".into(), "1 & 2".into())]
                },
                Node::Text("x ".into()),
                Node::Text("<".into()),
                Node::Text(" y".into()),
                Node::Text("é".into()),
                Node::Open {
                    name: "C".into(),
                    attributes: vec![]
                },
                Node::Close { name: "C".into() },
                Node::Close { name: "A".into() },
            ]
        );
    }

    #[test]
    fn doctypes_and_unknown_entities_are_refused_with_the_line() {
        let error = nodes("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>")
            .expect_err("a DOCTYPE");
        let message = error.to_string();
        assert!(message.starts_with("t.xml: line 2"), "{message}");
        assert!(message.contains("DOCTYPE"), "{message}");
        let error = nodes("<a>&x;</a>").expect_err("an unknown entity");
        assert!(error.to_string().contains("&x;"), "{error}");
        assert!(nodes("<a><b></a>").is_err());
    }

    #[test]
    fn escaped_text_reads_back_as_written() {
        let text = "Tom & \"Jerry\" <'s>\nline two\ttab";
        let xml = format!("<a v=\"{}\">{}</a>", escape(text), escape(text));
        let got = nodes(&xml).expect("nodes");
        let Node::Open { attributes, .. } = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(attribute(attributes, "v"), Some(text));
        let body: String = got[1..got.len() - 1]
            .iter()
            .map(|n| match n {
                Node::Text(t) => t.as_str(),
                _ => "",
            })
            .collect();
        assert_eq!(body, text);
    }
}
