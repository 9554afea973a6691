//! The page's one reducer: everything the inspector shows follows from this state, and every change to
//! it is an [`Action`].
//!
//! Expensive results (decoding the input, encoding the builder's packet, the tree shape of the selected
//! packet) are computed here when their inputs change and shared with components behind `Rc`, so a
//! mouse moving over bytes re-renders without decoding anything again.

use mqtt_core::sorted::SortedSet;
use std::ops::Range;
use std::rc::Rc;

use mqtt_core::ProtocolVersion;
use yew::{AttrValue, Reducible};

use crate::inspector::builder::{build, BuildError, BuildKind, BuilderForm};
use crate::inspector::hex::{format_hex, parse_hex, HexError};
use crate::inspector::highlight::{error_bytes, highlight, Highlight, Pointer};
use crate::inspector::inspection::{inspect, Inspection, Outcome, PacketView};
use crate::inspector::samples::{self, Sample};
use crate::inspector::tree::{self, Row};

/// The editions the version selector offers, as `<option>` values.
pub const EDITIONS: [ProtocolVersion; 2] = [ProtocolVersion::V311, ProtocolVersion::V5];

/// The edition for a selector value such as `"5.0"`.
pub fn edition_from_str(value: &str) -> Option<ProtocolVersion> {
    EDITIONS
        .into_iter()
        .find(|version| version.edition() == value)
}

/// What the hex text turned out to hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Parsed {
    /// Nothing pasted yet.
    Empty,
    /// The text is not hex.
    BadHex(HexError),
    /// Bytes, decoded into packets.
    Packets(Rc<Inspection>),
}

/// The selected packet with its tree shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    /// Its index in the packet list.
    pub index: usize,
    /// The packet.
    pub packet: Rc<PacketView>,
    /// Tree rows parallel to its spans.
    pub rows: Rc<[Row]>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// The samples, built once at startup.
    pub samples: Rc<[Sample]>,
    /// The chosen sample; `None` once the user types their own bytes.
    pub sample_id: Option<&'static str>,
    /// The hex text as typed (shared, not copied, with the text area on every render).
    pub hex_input: AttrValue,
    /// The edition to decode (and build) in.
    pub version: ProtocolVersion,
    /// What the hex text holds.
    pub parsed: Rc<Parsed>,
    /// The packet shown in the tree and hex view.
    pub selected: Option<Selected>,
    /// What the mouse is over, if anything.
    pub hover: Option<Pointer>,
    /// What was last clicked or focused: shown when the mouse is elsewhere (and on touch screens).
    pub pinned: Option<Pointer>,
    /// Collapsed groups of the selected packet's tree.
    pub collapsed: Rc<SortedSet<usize>>,
    /// The builder form as typed.
    pub builder: BuilderForm,
    /// The builder's packet, encoded, or why it cannot be.
    pub built: Rc<Result<Vec<u8>, BuildError>>,
    /// Outcome of the last "copy" of the builder's bytes, until the form changes.
    pub copied: Option<bool>,
}

/// A change to the form of the builder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuilderEdit {
    /// Packet type.
    Kind(BuildKind),
    /// DUP flag.
    Dup(bool),
    /// RETAIN flag.
    Retain(bool),
    /// QoS.
    Qos(u8),
    /// Topic name or filter.
    Topic(String),
    /// Payload text.
    Payload(String),
    /// Packet identifier text.
    PacketId(String),
}

/// Everything that can happen on the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// The hex text was edited.
    EditHex(String),
    /// A sample was chosen by id (an unknown id, such as "custom", keeps the text as the user's own).
    PickSample(String),
    /// The protocol edition was changed.
    SetVersion(ProtocolVersion),
    /// A packet of the list was selected.
    SelectPacket(usize),
    /// The mouse moved onto something (or off everything).
    Hover(Option<Pointer>),
    /// Something was clicked or focused (or Escape cleared it).
    Pin(Option<Pointer>),
    /// A tree group was collapsed (`true`) or expanded.
    SetCollapsed(usize, bool),
    /// The builder form changed.
    EditBuilder(BuilderEdit),
    /// Load the builder's bytes into the inspector.
    InspectBuilt,
    /// The clipboard answered a copy.
    Copied(bool),
    /// Show these bytes, decoded in this edition (a packet opened from the playground).
    LoadBytes(Vec<u8>, ProtocolVersion),
}

impl Default for State {
    fn default() -> Self {
        let samples: Rc<[Sample]> = samples::all().into();
        let builder = BuilderForm::default();
        let mut state = State {
            samples: samples.clone(),
            sample_id: None,
            hex_input: AttrValue::default(),
            version: ProtocolVersion::V311,
            parsed: Rc::new(Parsed::Empty),
            selected: None,
            hover: None,
            pinned: None,
            collapsed: Rc::default(),
            built: Rc::new(build(&builder, ProtocolVersion::V311)),
            builder,
            copied: None,
        };
        if let Some(first) = samples.first() {
            state.load_sample(first);
        }
        state
    }
}

impl State {
    /// The inspector showing `bytes` decoded in `version` (the playground's packet view).
    pub fn with_bytes(bytes: &[u8], version: ProtocolVersion) -> Self {
        let mut state = State::default();
        state.load_bytes(bytes, version);
        state
    }

    fn load_bytes(&mut self, bytes: &[u8], version: ProtocolVersion) {
        self.sample_id = None;
        self.version = version;
        self.set_hex(format_hex(bytes, 16));
        self.rebuild();
    }

    /// What to light up now: the hover wins over the pin.
    pub fn pointer(&self) -> Option<Pointer> {
        self.hover.or(self.pinned)
    }

    /// The highlight in the selected packet, with the field mapped to the row on screen (a collapsed
    /// group stands for the fields hidden inside it).
    pub fn highlight(&self) -> Highlight {
        let Some(selected) = &self.selected else {
            return Highlight::default();
        };
        let mut lit = highlight(&selected.packet.spans, self.pointer());
        lit.field = lit
            .field
            .map(|field| tree::shown_as(&selected.rows, &self.collapsed, field));
        lit
    }

    /// The bytes a decode error blames in the selected packet.
    pub fn error_bytes(&self) -> Option<Range<usize>> {
        let packet = &self.selected.as_ref()?.packet;
        match &packet.outcome {
            Outcome::Malformed(error) => {
                Some(error_bytes(error.offset, error.len, packet.bytes.len()))
            }
            _ => None,
        }
    }

    /// The field a decode error points into (a wrong flag's own bits, else the innermost field holding
    /// its first byte), as shown.
    pub fn error_field(&self) -> Option<usize> {
        let selected = self.selected.as_ref()?;
        let Outcome::Malformed(error) = &selected.packet.outcome else {
            return None;
        };
        let field = error.field?;
        Some(tree::shown_as(&selected.rows, &self.collapsed, field))
    }

    /// The packets found, if the input is hex.
    pub fn inspection(&self) -> Option<&Inspection> {
        match &*self.parsed {
            Parsed::Packets(inspection) => Some(inspection),
            _ => None,
        }
    }

    fn load_sample(&mut self, sample: &Sample) {
        self.sample_id = Some(sample.id);
        self.version = sample.version;
        self.set_hex(format_hex(&sample.bytes, 16));
    }

    fn set_hex(&mut self, text: String) {
        self.hex_input = AttrValue::from(text);
        self.reparse(0);
    }

    /// Decodes the text again and selects packet `keep` if it still exists.
    fn reparse(&mut self, keep: usize) {
        let parsed = match parse_hex(&self.hex_input) {
            Ok(bytes) if bytes.is_empty() => Parsed::Empty,
            Ok(bytes) => Parsed::Packets(Rc::new(inspect(&bytes, self.version))),
            Err(error) => Parsed::BadHex(error),
        };
        self.parsed = Rc::new(parsed);
        let count = self
            .inspection()
            .map_or(0, |inspection| inspection.packets.len());
        self.select(if keep < count { keep } else { 0 });
    }

    fn select(&mut self, index: usize) {
        self.selected = self.inspection().and_then(|inspection| {
            let packet = inspection.packets.get(index)?;
            Some(Selected {
                index,
                rows: tree::rows(packet.spans.as_slice()).into(),
                packet: Rc::new(packet.clone()),
            })
        });
        self.hover = None;
        self.pinned = None;
        self.collapsed = Rc::default();
    }

    fn rebuild(&mut self) {
        self.built = Rc::new(build(&self.builder, self.version));
        self.copied = None;
    }

    fn edit_builder(&mut self, edit: BuilderEdit) {
        let form = &mut self.builder;
        match edit {
            BuilderEdit::Kind(kind) => form.kind = kind,
            BuilderEdit::Dup(dup) => form.dup = dup,
            BuilderEdit::Retain(retain) => form.retain = retain,
            BuilderEdit::Qos(qos) => form.qos = qos,
            BuilderEdit::Topic(topic) => form.topic = topic,
            BuilderEdit::Payload(payload) => form.payload = payload,
            BuilderEdit::PacketId(id) => form.packet_id = id,
        }
        self.rebuild();
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // Pointer moves are the most frequent action by far; when nothing changes, returning the same
        // Rc tells Yew there is nothing to re-render.
        match &action {
            Action::Hover(pointer) if *pointer == self.hover => return self,
            Action::Pin(pointer) if *pointer == self.pinned => return self,
            _ => {}
        }
        let mut next = (*self).clone();
        match action {
            Action::EditHex(text) => {
                next.sample_id = None;
                next.set_hex(text);
            }
            Action::PickSample(id) => match samples::find(&self.samples, &id) {
                Some(sample) => next.load_sample(sample),
                None => next.sample_id = None,
            },
            Action::SetVersion(version) => {
                next.version = version;
                next.reparse(self.selected.as_ref().map_or(0, |s| s.index));
                next.rebuild();
            }
            Action::SelectPacket(index) => next.select(index),
            Action::Hover(pointer) => next.hover = pointer,
            Action::Pin(pointer) => next.pinned = pointer,
            Action::SetCollapsed(index, collapse) => {
                let mut collapsed = (*self.collapsed).clone();
                if collapse {
                    collapsed.insert(index);
                } else {
                    collapsed.remove(&index);
                }
                next.collapsed = Rc::new(collapsed);
            }
            Action::EditBuilder(edit) => next.edit_builder(edit),
            Action::InspectBuilt => {
                if let Ok(bytes) = &*self.built {
                    next.sample_id = None;
                    next.set_hex(format_hex(bytes, 16));
                }
            }
            Action::Copied(ok) => next.copied = Some(ok),
            Action::LoadBytes(bytes, version) => next.load_bytes(&bytes, version),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn reduce(state: Rc<State>, action: Action) -> Rc<State> {
        state.reduce(action)
    }

    #[test]
    fn starts_on_the_first_sample_decoded() {
        let state = State::default();
        assert_eq!(state.sample_id, Some("connect-will"));
        assert!(state.hex_input.as_str().starts_with("10 "));
        let selected = state.selected.as_ref().unwrap();
        assert_eq!(selected.packet.outcome, Outcome::Decoded);
        assert_eq!(selected.rows.len(), selected.packet.spans.as_slice().len());
        assert!(state.built.is_ok());
    }

    #[test]
    fn picking_a_sample_sets_its_version_and_typing_makes_it_custom() {
        let state = reduce(Rc::default(), Action::PickSample("connack-v5".into()));
        assert_eq!(
            (state.sample_id, state.version),
            (Some("connack-v5"), ProtocolVersion::V5)
        );
        let state = reduce(state, Action::EditHex("c0 00".into()));
        assert_eq!(state.sample_id, None);
        assert_eq!(state.version, ProtocolVersion::V5);
        assert_eq!(state.selected.as_ref().unwrap().packet.summary, "PINGREQ");
    }

    #[test]
    fn bad_hex_and_empty_text_select_nothing() {
        let state = reduce(Rc::default(), Action::EditHex("30 0g".into()));
        assert!(matches!(*state.parsed, Parsed::BadHex(_)));
        assert!(state.selected.is_none());
        let state = reduce(state, Action::EditHex("  ".into()));
        assert_eq!(*state.parsed, Parsed::Empty);
    }

    #[test]
    fn hover_wins_over_the_pin_and_falls_back_to_it() {
        let state = reduce(Rc::default(), Action::PickSample("pubrel".into()));
        let state = reduce(state, Action::Pin(Some(Pointer::Field(5))));
        assert_eq!(state.highlight().bytes, 2..4);
        let state = reduce(state, Action::Hover(Some(Pointer::Byte(0))));
        assert_eq!(state.highlight().bytes, 0..1);
        let state = reduce(state, Action::Hover(None));
        assert_eq!(state.highlight().field, Some(5));
    }

    #[test]
    fn an_unchanged_hover_keeps_the_same_state() {
        let state = reduce(Rc::default(), Action::Hover(Some(Pointer::Byte(3))));
        let again = reduce(state.clone(), Action::Hover(Some(Pointer::Byte(3))));
        assert!(Rc::ptr_eq(&state, &again));
    }

    #[test]
    fn a_collapsed_group_stands_for_its_hidden_fields() {
        let state = reduce(Rc::default(), Action::PickSample("pubrel".into()));
        let state = reduce(state, Action::SetCollapsed(0, true));
        let state = reduce(state, Action::Hover(Some(Pointer::Byte(1))));
        assert_eq!(state.highlight().field, Some(0));
        assert_eq!(state.highlight().bytes, 1..2);
    }

    #[test]
    fn malformed_sample_blames_its_first_byte() {
        let state = reduce(Rc::default(), Action::PickSample("publish-qos3".into()));
        assert_eq!(state.error_bytes(), Some(0..1));
    }

    #[test]
    fn malformed_sample_points_into_the_flags_field() {
        let state = reduce(Rc::default(), Action::PickSample("publish-qos3".into()));
        let selected = state.selected.as_ref().unwrap();
        let field = state.error_field().unwrap();
        assert_eq!(selected.packet.spans.as_slice()[field].field.name, "Flags");
        assert_eq!(
            reduce(state, Action::PickSample("pubrel".into())).error_field(),
            None
        );
    }

    #[test]
    fn changing_version_keeps_the_selected_packet_while_it_exists() {
        let state = reduce(Rc::default(), Action::EditHex("c0 00 c0 00".into()));
        let state = reduce(state, Action::SelectPacket(1));
        let state = reduce(state, Action::SetVersion(ProtocolVersion::V5));
        assert_eq!(state.selected.as_ref().map(|s| s.index), Some(1));
        // Read as 5.0, the 3.1.1 PUBLISH takes its payload for properties and is malformed: decoding
        // stops there, the PUBACK is gone, and the selection falls back to the first packet.
        let state = reduce(state, Action::PickSample("publish-then-puback".into()));
        let state = reduce(state, Action::SelectPacket(1));
        assert_eq!(
            state.selected.as_ref().unwrap().packet.summary,
            "PUBACK id 7"
        );
        let state = reduce(state, Action::SetVersion(ProtocolVersion::V5));
        assert_eq!(state.inspection().map(|i| i.packets.len()), Some(1));
        assert_eq!(state.selected.as_ref().map(|s| s.index), Some(0));
    }

    #[test]
    fn built_bytes_can_be_inspected() {
        let state = reduce(
            Rc::default(),
            Action::EditBuilder(BuilderEdit::Kind(BuildKind::PingReq)),
        );
        let state = reduce(state, Action::InspectBuilt);
        assert_eq!(state.hex_input.as_str(), "c0 00");
        assert_eq!(state.sample_id, None);
        let state = reduce(
            state,
            Action::EditBuilder(BuilderEdit::Kind(BuildKind::PubAck)),
        );
        let state = reduce(
            state,
            Action::EditBuilder(BuilderEdit::PacketId("0".into())),
        );
        assert!(state.built.is_err());
        let unchanged = reduce(state.clone(), Action::InspectBuilt);
        assert_eq!(unchanged.hex_input.as_str(), "c0 00");
    }

    #[test]
    fn bytes_from_the_playground_load_in_their_edition() {
        let connack_v5 = [0x20, 0x03, 0x00, 0x00, 0x00];
        let state = State::with_bytes(&connack_v5, ProtocolVersion::V5);
        assert_eq!(
            (state.sample_id, state.version),
            (None, ProtocolVersion::V5)
        );
        assert_eq!(state.hex_input.as_str(), "20 03 00 00 00");
        assert_eq!(
            state.selected.as_ref().unwrap().packet.outcome,
            Outcome::Decoded
        );
        let state = reduce(
            Rc::new(state),
            Action::LoadBytes(vec![0xc0, 0x00], ProtocolVersion::V311),
        );
        assert_eq!(state.selected.as_ref().unwrap().packet.summary, "PINGREQ");
    }

    #[test]
    fn editions_round_trip_through_the_selector_values() {
        for version in EDITIONS {
            assert_eq!(edition_from_str(version.edition()), Some(version));
        }
        assert_eq!(edition_from_str("3.1"), None);
    }
}
